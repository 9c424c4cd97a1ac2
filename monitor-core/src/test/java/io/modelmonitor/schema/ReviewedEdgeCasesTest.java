package io.modelmonitor.schema;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.testing.Allocations;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Inputs and files found by a second reader; each once broke an invariant. */
class ReviewedEdgeCasesTest {

  @TempDir
  Path dir;

  private final FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
      .numeric("price", f -> f.range(0, 10_000))
      .integer("count", f -> f.range(0, 0x1p53))
      .vector("v", f -> f.normRange(0, 10))
      .build();

  private static Map<String, Object> valid() {
    Map<String, Object> m = new HashMap<>();
    m.put("price", 1.0);
    m.put("count", 1);
    m.put("v", new float[] {1f});
    return m;
  }

  @Test
  void mapsThatRefuseStringKeys_areTypeMismatches_notExceptions() {
    @SuppressWarnings({"unchecked", "rawtypes"})
    FeatureSchema<Object> raw = (FeatureSchema) schema;
    TreeMap<Integer, Integer> ints = new TreeMap<>(Map.of(1, 2));
    assertThat(Collected.of(raw, ints)).containsExactly("_input:type_mismatch");
    Map<String, Object> nullKey = valid();
    nullKey.put(null, 3);
    assertThat(Collected.of(schema, nullKey)).containsExactly("_unexpected:unexpected");
    assertThat(schema.validate(nullKey).get(0).detail()).contains("<null key>");
  }

  @Test
  void checkingAMap_neverIteratesIt() {
    AtomicInteger iterations = new AtomicInteger();
    Map<String, Object> counting = new HashMap<>(valid()) {
      @Override
      public Set<Map.Entry<String, Object>> entrySet() {
        iterations.incrementAndGet();
        return super.entrySet();
      }

      @Override
      public Set<String> keySet() {
        iterations.incrementAndGet();
        return super.keySet();
      }
    };
    for (int i = 0; i < 100_000; i++) {
      counting.put("junk" + i, i);
    }
    iterations.set(0);
    assertThat(Collected.of(schema, counting)).containsExactly("_unexpected:unexpected");
    assertThat(iterations).hasValue(0);
  }

  @Test
  void vectorDimension_isCheckedWithoutReadingElements() {
    AtomicInteger reads = new AtomicInteger();
    List<Double> huge = new AbstractList<>() {
      @Override
      public Double get(int index) {
        reads.incrementAndGet();
        return 0.0;
      }

      @Override
      public int size() {
        return 10_000_000;
      }
    };
    FeatureSchema<Map<String, ?>> dim = FeatureSchema.forMap()
        .vector("e", f -> f.dimension(64)).build();
    assertThat(Collected.of(dim, Map.of("e", huge))).containsExactly("e:dimension_mismatch");
    assertThat(reads).hasValue(0);
  }

  @Test
  void linkedListVectors_areReadInLinearTime() {
    LinkedList<Double> linked = new LinkedList<>();
    for (int i = 0; i < 200_000; i++) {
      linked.add(1e-3);
    }
    Map<String, Object> m = valid();
    m.put("v", linked);
    assertThat(Collected.of(schema, m)).isEmpty(); // quadratic get(i) would take minutes
    List<Object> withNull = new ArrayList<>(List.of(1.0, 2.0));
    withNull.add(null);
    m.put("v", withNull);
    assertThat(schema.validate(m).get(0).detail()).isEqualTo("expected a numeric vector, got null");
  }

  @Test
  void hugeAndExactNumbers_boundedWork_rightKinds() {
    BigInteger twoTo70 = BigInteger.TWO.pow(70);
    BigInteger enormous = BigInteger.TWO.pow(3_000_000);
    BigDecimal longDecimal = new BigDecimal(enormous, 5);
    Map<String, Object> m = valid();
    m.put("count", twoTo70);
    assertThat(Collected.of(schema, m)).containsExactly("count:out_of_range");
    m.put("count", 1e19);
    assertThat(Collected.of(schema, m)).containsExactly("count:out_of_range");
    m.put("count", (1L << 53) + 1); // exactly, not rounded through double
    assertThat(Collected.of(schema, m)).containsExactly("count:out_of_range");
    m.put("count", 1L << 53);
    assertThat(Collected.of(schema, m)).isEmpty();
    m.put("count", 1);
    m.put("price", longDecimal);
    assertThat(Collected.of(schema, m)).containsExactly("price:out_of_range");
    m.put("price", enormous);
    List<Violation> described = schema.validate(m);
    assertThat(described.get(0).detail()).hasSizeLessThan(200); // never the 900,000 digits
  }

  @Test
  void unexpectedKeyNames_cannotForgeLogLines() {
    Map<String, Object> m = valid();
    m.put("a\nWARN forged line", 1);
    String detail = schema.validate(m).get(0).detail();
    assertThat(detail).doesNotContain("\n").contains("a\\u000aWARN forged line");
  }

  record Broken(double price) {
    @Override
    public double price() {
      throw new IllegalStateException("lazy field not loaded");
    }
  }

  record Embedded(List<? extends Number> embedding) {}

  @Test
  void records_throwingAccessorIsATypeMismatch_wildcardListIsAVector() {
    FeatureSchema<Broken> broken = FeatureSchema.forRecord(Broken.class).build();
    assertThat(Collected.of(broken, new Broken(1))).containsExactly("price:type_mismatch");
    assertThat(broken.validate(new Broken(1)).get(0).detail())
        .isEqualTo("reading it threw IllegalStateException");
    FeatureSchema<Embedded> embedded = FeatureSchema.forRecord(Embedded.class)
        .vector("embedding", f -> f.dimension(2)).build();
    assertThat(embedded.features()).extracting(FeatureSpec::name).containsExactly("embedding");
    assertThat(Collected.of(embedded, new Embedded(List.of(1, 2, 3))))
        .containsExactly("embedding:dimension_mismatch");
  }

  @Test
  void aThrowingListener_isNotTurnedIntoATypeMismatch() {
    FeatureSchema<Embedded> s = FeatureSchema.forType(Embedded.class)
        .numeric("n", e -> e.embedding().size(), f -> f.range(0, 1)).build();
    AtomicInteger calls = new AtomicInteger();
    assertThatThrownBy(() -> s.check(new Embedded(List.of(1, 2)), (i, k, v, r) -> {
      calls.incrementAndGet();
      throw new IllegalArgumentException("listener failed on " + k);
    })).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("OUT_OF_RANGE");
    assertThat(calls).hasValue(1);
  }

  @Test
  void extractorSchemas_allocateNothingOnValidInput() {
    FeatureSchema<Embedded> s = FeatureSchema.forType(Embedded.class)
        .numeric("n", e -> e.embedding().size(), f -> f.range(0, 10))
        .vector("embedding", Embedded::embedding, f -> f.dimension(2)).build();
    Embedded e = new Embedded(List.of(1.0, 2.0));
    ViolationListener fail = (i, k, v, r) -> {
      throw new AssertionError(k);
    };
    assertThat(Allocations.allocatedBy(3, () -> {
      for (int i = 0; i < 200_000; i++) {
        s.check(e, fail);
      }
    })).isZero();
  }

  private void assertRejected(String features, String... parts) throws Exception {
    Path file = dir.resolve("x.json");
    Files.writeString(file, "{\"format\":\"modelmonitor-feature-schema\",\"version\":1,"
        + "\"shape\":\"map\"," + features + "}");
    assertThatThrownBy(() -> FeatureSchema.read(file, InputShape.MAP))
        .isInstanceOf(SchemaFormatException.class).hasMessageContainingAll(parts);
  }

  @Test
  void reader_refusesWhatWouldBreakChecksOrMeters() throws Exception {
    assertRejected("\"features\":[{\"name\":\"_input\",\"type\":\"numeric\"}]",
        "features[0].name", "reserved");
    assertRejected("\"ignored\":[\"r\",\"r\"],\"features\":[]", "ignored: expected distinct");
    assertRejected("\"ignored\":[\"a\"],\"features\":[{\"name\":\"a\",\"type\":\"numeric\"}]",
        "both a feature and an ignored key");
    assertRejected("\"features\":[{\"name\":\"a\",\"type\":\"numeric\",\"min\":1e400}]",
        "features[0].min: expected a finite number");
    assertRejected("\"features\":[{\"name\":\"a\",\"type\":\"vector\","
        + "\"dimension\":18446744073709551617}]", "features[0].dimension");
    assertRejected("\"features\":[{\"name\":\"a\",\"type\":\"categorical\","
        + "\"vocabulary\":[\"x\",\"x\"]}]", "features[0].vocabulary");
    assertRejected("\"features\":[],\"features\":[]", "not valid JSON", "Duplicate field");
    Path trailing = dir.resolve("t.json");
    Files.writeString(trailing, "{\"format\":\"modelmonitor-feature-schema\",\"version\":1,"
        + "\"shape\":\"map\",\"features\":[]} {}");
    assertThatThrownBy(() -> FeatureSchema.read(trailing, InputShape.MAP))
        .isInstanceOf(SchemaFormatException.class).hasMessageContaining("not valid JSON");
  }

  @Test
  void inference_oddKeys_roundTripThroughAFile() throws Exception {
    Map<Object, Object> row = new HashMap<>();
    row.put("", 1.0);
    row.put("_id", "x");
    row.put(7, 1.0);
    row.put("price", 3.0);
    @SuppressWarnings({"unchecked", "rawtypes"})
    List<Map<String, ?>> rows = (List) List.of(row);
    FeatureSchema<Map<String, ?>> inferred = FeatureSchema.infer(rows);
    assertThat(inferred.features()).extracting(FeatureSpec::name).containsExactly("price");
    assertThat(inferred.ignored()).containsExactlyInAnyOrder("", "_id");
    Path file = dir.resolve("odd.json");
    inferred.write(file);
    FeatureSchema<Map<String, ?>> loaded = FeatureSchema.read(file, InputShape.MAP);
    assertThat(loaded).isEqualTo(inferred);
    Map<String, Object> stringKeysOnly = new HashMap<>();
    stringKeysOnly.put("", 1.0);
    stringKeysOnly.put("_id", "x");
    stringKeysOnly.put("price", 3.0);
    assertThat(loaded.validate(stringKeysOnly)).isEmpty();
  }
}
