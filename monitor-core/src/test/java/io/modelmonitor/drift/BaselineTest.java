package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.schema.FeatureSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BaselineTest {

  @TempDir
  Path dir;

  static final FeatureSchema<Map<String, ?>> SCHEMA = FeatureSchema.forMap()
      .numeric("price", f -> f.optional().allowNaN())
      .bool("promoted", f -> { })
      .integer("position", f -> { })
      .categorical("category", f -> f.optional())
      .vector("embedding", f -> f.dimension(4))
      .build();

  static List<Map<String, ?>> rows(int n, long seed, double priceShift) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] cats = {"shoes", "shoes", "shoes", "bags", "bags", "watches"};
    List<Map<String, ?>> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, Object> m = new HashMap<>();
      if (i % 50 != 0) {
        m.put("price", 100 + 20 * gaussian(r) + priceShift * 20);
      }
      m.put("promoted", r.nextInt(4) == 0);
      m.put("position", 1 + r.nextInt(5));
      if (i % 100 != 0) {
        m.put("category", cats[r.nextInt(cats.length)]);
      }
      m.put("embedding", new float[] {(float) gaussian(r), (float) gaussian(r), 1f, 0f});
      out.add(m);
    }
    return out;
  }

  static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  @Test
  void fit_numeric_edgesAreReferenceQuantiles_sharesMatchAnIndependentCount() {
    List<Map<String, ?>> rows = rows(10_000, 1, 0);
    NumericProfile price = (NumericProfile) Baseline.fit(rows, SCHEMA).features().get("price");

    double[] values = rows.stream().filter(m -> m.containsKey("price"))
        .mapToDouble(m -> (Double) m.get("price")).sorted().toArray();
    assertThat(price.count()).isEqualTo(10_000);
    assertThat(price.missing()).isEqualTo(200);
    assertThat(price.min()).isEqualTo(values[0]);
    assertThat(price.max()).isEqualTo(values[values.length - 1]);
    double[] edges = price.edges();
    assertThat(edges).hasSize(11);
    for (int j = 1; j < 10; j++) { // nearest-rank deciles of the reference
      assertThat(edges[j]).isEqualTo(values[(int) Math.ceil(j / 10.0 * values.length) - 1]);
    }
    // shares by counting each value against the edges with a linear scan
    long[] counts = new long[edges.length + 2];
    for (double v : values) {
      int bin = 1;
      while (bin < edges.length - 1 && v > edges[bin]) {
        bin++;
      }
      counts[bin]++;
    }
    counts[counts.length - 1] = 200;
    double[] shares = price.shares();
    for (int b = 0; b < counts.length; b++) {
      assertThat(shares[b]).as("bin %d", b).isCloseTo(counts[b] / 10_000.0, within(1e-12));
    }
    double mean = Arrays.stream(values).average().orElseThrow();
    double ss = Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
    assertThat(price.mean()).isCloseTo(mean, within(1e-9));
    assertThat(price.std()).isCloseTo(Math.sqrt(ss / (values.length - 1)), within(1e-9));
    assertThat(price.quantiles()[3]).isEqualTo(values[(int) Math.ceil(0.5 * values.length) - 1]);
  }

  @Test
  void fit_lowCardinality_getsOneBinPerValue() {
    Baseline b = Baseline.fit(rows(4_000, 2, 0), SCHEMA);
    NumericProfile promoted = (NumericProfile) b.features().get("promoted");
    assertThat(promoted.edges()).containsExactly(0, 0, 1);
    assertThat(promoted.binOf(0)).isEqualTo(1);
    assertThat(promoted.binOf(1)).isEqualTo(2);
    assertThat(promoted.shares()[2]).isCloseTo(0.25, within(0.03));
    NumericProfile position = (NumericProfile) b.features().get("position");
    assertThat(position.edges()).containsExactly(1, 1, 2, 3, 4, 5);
  }

  @Test
  void fit_categoricalAndVector() {
    List<Map<String, ?>> rows = rows(6_000, 3, 0);
    Baseline b = Baseline.builder().topK(2).features(rows, SCHEMA).build();
    CategoricalProfile cat = (CategoricalProfile) b.features().get("category");
    assertThat(cat.values()).containsExactly("shoes", "bags");
    long shoes = rows.stream().filter(m -> "shoes".equals(m.get("category"))).count();
    long watches = rows.stream().filter(m -> "watches".equals(m.get("category"))).count();
    assertThat(cat.shares()[0]).isCloseTo(shoes / 6000.0, within(1e-12));
    assertThat(cat.shares()[2]).as("other").isCloseTo(watches / 6000.0, within(1e-12));
    assertThat(cat.shares()[3]).as("missing").isCloseTo(60 / 6000.0, within(1e-12));
    assertThat(cat.binOf("watches")).isEqualTo(2);
    assertThat(cat.binOf(null)).isEqualTo(3);

    VectorProfile emb = (VectorProfile) b.features().get("embedding");
    assertThat(emb.dimension()).isEqualTo(4);
    double[] mean = emb.mean();
    assertThat(mean[2]).isCloseTo(1.0, within(1e-12));
    assertThat(mean[0]).isCloseTo(0, within(0.05));
  }

  @Test
  void json_roundTripsExactly_andCarriesTrainingFacts() throws Exception {
    Baseline b = Baseline.builder().features(rows(3_000, 4, 0), SCHEMA)
        .predictions(new SplittableRandom(5).doubles(3_000).toArray())
        .standardScaler("price", 100.0, 20.0)
        .metric("test_auc", 0.781)
        .metadata("dataset", "clicks-2026-11")
        .build();
    Path file = dir.resolve("ctr.baseline.json");
    b.write(file);
    Baseline loaded = Baseline.read(file);
    assertThat(loaded).isEqualTo(b);
    assertThat(loaded.toJson()).isEqualTo(Files.readString(file));
    assertThat(loaded.preprocessing().get("price")).isEqualTo(new Scaling(100, 20));
    assertThat(loaded.metrics()).containsEntry("test_auc", 0.781);
    Baseline labels = Baseline.builder().predictionLabels(List.of("buy", "skip", "skip")).build();
    assertThat(Baseline.fromJson(labels.toJson())).isEqualTo(labels);
  }

  private void assertRejected(String json, String... parts) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, json);
    assertThatThrownBy(() -> Baseline.read(file)).isInstanceOf(BaselineFormatException.class)
        .hasMessageStartingWith(file.toString()).hasMessageContainingAll(parts);
  }

  @Test
  void read_malformed_namesFileFieldAndExpectation() throws Exception {
    String head = "{\"format\":\"modelmonitor-baseline\",\"version\":1,";
    assertRejected("{", "not valid JSON");
    assertRejected("{\"format\":\"x\",\"version\":1,\"features\":{}}", "format: expected");
    assertRejected("{\"format\":\"modelmonitor-baseline\",\"version\":3,\"features\":{}}",
        "version: this library reads version 1");
    assertRejected(head + "\"features\":{\"p\":{\"type\":\"numeric\",\"count\":10,"
        + "\"missing\":0,\"mean\":1,\"std\":1,\"edges\":[0,1],\"shares\":[0,1,0],"
        + "\"quantiles\":{}}}}", "features.p.shares: expected 4 shares");
    assertRejected(head + "\"features\":{\"p\":{\"type\":\"numeric\",\"count\":10,"
        + "\"missing\":0,\"mean\":1,\"std\":1,\"edges\":[1,0],\"shares\":[0,1,0,0],"
        + "\"quantiles\":{}}}}", "features.p.edges[1]", "must ascend");
    assertRejected(head + "\"features\":{\"p\":{\"type\":\"numeric\",\"count\":10,"
        + "\"missing\":0,\"mean\":\"x\"}}}", "features.p.mean: expected a finite number");
    assertRejected(head + "\"features\":{\"c\":{\"type\":\"categorical\",\"count\":4,"
        + "\"missing\":0,\"values\":[\"a\"],\"shares\":[0.5,0.2,0.1]}}}",
        "features.c.shares: shares summing to 1");
    assertRejected(head + "\"features\":{\"c\":{\"type\":\"histogram\"}}}",
        "features.c.type: expected one of numeric, categorical, vector");
    assertRejected(head + "\"features\":{},\"preprocessing\":{\"p\":{\"kind\":"
        + "\"standard_scaler\",\"mean\":0,\"scale\":0}}}", "preprocessing.p.scale: expected a "
        + "positive number");
    assertRejected(head + "\"features\":{},\"extra\":1}", "extra: unknown field");
  }
}
