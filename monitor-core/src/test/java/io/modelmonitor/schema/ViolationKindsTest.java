package io.modelmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every violation kind, for every input shape, detected exactly once and nothing else. */
class ViolationKindsTest {

  enum Device { IOS, ANDROID, WEB }

  record Request(double price, long position, boolean promoted, String category, Device device,
      float[] embedding, Double discount, Integer brandId, String requestId) {}

  // ------------------------------------------------------------------ map

  private final FeatureSchema<Map<String, ?>> mapSchema = FeatureSchema.forMap()
      .numeric("price", f -> f.range(0, 10_000))
      .integer("position", f -> f.range(1, 50))
      .bool("promoted", f -> { })
      .categorical("category", f -> f.vocabulary("shoes", "bags"))
      .categorical("brand_id", f -> f.vocabulary("17", "42"))
      .vector("embedding", f -> f.dimension(3).normRange(0.5, 2))
      .numeric("discount", f -> f.optional().nullable())
      .exclude("request_id")
      .build();

  private Map<String, Object> validMap() {
    Map<String, Object> m = new HashMap<>();
    m.put("price", 99.5);
    m.put("position", 3);
    m.put("promoted", true);
    m.put("category", "shoes");
    m.put("brand_id", 42);
    m.put("embedding", new float[] {0.6f, 0.0f, 0.8f});
    m.put("discount", null);
    m.put("request_id", "r-1");
    return m;
  }

  private List<String> mapWith(String key, Object value) {
    Map<String, Object> m = validMap();
    m.put(key, value);
    return Collected.of(mapSchema, m);
  }

  @Test
  void map_validInput_hasNoViolations() {
    assertThat(Collected.of(mapSchema, validMap())).isEmpty();
    Map<String, Object> minimal = validMap();
    minimal.remove("discount"); // optional
    minimal.remove("request_id"); // ignored
    assertThat(Collected.of(mapSchema, minimal)).isEmpty();
  }

  @Test
  void map_eachKind_detectedExactlyOnce() {
    Map<String, Object> missing = validMap();
    missing.remove("price");
    assertThat(Collected.of(mapSchema, missing)).containsExactly("price:missing");

    Map<String, Object> extra = validMap();
    extra.put("pirce", 10.0);
    extra.put("colour", "red");
    assertThat(Collected.of(mapSchema, extra)).containsExactly("_unexpected:unexpected");

    assertThat(mapWith("price", "99.5")).containsExactly("price:type_mismatch");
    assertThat(mapWith("position", 2.5)).containsExactly("position:type_mismatch");
    assertThat(mapWith("promoted", "yes")).containsExactly("promoted:type_mismatch");
    assertThat(mapWith("category", 3.5)).containsExactly("category:type_mismatch");
    assertThat(mapWith("embedding", "0.1,0.2")).containsExactly("embedding:type_mismatch");
    assertThat(mapWith("embedding", List.of(0.6, "x", 0.8)))
        .containsExactly("embedding:type_mismatch");

    assertThat(mapWith("price", null)).containsExactly("price:null");
    assertThat(mapWith("discount", null)).isEmpty(); // nullable

    assertThat(mapWith("price", Double.NaN)).containsExactly("price:nan_or_infinite");
    assertThat(mapWith("price", Double.POSITIVE_INFINITY))
        .containsExactly("price:nan_or_infinite");
    assertThat(mapWith("embedding", new double[] {0.6, Double.NaN, 0.8}))
        .containsExactly("embedding:nan_or_infinite");

    assertThat(mapWith("price", 12_000)).containsExactly("price:out_of_range");
    assertThat(mapWith("price", -0.01)).containsExactly("price:out_of_range");
    assertThat(mapWith("position", 51L)).containsExactly("position:out_of_range");
    assertThat(mapWith("embedding", new float[] {3f, 0f, 0f}))
        .containsExactly("embedding:out_of_range");

    assertThat(mapWith("category", "watches")).containsExactly("category:unseen_category");
    assertThat(mapWith("brand_id", 7)).containsExactly("brand_id:unseen_category");
    assertThat(mapWith("brand_id", "42")).isEmpty(); // the id's decimal form matches too

    assertThat(mapWith("embedding", new float[] {1f, 0f})).containsExactly(
        "embedding:dimension_mismatch");
    assertThat(mapWith("embedding", List.of(1.0, 0.0, 0.0, 0.0)))
        .containsExactly("embedding:dimension_mismatch");
  }

  @Test
  void map_severalViolations_allReported() {
    Map<String, Object> m = validMap();
    m.remove("price");
    m.put("position", 0);
    m.put("category", "hats");
    m.put("x", 1);
    assertThat(Collected.of(mapSchema, m)).containsExactly("price:missing",
        "position:out_of_range", "category:unseen_category", "_unexpected:unexpected");
  }

  // ------------------------------------------------------------------ arrays

  private final FeatureSchema<float[]> floatSchema = FeatureSchema
      .forFloatArray("price", "position", "promoted", "brand_id")
      .numeric("price", f -> f.range(0, 10_000))
      .integer("position", f -> f.range(1, 50))
      .bool("promoted", f -> { })
      .categorical("brand_id", f -> f.vocabulary("17", "42"))
      .build();

  @Test
  void floatArray_eachKind_detected() {
    assertThat(Collected.of(floatSchema, new float[] {99.5f, 3, 1, 42})).isEmpty();
    assertThat(Collected.of(floatSchema, new float[] {99.5f, 3, 1}))
        .containsExactly("brand_id:missing");
    assertThat(Collected.of(floatSchema, new float[] {99.5f, 3, 1, 42, 0, 0}))
        .containsExactly("_unexpected:unexpected");
    assertThat(Collected.of(floatSchema, new float[] {99.5f, 3.5f, 2, 42}))
        .containsExactly("position:type_mismatch", "promoted:type_mismatch");
    assertThat(Collected.of(floatSchema, new float[] {Float.NaN, 3, 1, 42}))
        .containsExactly("price:nan_or_infinite");
    assertThat(Collected.of(floatSchema, new float[] {-1, 60, 1, 42}))
        .containsExactly("price:out_of_range", "position:out_of_range");
    assertThat(Collected.of(floatSchema, new float[] {1, 3, 0, 7}))
        .containsExactly("brand_id:unseen_category");
    assertThat(Collected.of(floatSchema, null)).containsExactly("_input:null");
  }

  @Test
  void doubleArray_sameRules() {
    FeatureSchema<double[]> schema = FeatureSchema.forDoubleArray("a", "b")
        .numeric("a", f -> f.range(0, 1)).build();
    assertThat(Collected.of(schema, new double[] {0.5, 7})).isEmpty();
    assertThat(Collected.of(schema, new double[] {Double.NEGATIVE_INFINITY, 7}))
        .containsExactly("a:nan_or_infinite");
    assertThat(Collected.of(schema, new double[] {2})).containsExactly("a:out_of_range",
        "b:missing");
  }

  // ------------------------------------------------------------------ records

  private final FeatureSchema<Request> recordSchema = FeatureSchema.forRecord(Request.class)
      .numeric("price", f -> f.range(0, 10_000))
      .integer("position", f -> f.range(1, 50))
      .categorical("category", f -> f.vocabulary("shoes", "bags"))
      .categorical("device", f -> f.vocabulary("IOS", "ANDROID"))
      .vector("embedding", f -> f.dimension(3).normRange(0.5, 2))
      .numeric("discount", f -> f.nullable().range(0, 1))
      .categorical("brandId", f -> f.vocabulary("17", "42"))
      .exclude("requestId")
      .build();

  private Request valid() {
    return new Request(99.5, 3, true, "shoes", Device.IOS, new float[] {0.6f, 0f, 0.8f}, 0.1,
        42, "r-1");
  }

  @Test
  void record_componentsBecomeFeatures_excludedOneIsNot() {
    assertThat(recordSchema.features()).extracting(FeatureSpec::name).containsExactly("price",
        "position", "promoted", "category", "device", "embedding", "discount", "brandId");
    assertThat(Collected.of(recordSchema, valid())).isEmpty();
  }

  @Test
  void record_eachKind_detected() {
    Request r = valid();
    assertThat(Collected.of(recordSchema, new Request(Double.NaN, 0, false, "hats", Device.WEB,
        new float[] {0.6f, 0f}, null, 7, "x"))).containsExactly("price:nan_or_infinite",
        "position:out_of_range", "category:unseen_category", "device:unseen_category",
        "embedding:dimension_mismatch", "brandId:unseen_category");
    assertThat(Collected.of(recordSchema, new Request(-5, 3, true, null, Device.IOS,
        new float[] {10f, 0f, 0f}, 2.0, null, "x"))).containsExactly("price:out_of_range",
        "category:null", "embedding:out_of_range", "discount:out_of_range", "brandId:null");
    assertThat(Collected.of(recordSchema, new Request(1, 3, true, "bags", Device.ANDROID,
        null, 0.0, 17, "x"))).containsExactly("embedding:null");
    assertThat(r.price()).isEqualTo(99.5);
  }

  @Test
  void record_wrongTypeForComponent_rejectedAtBuild() {
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> FeatureSchema
            .forRecord(Request.class).categorical("price", f -> { }))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("price")
        .hasMessageContaining("double");
  }

  // ------------------------------------------------------------------ custom

  static final class Pojo {
    final double price;
    final String category;
    final float[] embedding;

    Pojo(double price, String category, float[] embedding) {
      this.price = price;
      this.category = category;
      this.embedding = embedding;
    }
  }

  @Test
  void custom_extractors_checkEachKind() {
    FeatureSchema<Pojo> schema = FeatureSchema.forType(Pojo.class)
        .numeric("price", p -> p.price, f -> f.range(0, 100))
        .categorical("category", p -> p.category, f -> f.vocabulary("a", "b"))
        .vector("embedding", p -> p.embedding, f -> f.dimension(2))
        .build();
    assertThat(Collected.of(schema, new Pojo(5, "a", new float[2]))).isEmpty();
    assertThat(Collected.of(schema, new Pojo(500, "c", new float[3])))
        .containsExactly("price:out_of_range", "category:unseen_category",
            "embedding:dimension_mismatch");
    assertThat(Collected.of(schema, new Pojo(1, null, null)))
        .containsExactly("category:missing", "embedding:missing");
    assertThat(Arrays.asList(Collected.of(schema, null).toArray())).containsExactly("_input:null");
  }

  @Test
  void custom_throwingExtractor_isATypeMismatchNotACrash() {
    FeatureSchema<Pojo> schema = FeatureSchema.forType(Pojo.class)
        .numeric("len", p -> p.category.length(), f -> { })
        .build();
    assertThat(Collected.of(schema, new Pojo(1, null, null))).containsExactly("len:type_mismatch");
    assertThat(schema.validate(new Pojo(1, null, null)).get(0).detail())
        .contains("NullPointerException");
  }
}
