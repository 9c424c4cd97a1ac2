package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.MetricNames;
import io.modelmonitor.ModelInfo;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.ViolationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The model's metadata: labels, attributes, embedded baseline and schema refinement. */
class OnnxMetadataTest {

  // the constants of src/test/resources/models/generate_metadata.py
  private static final String PRODUCER = "modelmonitor-generate_metadata.py";
  private static final String PRODUCER_VERSION = "1.2.3";
  private static final String DOMAIN = "io.modelmonitor.test";
  private static final String MODEL_VERSION = "7";
  private static final String DESCRIPTION = "CTR logistic regression with an embedded baseline";
  private static final long TRAIN_ROWS = 5000;

  /** Every row's features visited (sample rate 1), so drift counts are exact. */
  static final MonitorConfig EXACT = MonitorConfig.custom()
      .drift(DriftPolicy.DEFAULTS.withSampleRate(1.0)).violationLogInterval(Duration.ZERO)
      .build();

  static Map<String, Object> row(double price, double ctr7d, double position) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("price", price);
    row.put("ctr_7d", ctr7d);
    row.put("position", position);
    return row;
  }

  /** Rows as the generator's training data: price in [lo, hi), ctr_7d in [0, 0.2). */
  static List<Map<String, Object>> traffic(int n, long seed, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(row(lo + (hi - lo) * r.nextDouble(), 0.2 * r.nextDouble(), 1 + r.nextInt(10)));
    }
    return rows;
  }

  @Test
  void info_metaModel_labelsFromTheModelAndCustomKeysOnlyAsAttributes() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx"));
        OrtSession plain = OrtEnvironment.getEnvironment().createSession(
            model("ctr_logreg_meta.onnx").toString())) {
      ModelInfo info = ctr.monitor().snapshot().info();

      assertThat(info.labels()).containsExactly(Map.entry("producer", PRODUCER),
          Map.entry("producer_version", PRODUCER_VERSION), Map.entry("graph", "ctr_logreg"),
          Map.entry("domain", DOMAIN), Map.entry("model_version", MODEL_VERSION));
      assertThat(info.labels().get("producer"))
          .isEqualTo(plain.getMetadata().getProducerName());
      assertThat(info.attributes()).containsEntry("description", DESCRIPTION)
          .containsEntry("graph_description", "logit = W . [price, ctr_7d, position] + B")
          .containsEntry("custom.owner", "ranking-team")
          .containsEntry("custom.training_run", "2026-11-20")
          .containsEntry("baseline", "embedded").containsEntry("schema", "embedded");
      assertThat(info.attributes().keySet()).noneMatch(k -> k.contains("modelmonitor."));
    }
  }

  @Test
  void info_eachTestModel_readCorrectly() throws OrtException {
    String[][] expected = {
        // file, producer, producer_version, graph, domain, model_version, baseline
        {"ctr_logreg.onnx", "modelmonitor-generate.py", "unknown", "ctr_logreg", "unknown",
            "unknown", "none"},
        {"mixed_inputs.onnx", "modelmonitor-generate.py", "unknown", "mixed_inputs", "unknown",
            "unknown", "none"},
        {"ctr_logreg_challenger.onnx", PRODUCER, PRODUCER_VERSION, "ctr_logreg_challenger",
            DOMAIN, MODEL_VERSION, "none"},
        {"ctr_logreg_meta.onnx", PRODUCER, PRODUCER_VERSION, "ctr_logreg", DOMAIN,
            MODEL_VERSION, "embedded"},
    };
    for (String[] e : expected) {
      try (MonitorRegistry registry = MonitorRegistry.builder().build();
          MonitoredOnnxSession s = MonitoredOnnxSession.open(registry, "m", "v1", model(e[0]))) {
        ModelInfo info = s.monitor().snapshot().info();
        assertThat(info.labels()).as(e[0]).containsExactly(Map.entry("producer", e[1]),
            Map.entry("producer_version", e[2]), Map.entry("graph", e[3]),
            Map.entry("domain", e[4]), Map.entry("model_version", e[5]));
        assertThat(info.attributes()).as(e[0]).containsEntry("baseline", e[6]);
      }
    }
  }

  @Test
  void schema_metaModel_refinedByTheEmbeddedSchema() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx")).config(EXACT).open()) {
      FeatureSpec price = ctr.schema().feature("price").orElseThrow();
      assertThat(price.sensitive()).isTrue();
      assertThat(price.min()).isEqualTo(0.0);
      assertThat(price.max()).isEqualTo(1000.0);
      assertThat(ctr.schema().feature("ctr_7d").orElseThrow().max()).isEqualTo(1.0);
      FeatureSpec position = ctr.schema().feature("position").orElseThrow();
      assertThat(position.max()).isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(ctr.schema().features()).extracting(FeatureSpec::name)
          .containsExactly("price", "ctr_7d", "position");
      assertThat(ctr.schema().ignored()).containsExactly("request_id");

      Map<String, Object> expensive = row(2000.0, 0.1, 1);
      expensive.put("request_id", "r-1");
      ctr.score(expensive);

      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalViolations().count("price", ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
      assertThat(s.totalViolations().total()).isEqualTo(1); // request_id is not unexpected
    }
  }

  /** The embedded baseline, read by a plain ONNX Runtime session and parsed as plain JSON. */
  private static JsonNode embeddedBaseline() throws Exception {
    try (OrtSession plain = OrtEnvironment.getEnvironment().createSession(
        model("ctr_logreg_meta.onnx").toString())) {
      return new ObjectMapper().readTree(plain.getMetadata().getCustomMetadata()
          .get(MonitoredOnnxSession.BASELINE_KEY));
    }
  }

  /**
   * PSI of live values against a numeric profile, from docs/baseline.md: bins underflow, one per
   * pair of edges (the first closed, the others right-closed), overflow, missing; shares below
   * 1e-4 raised to it.
   */
  static double referencePsi(double[] edges, double[] shares, double[] live) {
    double[] counts = new double[edges.length + 2];
    for (double x : live) {
      int bin;
      if (x < edges[0]) {
        bin = 0;
      } else if (x > edges[edges.length - 1]) {
        bin = edges.length;
      } else {
        bin = 1;
        while (bin < edges.length - 1 && x > edges[bin]) {
          bin++;
        }
      }
      counts[bin]++;
    }
    double psi = 0;
    for (int b = 0; b < counts.length; b++) {
      double a = Math.max(counts[b] / live.length, 1e-4);
      double e = Math.max(shares[b], 1e-4);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  private static double[] doubles(JsonNode array) {
    double[] out = new double[array.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = array.get(i).asDouble();
    }
    return out;
  }

  private static FeatureDrift priceDrift(List<Map<String, Object>> rows) throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx")).config(EXACT).open()) {
      for (Map<String, Object> r : rows) {
        ctr.score(r);
      }
      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalDrift().prediction()).isNotNull();
      assertThat(s.totalDrift().prediction().samples()).isEqualTo(rows.size());
      return s.totalDrift().feature("price").orElseThrow();
    }
  }

  @Test
  void drift_trafficLikeTraining_lowPsiAgainstTheEmbeddedBaseline() throws Exception {
    List<Map<String, Object>> rows = traffic(3_000, 5, 1, 200);
    FeatureDrift price = priceDrift(rows);

    JsonNode profile = embeddedBaseline().get("features").get("price");
    double expected = referencePsi(doubles(profile.get("edges")), doubles(profile.get("shares")),
        rows.stream().mapToDouble(r -> (Double) r.get("price")).toArray());
    assertThat(price.baselineCount()).isEqualTo(TRAIN_ROWS);
    assertThat(price.samples()).isEqualTo(3_000);
    assertThat(price.value(DriftStatistic.PSI)).isCloseTo(expected, within(1e-12))
        .isLessThan(0.02);
  }

  @Test
  void drift_shiftedPrices_psiEqualsTheReferenceComputedFromTheEmbeddedBaseline()
      throws Exception {
    List<Map<String, Object>> rows = traffic(3_000, 6, 100, 300);
    FeatureDrift price = priceDrift(rows);

    JsonNode profile = embeddedBaseline().get("features").get("price");
    double expected = referencePsi(doubles(profile.get("edges")), doubles(profile.get("shares")),
        rows.stream().mapToDouble(r -> (Double) r.get("price")).toArray());
    assertThat(expected).isGreaterThan(1);
    assertThat(price.value(DriftStatistic.PSI)).isCloseTo(expected, within(1e-12));
  }

  @Test
  void baseline_givenToTheBuilder_winsOverTheEmbeddedOne() throws OrtException {
    FeatureSchema<Map<String, ?>> ctrOnly = FeatureSchema.forMap().numeric("ctr_7d").build();
    Baseline own = Baseline.fit(traffic(500, 9, 1, 200), ctrOnly);
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx")).baseline(own).config(EXACT).open()) {
      for (Map<String, Object> r : traffic(200, 10, 1, 200)) {
        ctr.score(r);
      }
      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalDrift().features()).extracting(FeatureDrift::feature)
          .containsExactly("ctr_7d");
      assertThat(s.totalDrift().features().get(0).baselineCount()).isEqualTo(500);
      assertThat(s.totalDrift().prediction()).isNull();
      assertThat(s.info().attributes()).containsEntry("baseline", "builder");
    }
  }

  @Test
  void schema_givenToTheBuilder_winsOverTheEmbeddedRefinement() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx")).schema(FeatureSchema.forMap()
            .numeric("position", f -> f.range(1, 10)).build()).open()) {
      assertThat(ctr.schema().feature("position").orElseThrow().max()).isEqualTo(10);
      assertThat(ctr.schema().feature("price").orElseThrow().sensitive()).isFalse();
      assertThat(ctr.schema().feature("price").orElseThrow().max())
          .isEqualTo(Double.POSITIVE_INFINITY);
      assertThat(ctr.monitor().snapshot().info().attributes()).containsEntry("schema",
          "builder");
    }
  }

  private static void assertRefusal(String file, FeatureSchema<Map<String, ?>> refinement,
      String... fragments) throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      MonitoredOnnxSession.Builder b = MonitoredOnnxSession.builder(registry, "m", "v1",
          model(file)).schema(refinement);
      assertThatThrownBy(b::open).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll(fragments);
      assertThat(registry.find("m")).isEmpty();
    }
  }

  @Test
  void schema_refinementsThatDoNotFitTheModel_refusedAtOpenWithTheReason() throws OrtException {
    assertRefusal("ctr_logreg.onnx", FeatureSchema.forMap().numeric("discount").build(),
        "'discount'", "not an input of the model", "[price, ctr_7d, position]");
    assertRefusal("ctr_logreg.onnx", FeatureSchema.forMap().categorical("price", f -> { })
        .build(), "input 'price'", "categorical", "numeric");
    assertRefusal("ctr_logreg.onnx", FeatureSchema.forMap().numeric("price", f -> f.optional())
        .build(), "input 'price'", "optional or nullable");
    assertRefusal("mixed_inputs.onnx", FeatureSchema.forMap()
        .vector("embedding", f -> f.dimension(3)).build(), "dimension 3", "4 values per row");
    assertRefusal("mixed_inputs.onnx", FeatureSchema.forMap().numeric("segment").build(),
        "input 'segment'", "numeric", "categorical");
    assertRefusal("ctr_logreg.onnx", FeatureSchema.forMap().exclude("price").build(),
        "ignores 'price'");
  }

  @Test
  void schema_compatibleRefinementsOfMixedInputs_accepted() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession mixed = MonitoredOnnxSession.builder(registry, "m", "v1",
            model("mixed_inputs.onnx")).schema(FeatureSchema.forMap()
            .categorical("item_count", f -> f.vocabulary("1", "2", "3"))
            .categorical("segment", f -> f.vocabulary("new", "returning").sensitive())
            .vector("embedding", f -> f.normRange(0, 10))
            .build()).open()) {
      assertThat(mixed.schema().feature("embedding").orElseThrow().dimension()).isEqualTo(4);
      assertThat(mixed.schema().feature("segment").orElseThrow().vocabulary())
          .containsExactly("new", "returning");
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("item_count", 7L);
      row.put("amount", 1.0);
      row.put("embedding", new float[] {0, 0, 0, 1});
      row.put("segment", "vip");
      mixed.score(row);
      ModelSnapshot s = mixed.monitor().snapshot();
      assertThat(s.totalViolations().count("item_count", ViolationKind.UNSEEN_CATEGORY))
          .isEqualTo(1);
      assertThat(s.totalViolations().count("segment", ViolationKind.UNSEEN_CATEGORY))
          .isEqualTo(1);
    }
  }

  @Test
  void open_embeddedSchemaNamingAnUnknownInput_failsNamingTheModelAndTheFeature()
      throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      assertThatThrownBy(() -> MonitoredOnnxSession.open(registry, "m", "v1",
          model("ctr_logreg_bad_schema.onnx")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll("ctr_logreg_bad_schema.onnx", "'discount'",
              "not an input of the model");
      assertThat(registry.find("m")).isEmpty();
    }
  }

  @Test
  void open_malformedEmbeddedDocumentsOverriddenByTheBuilder_opensWithoutReadingThem()
      throws OrtException {
    Baseline own = Baseline.builder().predictions(new double[] {0.1, 0.2, 0.3, 0.4}).build();
    FeatureSchema<Map<String, ?>> refinement = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 1000)).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "m", "v1",
            model("ctr_logreg_bad_embedded.onnx")).baseline(own).schema(refinement).open()) {
      assertThat(ctr.score(row(12.5, 0.04, 3))).isBetween(0.0, 1.0);
      assertThat(ctr.schema().feature("price").orElseThrow().max()).isEqualTo(1000.0);
      assertThat(ctr.monitor().snapshot().info().attributes())
          .containsEntry("baseline", "builder").containsEntry("schema", "builder");
    }
  }

  @Test
  void open_malformedEmbeddedDocumentNotOverridden_failsNamingTheKey() {
    Baseline own = Baseline.builder().predictions(new double[] {0.1, 0.2, 0.3, 0.4}).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      assertThatThrownBy(() -> MonitoredOnnxSession.open(registry, "m", "v1",
          model("ctr_logreg_bad_embedded.onnx")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll("ctr_logreg_bad_embedded.onnx",
              "metadata 'modelmonitor.baseline' is not a valid baseline", "features");
      // the baseline overridden, the schema is still read: its key is named
      assertThatThrownBy(() -> MonitoredOnnxSession.builder(registry, "m", "v1",
          model("ctr_logreg_bad_embedded.onnx")).baseline(own).open())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContainingAll("ctr_logreg_bad_embedded.onnx",
              "metadata 'modelmonitor.schema' is not a valid feature schema");
      assertThat(registry.find("m")).isEmpty();
    }
  }
}
