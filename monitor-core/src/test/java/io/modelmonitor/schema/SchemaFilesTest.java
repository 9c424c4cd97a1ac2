package io.modelmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inference from training samples, and the JSON file format. */
class SchemaFilesTest {

  @TempDir
  Path dir;

  /** A training sample as a feature pipeline would produce it. */
  private static List<Map<String, ?>> trainingSample(int n, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    String[] categories = {"shoes", "bags", "watches", "hats"};
    List<Map<String, ?>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new HashMap<>();
      m.put("price", 5 + random.nextDouble() * 495);
      m.put("position", 1 + random.nextInt(20));
      m.put("promoted", random.nextBoolean());
      m.put("category", categories[random.nextInt(categories.length)]);
      float[] e = new float[8];
      double norm = 0;
      for (int j = 0; j < e.length; j++) {
        e[j] = (float) random.nextGaussian();
        norm += e[j] * e[j];
      }
      for (int j = 0; j < e.length; j++) {
        e[j] /= (float) Math.sqrt(norm); // unit embeddings
      }
      m.put("embedding", e);
      if (random.nextInt(10) > 0) {
        m.put("coupon", random.nextBoolean() ? null : "C" + random.nextInt(5));
      }
      m.put("request_id", "r" + i);
      out.add(m);
    }
    return out;
  }

  @Test
  void infer_thenValidate_acceptsItsSample_flagsWhatLiesOutside() {
    List<Map<String, ?>> sample = trainingSample(2_000, 1);
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .exclude("request_id").rangeMargin(0.1).inferFrom(sample).build();

    FeatureSpec price = schema.feature("price").orElseThrow();
    assertThat(price.type()).isEqualTo(FeatureType.NUMERIC);
    assertThat(price.min()).isEqualTo(0.0); // 5 - 10% of the span would be negative: clamped
    assertThat(price.max()).isBetween(540.0, 550.0);
    FeatureSpec position = schema.feature("position").orElseThrow();
    assertThat(position.type()).isEqualTo(FeatureType.INTEGER);
    assertThat(position.min()).isEqualTo(0.0);
    assertThat(position.max()).isEqualTo(22.0);
    assertThat(schema.feature("promoted").orElseThrow().type()).isEqualTo(FeatureType.BOOLEAN);
    assertThat(schema.feature("category").orElseThrow().vocabulary())
        .containsExactlyInAnyOrder("shoes", "bags", "watches", "hats");
    FeatureSpec embedding = schema.feature("embedding").orElseThrow();
    assertThat(embedding.dimension()).isEqualTo(8);
    assertThat(embedding.normMin()).isBetween(0.85, 0.95);
    assertThat(embedding.normMax()).isBetween(1.05, 1.15);
    FeatureSpec coupon = schema.feature("coupon").orElseThrow();
    assertThat(coupon.required()).isFalse();
    assertThat(coupon.nullable()).isTrue();
    assertThat(schema.feature("request_id")).isEmpty();

    for (Map<String, ?> m : sample) {
      assertThat(schema.validate(m)).as("its own training sample").isEmpty();
    }
    for (Map<String, ?> m : trainingSample(500, 2)) {
      assertThat(schema.validate(m)).as("another sample of the same distribution").isEmpty();
    }
    Map<String, Object> drifted = new HashMap<>(sample.get(0));
    drifted.put("price", 49_900.0); // cents instead of yuan
    drifted.put("category", "sneakers");
    drifted.put("embedding", new float[16]);
    assertThat(schema.validate(drifted)).extracting(v -> v.feature() + ":" + v.kind().tag())
        .containsExactlyInAnyOrder("price:out_of_range", "category:unseen_category",
            "embedding:dimension_mismatch");
  }

  @Test
  void infer_tooManyCategories_leavesTheFeatureOpen() {
    List<Map<String, ?>> sample = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      sample.add(Map.of("item", "sku-" + i));
    }
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap().maxVocabulary(100)
        .inferFrom(sample).build();
    assertThat(schema.feature("item").orElseThrow().hasVocabulary()).isFalse();
    assertThat(schema.validate(Map.of("item", "sku-never-seen"))).isEmpty();
  }

  @Test
  void infer_declaredFirst_keepsTheDeclaration() {
    List<Map<String, ?>> sample = List.of(Map.of("brand_id", 17, "price", 3.0),
        Map.of("brand_id", 42, "price", 4.0));
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .categorical("brand_id", f -> { })
        .numeric("price", f -> f.range(0, 1_000))
        .inferFrom(sample).build();
    assertThat(schema.feature("brand_id").orElseThrow().vocabulary())
        .containsExactly("17", "42");
    assertThat(schema.feature("price").orElseThrow().max()).isEqualTo(1_000);
    assertThat(schema.validate(Map.of("brand_id", 99, "price", 3.0)))
        .extracting(v -> v.kind()).containsExactly(ViolationKind.UNSEEN_CATEGORY);
  }

  record Item(double price, int position, String category, float[] embedding) {}

  @Test
  void infer_arraysAndRecords() {
    List<float[]> rows = List.of(new float[] {1, 10}, new float[] {3, 20}, new float[] {2, 15});
    FeatureSchema<float[]> arrays = FeatureSchema.forFloatArray("a", "b").rangeMargin(0)
        .inferFrom(rows).build();
    assertThat(arrays.feature("a").orElseThrow().max()).isEqualTo(3.0);
    assertThat(arrays.feature("b").orElseThrow().min()).isEqualTo(10.0);
    assertThat(arrays.validate(new float[] {4, 15})).hasSize(1);

    List<Item> items = List.of(new Item(9.5, 1, "a", new float[4]),
        new Item(19.5, 7, "b", new float[4]));
    FeatureSchema<Item> records = FeatureSchema.forRecord(Item.class).rangeMargin(0)
        .inferFrom(items).build();
    assertThat(records.feature("position").orElseThrow().max()).isEqualTo(7.0);
    assertThat(records.feature("category").orElseThrow().vocabulary()).containsExactly("a", "b");
    assertThat(records.feature("embedding").orElseThrow().dimension()).isEqualTo(4);
    assertThat(records.validate(new Item(15, 3, "c", new float[4])))
        .extracting(v -> v.feature()).containsExactly("category");
  }

  @Test
  void json_roundTripsExactly_forEveryShape() throws IOException {
    FeatureSchema<Map<String, ?>> map = FeatureSchema.forMap().exclude("request_id")
        .inferFrom(trainingSample(300, 3)).build();
    Path file = dir.resolve("ctr.schema.json");
    map.write(file);
    FeatureSchema<Map<String, ?>> loaded = FeatureSchema.read(file, InputShape.MAP);
    assertThat(loaded).isEqualTo(map);
    assertThat(loaded.toJson()).isEqualTo(Files.readString(file));
    assertThat(loaded.features()).isEqualTo(map.features()); // doubles bit for bit

    FeatureSchema<float[]> arrays = FeatureSchema.forFloatArray("a", "b", "c")
        .numeric("a", f -> f.range(-1.5, 1e-7).allowNaN()).integer("b", f -> f.range(0, 9))
        .categorical("c", f -> f.vocabulary("1", "2")).build();
    assertThat(FeatureSchema.fromJson(arrays.toJson(), InputShape.FLOAT_ARRAY)).isEqualTo(arrays);

    FeatureSchema<Item> records = FeatureSchema.forRecord(Item.class)
        .vector("embedding", f -> f.dimension(4).normRange(0, 2.5).sensitive()).build();
    assertThat(FeatureSchema.fromJson(records.toJson(), InputShape.record(Item.class)))
        .isEqualTo(records);
    assertThat(records.toJson()).contains("\"record\" : \"" + Item.class.getName() + "\"");
  }

  private void assertRejected(String json, InputShape<?> shape, String... messageParts)
      throws IOException {
    Path file = dir.resolve("bad.schema.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> FeatureSchema.read(file, shape))
        .isInstanceOf(SchemaFormatException.class)
        .hasMessageStartingWith(file.toString())
        .hasMessageContainingAll(messageParts);
  }

  @Test
  void read_malformedOrIncompatible_namesFileFieldAndExpectation() throws IOException {
    String head = "{\"format\":\"modelmonitor-feature-schema\",\"version\":1,\"shape\":\"map\",";
    assertRejected("{not json", InputShape.MAP, "not valid JSON", "line 1");
    assertRejected("[1,2]", InputShape.MAP, "document: expected a JSON object");
    assertRejected("{\"format\":\"other\",\"version\":1}", InputShape.MAP,
        "format: expected \"modelmonitor-feature-schema\", got \"other\"");
    assertRejected("{\"format\":\"modelmonitor-feature-schema\",\"version\":2,\"shape\":\"map\","
        + "\"features\":[]}", InputShape.MAP, "version: this library reads version 1",
        "version 2");
    assertRejected(head + "\"features\":[]}", InputShape.FLOAT_ARRAY,
        "shape: expected \"float_array\"", "\"map\"");
    assertRejected(head + "\"features\":[{\"name\":\"price\",\"type\":\"numeric\","
        + "\"max\":\"high\"}]}", InputShape.MAP, "features[0].max: expected a finite number, got "
        + "\"high\"");
    assertRejected(head + "\"features\":[{\"name\":\"price\",\"type\":\"money\"}]}",
        InputShape.MAP, "features[0].type: expected one of numeric", "\"money\"");
    assertRejected(head + "\"features\":[{\"name\":\"a\",\"type\":\"numeric\"},"
        + "{\"name\":\"b\",\"type\":\"numeric\",\"maximum\":3}]}", InputShape.MAP,
        "features[1].maximum: unknown field");
    assertRejected(head + "\"features\":[{\"name\":\"a\",\"type\":\"categorical\","
        + "\"dimension\":3}]}", InputShape.MAP, "features[0].dimension: does not apply to a "
        + "categorical feature");
    assertRejected(head + "\"features\":[{\"name\":\"a\",\"type\":\"numeric\",\"min\":5,"
        + "\"max\":1}]}", InputShape.MAP, "features[0].min: expected at most max");
    assertRejected(head + "\"features\":[{\"name\":\"a\",\"type\":\"numeric\"},"
        + "{\"name\":\"a\",\"type\":\"integer\"}]}", InputShape.MAP,
        "features[1].name: duplicate feature \"a\"");
    String recordHead = "{\"format\":\"modelmonitor-feature-schema\",\"version\":1,"
        + "\"shape\":\"record\",\"record\":\"" + Item.class.getName() + "\",";
    assertRejected(recordHead + "\"features\":[{\"name\":\"colour\",\"type\":\"categorical\"}]}",
        InputShape.record(Item.class), "features[0].name: record", "no supported component "
        + "\"colour\"");
    assertRejected(recordHead + "\"features\":[{\"name\":\"price\",\"type\":\"vector\"}]}",
        InputShape.record(Item.class), "features[0].type: component \"price\" of type double "
        + "cannot be \"vector\"");
  }
}
