package io.modelmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.testing.Allocations;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Inputs built to hurt: none may crash the check, and work must stay bounded. */
class HostileInputTest {

  private final FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
      .numeric("price", f -> f.range(0, 10_000))
      .categorical("category", f -> f.vocabulary("shoes", "bags"))
      .vector("embedding", f -> f.dimension(64))
      .build();

  private static final ViolationListener IGNORE = (f, k, v, r) -> { };

  @Test
  void nullInput_isOneInputViolation() {
    assertThat(Collected.of(schema, null)).containsExactly("_input:null");
    assertThat(schema.validate(null)).extracting(Violation::toString)
        .containsExactly("_input: null (input is null)");
  }

  @Test
  void emptyMap_everyRequiredFeatureMissing() {
    assertThat(Collected.of(schema, Map.of())).containsExactly("price:missing",
        "category:missing", "embedding:missing");
  }

  @Test
  void wrongInputType_throughRawTypes_isATypeMismatchNotAClassCastException() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    FeatureSchema<Object> raw = (FeatureSchema) schema;
    assertThat(Collected.of(raw, "not a map")).containsExactly("_input:type_mismatch");
    assertThat(Collected.of(raw, new float[3])).containsExactly("_input:type_mismatch");
  }

  @Test
  void mapWith100000UnexpectedKeys_oneViolation_boundedWorkAndNoAllocation() {
    Map<String, Object> huge = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      huge.put("junk_" + i, i);
    }
    huge.put("price", 10.0);
    huge.put("category", "bags");
    huge.put("embedding", new float[64]);
    Collected c = new Collected(schema);
    int[] n = new int[1];
    int[] runs = new int[1];
    long allocated = Allocations.leastAllocatedBy(5, 3, () -> {
      runs[0]++;
      for (int i = 0; i < 20_000; i++) {
        n[0] += schema.check(huge, IGNORE);
      }
    });
    assertThat(n[0]).isEqualTo(runs[0] * 20_000); // exactly one violation per check, every run
    assertThat(allocated).as("checking never copies or iterates the map").isZero();
    assertThat(schema.check(huge, c)).isEqualTo(1);
    assertThat(c.seen).containsExactly("_unexpected:unexpected");

    List<Violation> described = schema.validate(huge);
    assertThat(described).hasSize(1);
    assertThat(described.get(0).detail()).startsWith("100000 unexpected features: junk_")
        .endsWith(", ...").hasSizeLessThan(400); // lists 10 names, not 100,000
  }

  @Test
  void stringsWhereNumbersBelong_areTypeMismatches() {
    Map<String, Object> m = Map.of("price", "12.50", "category", 7.5, "embedding", "[0.1]");
    assertThat(Collected.of(schema, m)).containsExactly("price:type_mismatch",
        "category:type_mismatch", "embedding:type_mismatch");
    assertThat(schema.validate(m).get(0).detail()).isEqualTo(
        "expected a number, got String \"12.50\"");
  }

  @Test
  void nanAndInfinity_everywhere() {
    float[] vector = new float[64];
    vector[10] = Float.POSITIVE_INFINITY;
    Map<String, Object> m = Map.of("price", Double.NaN, "category", "bags", "embedding", vector);
    assertThat(Collected.of(schema, m)).containsExactly("price:nan_or_infinite",
        "embedding:nan_or_infinite");
    Map<String, Object> neg = Map.of("price", Double.NEGATIVE_INFINITY, "category", "bags",
        "embedding", new float[64]);
    assertThat(Collected.of(schema, neg)).containsExactly("price:nan_or_infinite");
  }

  @Test
  void hugeFiniteDoubles_overflowTheNormButAreNotNaN() {
    FeatureSchema<Map<String, ?>> s = FeatureSchema.forMap()
        .vector("v", f -> f.normRange(0, 10)).build();
    assertThat(Collected.of(s, Map.of("v", new double[] {1e200, 1e200})))
        .containsExactly("v:out_of_range");
    FeatureSchema<Map<String, ?>> open = FeatureSchema.forMap().vector("v", f -> { }).build();
    assertThat(Collected.of(open, Map.of("v", new double[] {1e200, 1e200}))).isEmpty();
  }

  @Test
  void vectorOfWrongLength_andTenMillionElementArrays_areCheapToReject() {
    float[] tenMillion = new float[10_000_000];
    Map<String, Object> m = Map.of("price", 1.0, "category", "bags", "embedding", tenMillion);
    assertThat(Collected.of(schema, m)).containsExactly("embedding:dimension_mismatch");
    assertThat(schema.validate(m).get(0).detail()).isEqualTo("length 10000000, expected 64");

    FeatureSchema<float[]> positional = FeatureSchema.forFloatArray("a", "b", "c").build();
    // the extra 9,999,997 elements are never read (see ArrayChecker; element reads of list
    // vectors are counted in ReviewedEdgeCasesTest)
    assertThat(Collected.of(positional, tenMillion)).containsExactly("_unexpected:unexpected");
  }

  @Test
  void validInputs_allocateNothing_forEveryShape() {
    Map<String, Object> m = new HashMap<>(Map.of("price", 10.0, "category", "bags",
        "embedding", new float[64]));
    FeatureSchema<float[]> positional = FeatureSchema.forFloatArray("a", "b", "c")
        .numeric("a", f -> f.range(0, 1)).build();
    float[] array = {0.5f, 2, 3};
    FeatureSchema<ViolationKindsTest.Request> records =
        FeatureSchema.forRecord(ViolationKindsTest.Request.class).build();
    ViolationKindsTest.Request request = new ViolationKindsTest.Request(99.5, 3, true, "shoes",
        ViolationKindsTest.Device.IOS, new float[] {0.6f, 0f, 0.8f}, 0.1, 42, "r-1");
    ViolationListener fail = (f, k, v, r) -> {
      throw new AssertionError("no violation expected: " + k);
    };
    Runnable calls = () -> {
      for (int i = 0; i < 200_000; i++) {
        schema.check(m, fail);
        positional.check(array, fail);
        records.check(request, fail);
      }
    };
    assertThat(Allocations.allocatedBy(3, calls)).isZero();
  }
}
