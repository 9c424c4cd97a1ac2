package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.CategoricalProfile;
import io.modelmonitor.drift.NumericProfile;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The committed model against the committed sample train_ctr.py wrote beside it: the baseline in
 * the model's metadata is the profile of that sample (recomputed here, two-pass, independently of
 * the library's fitting code), the graph computes the scores Python computed (the scaler and the
 * feature engineering are inside it), and the embedded schema accepts the sample.
 */
class CtrModelTest {

  private static final Path SAMPLE = Path.of("src/test/resources/ctr-baseline-sample.csv");
  private static final List<String> NUMERIC = List.of("price", "discount", "orders_30d",
      "rating", "user_price_level", "category_affinity", "brand_match");
  private static final double[] LEVELS = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};

  private static List<String> header;
  private static List<String[]> rows;
  private static CtrModel.Embedded embedded;

  @BeforeAll
  static void load() throws Exception {
    List<String> lines = Files.readAllLines(SAMPLE);
    header = List.of(lines.get(0).split(","));
    rows = lines.stream().skip(1).map(l -> l.split(",", -1)).toList();
    embedded = CtrModel.embedded(CtrModel.extract());
  }

  private static double[] column(String name) {
    int c = header.indexOf(name);
    return rows.stream().mapToDouble(r -> Double.parseDouble(r[c])).toArray();
  }

  @Test
  void baseline_numericProfiles_matchTheSampleRecomputed() {
    Baseline baseline = embedded.baseline();
    assertThat(baseline.features()).containsOnlyKeys("price", "discount", "category",
        "orders_30d", "rating", "user_price_level", "category_affinity", "brand_match");
    for (String name : NUMERIC) {
      check(name, (NumericProfile) baseline.features().get(name), column(name));
    }
    check("score", (NumericProfile) baseline.prediction().orElseThrow(), column("score"));
  }

  private static void check(String name, NumericProfile p, double[] values) {
    int n = values.length;
    assertThat(p.count()).as(name).isEqualTo(5000).isEqualTo(n);
    assertThat(p.missing()).as(name).isZero();
    double mean = 0;
    for (double v : values) {
      mean += v;
    }
    mean /= n;
    double ss = 0;
    for (double v : values) {
      ss += (v - mean) * (v - mean);
    }
    assertThat(p.mean()).as(name + " mean").isCloseTo(mean, within(1e-9 * Math.abs(mean) + 1e-12));
    assertThat(p.std()).as(name + " std").isCloseTo(Math.sqrt(ss / (n - 1)),
        within(1e-9 * Math.sqrt(ss / (n - 1)) + 1e-12));
    double[] sorted = values.clone();
    Arrays.sort(sorted);
    assertThat(p.min()).as(name).isEqualTo(sorted[0]);
    assertThat(p.max()).as(name).isEqualTo(sorted[n - 1]);
    for (int i = 0; i < LEVELS.length; i++) { // nearest rank: the ceil(q n)-th smallest
      int rank = (int) Math.ceil(LEVELS[i] * n - 1e-9);
      assertThat(p.quantiles()[i]).as(name + " q" + LEVELS[i]).isEqualTo(sorted[rank - 1]);
    }
    // shares: count the sample into the profile's bins by the format's rule (first bin closed,
    // the others right-closed)
    double[] edges = p.edges();
    long[] counts = new long[edges.length + 2];
    for (double v : values) {
      int bin;
      if (v < edges[0]) {
        bin = 0;
      } else if (v > edges[edges.length - 1]) {
        bin = edges.length;
      } else {
        bin = 1;
        while (bin < edges.length - 1 && v > edges[bin]) {
          bin++;
        }
      }
      counts[bin]++;
    }
    for (int b = 0; b < counts.length; b++) {
      assertThat(p.shares()[b]).as(name + " share " + b).isCloseTo((double) counts[b] / n,
          within(1e-12));
    }
  }

  @Test
  void baseline_category_matchesTheSampleCounts() {
    CategoricalProfile p = (CategoricalProfile) embedded.baseline().features().get("category");
    int c = header.indexOf("category");
    Map<String, Integer> counts = new HashMap<>();
    for (String[] r : rows) {
      counts.merge(r[c], 1, Integer::sum);
    }
    assertThat(p.values()).containsExactlyInAnyOrderElementsOf(counts.keySet());
    for (int i = 0; i < p.values().size(); i++) {
      assertThat(p.shares()[i]).isCloseTo(counts.get(p.values().get(i)) / 5000.0, within(1e-12));
      if (i > 0) { // most frequent first
        assertThat(counts.get(p.values().get(i))).isLessThanOrEqualTo(
            counts.get(p.values().get(i - 1)));
      }
    }
  }

  @Test
  void scoreBatch_rawFeatures_equalThePythonScores() throws Exception {
    MonitorRegistry registry = MonitorRegistry.builder().build();
    try (CtrModel model = CtrModel.open(registry, MonitorConfig.ofDefaults())) {
      List<Map<String, ?>> batch = new ArrayList<>();
      for (String[] r : rows) {
        Map<String, Object> row = new HashMap<>();
        for (int i = 0; i < header.size() - 1; i++) {
          row.put(header.get(i), header.get(i).equals("category") ? r[i]
              : Double.parseDouble(r[i]));
        }
        batch.add(row);
        assertThat(model.monitor().checkInput(row)).as("violations of %s", row).isZero();
      }
      double[] scores = model.scoreBatch(batch);
      double[] python = column("score");
      for (int i = 0; i < python.length; i++) {
        assertThat(scores[i]).as("row %d", i).isCloseTo(python[i], within(2e-5));
      }
      // the session refined its derived schema with the embedded one
      assertThat(model.session().schema().feature("price").orElseThrow().max())
          .isEqualTo(embedded.schema().feature("price").orElseThrow().max());
      assertThat(model.session().schema().feature("category").orElseThrow().vocabulary())
          .containsExactlyInAnyOrderElementsOf(Catalogue.CATEGORIES);
      // the changed upstream's rows break the embedded schema: renamed feature, cents
      Catalogue catalogue = Catalogue.load();
      Map<String, Object> changed = RecommendationService.changedRow(catalogue.users.get(0),
          catalogue.items.get(0), 4_000, 0);
      assertThat(model.monitor().checkInput(changed)).isGreaterThanOrEqualTo(2);
    } finally {
      registry.close();
    }
  }

  @Test
  void metadata_offlineMetricsAndScaler_matchTheTrainingSummary() throws IOException {
    ObjectMapper json = new ObjectMapper();
    JsonNode summary = json.readTree(CtrModel.class.getResourceAsStream(
        "/demo/ctr-training-summary.json"));
    JsonNode offline = json.readTree(embedded.all().get("modelmonitor.offline_metrics"));
    double auc = summary.path("holdout").path("auc").asDouble();
    assertThat(offline.path("auc").asDouble()).isEqualTo(auc);
    assertThat(auc).isBetween(0.7, 0.85);
    assertThat(embedded.baseline().metrics().get("test_auc")).isCloseTo(auc, within(1e-4));
    assertThat(embedded.schema().feature("price").orElseThrow().max()).isGreaterThan(1000);
  }

  @Test
  void metadata_scaler_matchesTheGraphsScalerInitializers() throws IOException {
    // the scaler the graph applies: its float initializers, read from the ONNX protobuf bytes
    // (ONNX Runtime's Java API does not expose initializers)
    byte[] model;
    try (var in = CtrModel.class.getResourceAsStream("/demo/ctr.onnx")) {
      model = in.readAllBytes();
    }
    Map<String, float[]> initializers = OnnxInitializers.read(model);
    JsonNode scaler = new ObjectMapper().readTree(embedded.all().get("modelmonitor.scaler"));
    assertThat(scaler.path("features")).hasSize(7);
    for (String[] pair : new String[][] {{"mean", "scaler_mean"}, {"scale", "scaler_scale"}}) {
      float[] graph = initializers.get(pair[1]);
      assertThat(graph).as(pair[1] + " in " + initializers.keySet()).isNotNull().hasSize(7);
      for (int i = 0; i < graph.length; i++) {
        // the graph holds float32 roundings of the metadata's doubles
        assertThat((float) scaler.path(pair[0]).get(i).asDouble()).as(pair[0] + "[" + i + "]")
            .isEqualTo(graph[i]);
      }
    }
  }

  /**
   * A minimal protobuf reader for the float initializers of an ONNX model (ModelProto.graph = 7,
   * GraphProto.initializer = 5, TensorProto: data_type = 2, float_data = 4, name = 8,
   * raw_data = 9).
   */
  static final class OnnxInitializers {

    private final byte[] b;
    private int pos;
    private final int end;

    private OnnxInitializers(byte[] b, int from, int end) {
      this.b = b;
      this.pos = from;
      this.end = end;
    }

    static Map<String, float[]> read(byte[] model) {
      Map<String, float[]> out = new HashMap<>();
      OnnxInitializers m = new OnnxInitializers(model, 0, model.length);
      while (m.pos < m.end) {
        int tag = (int) m.varint();
        if (tag == (7 << 3 | 2)) {
          int len = (int) m.varint();
          OnnxInitializers g = new OnnxInitializers(model, m.pos, m.pos + len);
          while (g.pos < g.end) {
            int gtag = (int) g.varint();
            if (gtag == (5 << 3 | 2)) {
              int tlen = (int) g.varint();
              tensor(model, g.pos, g.pos + tlen, out);
              g.pos += tlen;
            } else {
              g.skip(gtag & 7);
            }
          }
          m.pos += len;
        } else {
          m.skip(tag & 7);
        }
      }
      return out;
    }

    private static void tensor(byte[] model, int from, int to, Map<String, float[]> out) {
      OnnxInitializers t = new OnnxInitializers(model, from, to);
      String name = null;
      List<Float> floats = new ArrayList<>();
      while (t.pos < t.end) {
        int tag = (int) t.varint();
        int field = tag >>> 3;
        if (field == 8 && (tag & 7) == 2) {
          int len = (int) t.varint();
          name = new String(model, t.pos, len, java.nio.charset.StandardCharsets.UTF_8);
          t.pos += len;
        } else if (field == 4 && (tag & 7) == 2) { // packed float_data
          int len = (int) t.varint();
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(model, t.pos, len)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN);
          while (buf.hasRemaining()) {
            floats.add(buf.getFloat());
          }
          t.pos += len;
        } else if (field == 4 && (tag & 7) == 5) { // unpacked float_data
          floats.add(java.nio.ByteBuffer.wrap(model, t.pos, 4)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat());
          t.pos += 4;
        } else if (field == 9 && (tag & 7) == 2) { // raw_data, little-endian floats
          int len = (int) t.varint();
          java.nio.ByteBuffer buf = java.nio.ByteBuffer.wrap(model, t.pos, len)
              .order(java.nio.ByteOrder.LITTLE_ENDIAN);
          while (buf.remaining() >= 4) {
            floats.add(buf.getFloat());
          }
          t.pos += len;
        } else {
          t.skip(tag & 7);
        }
      }
      if (name != null) {
        float[] f = new float[floats.size()];
        for (int i = 0; i < f.length; i++) {
          f[i] = floats.get(i);
        }
        out.put(name, f);
      }
    }

    private long varint() {
      long v = 0;
      for (int shift = 0; ; shift += 7) {
        byte x = b[pos++];
        v |= (long) (x & 0x7f) << shift;
        if (x >= 0) {
          return v;
        }
      }
    }

    private void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> pos += 8;
        case 2 -> {
          int len = (int) varint();
          pos += len;
        }
        case 5 -> pos += 4;
        default -> throw new IllegalStateException("wire type " + wireType + " at " + pos);
      }
    }
  }
}
