package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.SchemaViolationException;
import io.modelmonitor.schema.ViolationKind;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MonitoredOnnxSessionTest {

  // the weights of src/test/resources/models/generate.py
  private static final double[] CTR_WEIGHTS = {-0.002, 3.5, -0.25};
  private static final double CTR_BIAS = -1.0;
  private static final double[] MIXED_WEIGHTS = {0.1, 0.01, 0.5, -0.5, 0.25, -0.25};
  private static final double MIXED_BIAS = -0.3;

  /** The models compute in float32; the hand computation in double. */
  private static final double FLOAT_TOLERANCE = 1e-6;

  static Path model(String file) {
    try {
      return Path.of(MonitoredOnnxSessionTest.class.getResource("/models/" + file).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  private static double sigmoid(double[] weights, double bias, double... x) {
    double logit = bias;
    for (int i = 0; i < x.length; i++) {
      logit += weights[i] * x[i];
    }
    return 1 / (1 + Math.exp(-logit));
  }

  private static Map<String, Object> ctrRow(double price, double ctr7d, double position) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("price", price);
    row.put("ctr_7d", ctr7d);
    row.put("position", position);
    return row;
  }

  private static MonitorConfig policy(SchemaPolicy p) {
    return MonitorConfig.custom().schemaPolicy(p).violationLogInterval(Duration.ZERO).build();
  }

  /** The same row through a plain ONNX Runtime session, without this module. */
  private static float plainCtrRun(float price, float ctr7d, float position) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(model("ctr_logreg.onnx").toString());
        OnnxTensor p = OnnxTensor.createTensor(env, new float[][] {{price}});
        OnnxTensor c = OnnxTensor.createTensor(env, new float[][] {{ctr7d}});
        OnnxTensor pos = OnnxTensor.createTensor(env, new float[][] {{position}});
        OrtSession.Result result =
            session.run(Map.of("price", p, "ctr_7d", c, "position", pos))) {
      return ((float[][]) result.get("probability").orElseThrow().getValue())[0][0];
    }
  }

  @Test
  void score_ctrRow_equalsPlainSessionAndHandComputedProbability() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      double score = ctr.score(ctrRow(120.0, 0.3, 2));

      assertThat(score).isEqualTo((double) plainCtrRun(120f, 0.3f, 2f));
      // -0.24 + 1.05 - 0.5 - 1.0 = -0.69
      assertThat(score)
          .isCloseTo(sigmoid(CTR_WEIGHTS, CTR_BIAS, 120.0, 0.3, 2), within(FLOAT_TOLERANCE))
          .isCloseTo(1 / (1 + Math.exp(0.69)), within(FLOAT_TOLERANCE));
      assertThat(ctr.scoreOutput()).isEqualTo("probability");
    }
  }

  @Test
  void scoreBatch_fourRows_eachEqualsItsSingleScoreAndHandComputedProbability()
      throws OrtException {
    double[][] x = {{120.0, 0.3, 2}, {5.0, 0.01, 1}, {999.0, 0.9, 10}, {0.0, 0.0, 0}};
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      List<Map<String, Object>> rows = List.of(ctrRow(x[0][0], x[0][1], x[0][2]),
          ctrRow(x[1][0], x[1][1], x[1][2]), ctrRow(x[2][0], x[2][1], x[2][2]),
          ctrRow(x[3][0], x[3][1], x[3][2]));

      double[] scores = ctr.scoreBatch(rows);

      assertThat(scores).hasSize(4);
      for (int i = 0; i < 4; i++) {
        assertThat(scores[i]).isCloseTo(sigmoid(CTR_WEIGHTS, CTR_BIAS, x[i]),
            within(FLOAT_TOLERANCE));
        assertThat(scores[i]).isCloseTo(ctr.score(rows.get(i)), within(FLOAT_TOLERANCE));
      }
      assertThat(scores[3]).isCloseTo(1 / (1 + Math.exp(1.0)), within(FLOAT_TOLERANCE));
    }
  }

  @Test
  void schema_ctrModel_threeRequiredNumericFeaturesInInputOrder() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      assertThat(ctr.schema().features()).extracting(FeatureSpec::name, FeatureSpec::type,
              FeatureSpec::required)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("price", FeatureType.NUMERIC, true),
              org.assertj.core.groups.Tuple.tuple("ctr_7d", FeatureType.NUMERIC, true),
              org.assertj.core.groups.Tuple.tuple("position", FeatureType.NUMERIC, true));
      assertThat(ctr.monitor().schema()).containsSame(ctr.schema());
    }
  }

  @Test
  void schema_mixedModel_integerNumericVectorAndCategorical() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession mixed = MonitoredOnnxSession.open(registry, "mixed", "v1",
            model("mixed_inputs.onnx"))) {
      assertThat(mixed.schema().features()).extracting(FeatureSpec::name, FeatureSpec::type)
          .containsExactly(
              org.assertj.core.groups.Tuple.tuple("item_count", FeatureType.INTEGER),
              org.assertj.core.groups.Tuple.tuple("amount", FeatureType.NUMERIC),
              org.assertj.core.groups.Tuple.tuple("embedding", FeatureType.VECTOR),
              org.assertj.core.groups.Tuple.tuple("segment", FeatureType.CATEGORICAL));
      assertThat(mixed.schema().feature("embedding").orElseThrow().dimension()).isEqualTo(4);
      assertThat(mixed.scoreOutput()).isEqualTo("score");
    }
  }

  @Test
  void score_mixedRow_castsIntegerFeedsStringAndMatchesHandComputedScore() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession mixed = MonitoredOnnxSession.open(registry, "mixed", "v1",
            model("mixed_inputs.onnx"))) {
      Map<String, Object> row = new HashMap<>();
      row.put("item_count", 3L);
      row.put("amount", 20.0);
      row.put("embedding", new float[] {0.2f, 0.4f, -0.6f, 1.0f});
      row.put("segment", "returning");

      double score = mixed.score(row);

      // 0.3 + 0.2 + 0.1 - 0.2 - 0.15 - 0.25 - 0.3 = -0.3
      assertThat(score).isCloseTo(
          sigmoid(MIXED_WEIGHTS, MIXED_BIAS, 3, 20.0, 0.2f, 0.4f, -0.6f, 1.0f),
          within(FLOAT_TOLERANCE)).isCloseTo(1 / (1 + Math.exp(0.3)), within(FLOAT_TOLERANCE));
      assertThat(mixed.monitor().snapshot().totalViolations().total()).isZero();
    }
  }

  @Test
  void score_rowMissingPrice_countedAsMissingAndFailsBeforeOnnxRuntime() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg.onnx")).config(policy(SchemaPolicy.OBSERVE)).open()) {
      Map<String, Object> row = ctrRow(1.0, 0.1, 1);
      row.remove("price");

      assertThatThrownBy(() -> ctr.score(row))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("row 0, input 'price': missing");

      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalViolations().count("price", ViolationKind.MISSING)).isEqualTo(1);
      assertThat(s.totalViolations().total()).isEqualTo(1);
      assertThat(s.totalOutcomes().errorsByType()).containsExactly(
          Map.entry("IllegalArgumentException", 1L));
    }
  }

  @Test
  void score_rowMissingPriceUnderReject_throwsSchemaViolationAndCountsRejection()
      throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            model("ctr_logreg.onnx")).config(policy(SchemaPolicy.REJECT)).open()) {
      Map<String, Object> row = ctrRow(1.0, 0.1, 1);
      row.remove("price");

      assertThatThrownBy(() -> ctr.score(row))
          .isInstanceOfSatisfying(SchemaViolationException.class, e ->
              assertThat(e.violations()).extracting(v -> v.feature() + ":" + v.kind())
                  .containsExactly("price:MISSING"));
      assertThatThrownBy(() -> ctr.scoreBatch(List.of(ctrRow(1, 0.1, 1), row)))
          .isInstanceOf(SchemaViolationException.class);

      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalOutcomes().rejected()).isEqualTo(2);
      assertThat(s.totalOutcomes().completed()).isZero();
      assertThat(s.totalViolations().count("price", ViolationKind.MISSING)).isEqualTo(2);
    }
  }

  @Test
  void score_stringWhereNumberBelongs_countedAsTypeMismatch() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      Map<String, Object> row = ctrRow(1.0, 0.1, 1);
      row.put("price", "cheap");

      assertThatThrownBy(() -> ctr.score(row))
          .isExactlyInstanceOf(IllegalArgumentException.class)
          .hasMessage("row 0, input 'price': expected a number, got String");
      assertThat(ctr.monitor().snapshot().totalViolations()
          .count("price", ViolationKind.TYPE_MISMATCH)).isEqualTo(1);
    }
  }

  @Test
  void snapshot_afterScoresAndABatch_countsEachCallOnceAndTheBatchItems() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      for (int i = 0; i < 3; i++) {
        ctr.score(ctrRow(10.0 * i, 0.05, i));
      }
      ctr.scoreBatch(List.of(ctrRow(1, 0.1, 1), ctrRow(2, 0.2, 2), ctrRow(3, 0.3, 3),
          ctrRow(4, 0.4, 4), ctrRow(5, 0.5, 5)));

      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(4);
      assertThat(s.totalOutcomes().errors()).isZero();
      assertThat(s.totalLatency().count()).isEqualTo(4);
      assertThat(s.totalBatches().batches()).isEqualTo(1);
      assertThat(s.totalBatches().items()).isEqualTo(5);
    }
  }

  @Test
  void close_twice_isHarmlessAndLaterScoresAreRefused() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
          model("ctr_logreg.onnx"));
      ctr.score(ctrRow(1, 0.1, 1));

      ctr.close();
      ctr.close();

      assertThatThrownBy(() -> ctr.score(ctrRow(1, 0.1, 1)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("ctr:v1 is closed");
      assertThat(ctr.monitor().snapshot().totalOutcomes().success()).isEqualTo(1);
    }
  }

  @Test
  void sessionOptions_customizerRunsOnTheOptionsUsed_andItsFailureRegistersNothing()
      throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      List<OrtSession.SessionOptions> seen = new java.util.ArrayList<>();
      try (MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
              model("ctr_logreg.onnx"))
          .intraOpThreads(1)
          .sessionOptions(o -> {
            seen.add(o);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.addCPU(true);
          })
          .open()) {
        assertThat(seen).hasSize(1);
        assertThat(ctr.score(ctrRow(10.0, 0.1, 2))).isEqualTo((double) plainCtrRun(10f, 0.1f, 2f));
      }

      OrtException refused = new OrtException("no such provider");
      assertThatThrownBy(() -> MonitoredOnnxSession.builder(registry, "other", "v1",
              model("ctr_logreg.onnx"))
          .sessionOptions(o -> {
            throw refused;
          })
          .open()).isSameAs(refused);
      assertThat(registry.find("other")).isEmpty();
    }
  }
}
