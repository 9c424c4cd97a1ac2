package io.modelmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FeatureSchema.Builder.feature(spec): a feature copied exactly, replacing a declaration. */
class FeatureSpecDeclarationTest {

  @Test
  void feature_specsOfAnotherSchema_rebuildAnEqualSchema() {
    FeatureSchema<Map<String, ?>> original = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 100).allowNaN().sensitive())
        .integer("count", f -> f.optional().nullable())
        .categorical("segment", f -> f.vocabulary("new", "returning"))
        .vector("embedding", f -> f.dimension(4).normRange(0.5, 2))
        .build();
    FeatureSchema.Builder<Map<String, ?>> copy = FeatureSchema.forMap();
    original.features().forEach(copy::feature);

    assertThat(copy.build()).isEqualTo(original);
  }

  @Test
  void feature_sameName_replacesTheEarlierDeclarationInPlace() {
    FeatureSpec bounded = new FeatureSpec("price", FeatureType.NUMERIC, true, false, true, 1, 9,
        false, List.of(), 0, Double.NaN, Double.NaN);
    FeatureSchema<Map<String, ?>> s = FeatureSchema.forMap().numeric("price").numeric("qty")
        .feature(bounded).build();
    assertThat(s.features()).extracting(FeatureSpec::name).containsExactly("price", "qty");
    assertThat(s.feature("price")).contains(bounded);
  }

  @Test
  void feature_vectorInAnArraySchema_refusedAsTheTypedForm() {
    FeatureSpec vector = new FeatureSpec("a", FeatureType.VECTOR, true, false, false,
        Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, false, List.of(), 3, Double.NaN,
        Double.NaN);
    assertThatThrownBy(() -> FeatureSchema.forFloatArray("a").feature(vector))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("scalars");
  }
}
