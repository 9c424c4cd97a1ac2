package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.SchemaViolationException;
import io.modelmonitor.schema.ViolationKind;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each violation kind, as a row of named features and as raw tensors, on mixed_inputs.onnx
 * (int64, float, float[4] and string inputs): counted by the monitor, rejected under REJECT,
 * otherwise an {@link IllegalArgumentException} counted as an error. That none of it reached
 * native code shows in three ways: a plain session fed the same tensors throws
 * {@link OrtException}, the monitored one never does, and the inference stage has no sample.
 */
class ViolationsBeforeNativeCodeTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private MonitoredOnnxSession session(SchemaPolicy policy) throws OrtException {
    MonitorRegistry registry = keep(MonitorRegistry.builder().build());
    return keep(MonitoredOnnxSession.builder(registry, "mixed", "v1",
            MonitoredOnnxSessionTest.model("mixed_inputs.onnx"))
        .config(MonitorConfig.custom().schemaPolicy(policy)
            .violationLogInterval(Duration.ZERO).build())
        .open());
  }

  private static Map<String, Object> validRow() {
    Map<String, Object> row = new HashMap<>();
    row.put("item_count", 3L);
    row.put("amount", 20.0);
    row.put("embedding", new float[] {0.2f, 0.4f, -0.6f, 1.0f});
    row.put("segment", "returning");
    return row;
  }

  private Map<String, OnnxTensor> validTensors() throws OrtException {
    Map<String, OnnxTensor> t = new LinkedHashMap<>();
    t.put("item_count", keep(OnnxTensor.createTensor(ENV, new long[][] {{3}})));
    t.put("amount", keep(OnnxTensor.createTensor(ENV, new float[][] {{20f}})));
    t.put("embedding", keep(OnnxTensor.createTensor(ENV,
        new float[][] {{0.2f, 0.4f, -0.6f, 1.0f}})));
    t.put("segment", keep(OnnxTensor.createTensor(ENV, new String[][] {{"returning"}})));
    return t;
  }

  /** Runs the tensors through a plain session: what native code says about them. */
  private static void assertPlainSessionThrows(Map<String, OnnxTensor> tensors)
      throws OrtException {
    try (OrtSession plain = ENV.createSession(
        MonitoredOnnxSessionTest.model("mixed_inputs.onnx").toString())) {
      assertThatThrownBy(() -> plain.run(tensors).close()).isInstanceOf(OrtException.class);
    }
  }

  private static void assertCountedErrorNotNative(ModelSnapshot s, String feature,
      ViolationKind kind) {
    assertThat(s.totalViolations().count(feature, kind)).as(feature + ":" + kind).isEqualTo(1);
    assertThat(s.totalViolations().total()).isEqualTo(1);
    assertThat(s.totalOutcomes().errorsByType())
        .containsExactly(Map.entry("IllegalArgumentException", 1L));
    assertThat(s.totalStages().get("inference").count()).isZero();
  }

  // ---------------------------------------------------------------- rows of named features

  @Test
  void row_missingInput_countedAndIllegalArgument() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, Object> row = validRow();
    row.remove("amount");
    assertThatThrownBy(() -> mixed.score(row)).isExactlyInstanceOf(
        IllegalArgumentException.class).hasMessage("row 0, input 'amount': missing");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "amount", ViolationKind.MISSING);
  }

  @Test
  void row_wrongType_countedAndIllegalArgument() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, Object> row = validRow();
    row.put("segment", 7.5);
    assertThatThrownBy(() -> mixed.score(row)).isExactlyInstanceOf(
        IllegalArgumentException.class).hasMessageContaining("input 'segment'");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "segment",
        ViolationKind.TYPE_MISMATCH);
  }

  @Test
  void row_wrongVectorDimension_countedAndIllegalArgument() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, Object> row = validRow();
    row.put("embedding", new float[] {1f, 2f, 3f});
    assertThatThrownBy(() -> mixed.score(row)).isExactlyInstanceOf(
        IllegalArgumentException.class).hasMessage(
            "row 0, input 'embedding': expected 4 values, got 3");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "embedding",
        ViolationKind.DIMENSION_MISMATCH);
  }

  @Test
  void row_null_countedAndIllegalArgument() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, Object> row = validRow();
    row.put("amount", null);
    assertThatThrownBy(() -> mixed.score(row)).isExactlyInstanceOf(
        IllegalArgumentException.class).hasMessage("row 0, input 'amount': value is null");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "amount", ViolationKind.NULL);
  }

  @Test
  void row_extraInputAndNaN_countedAndTheModelStillRuns() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, Object> extra = validRow();
    extra.put("bogus", 1.0);
    Map<String, Object> nan = validRow();
    nan.put("amount", Double.NaN);

    assertThat(mixed.score(extra)).isEqualTo(mixed.score(validRow()));
    assertThat(mixed.score(nan)).isNaN(); // NaN is a value the model can be fed

    ModelSnapshot s = mixed.monitor().snapshot();
    assertThat(s.totalViolations().count(FeatureSchema.UNEXPECTED, ViolationKind.UNEXPECTED))
        .isEqualTo(1);
    assertThat(s.totalViolations().count("amount", ViolationKind.NAN_OR_INFINITE)).isEqualTo(1);
    assertThat(s.totalOutcomes().success()).isEqualTo(3);
  }

  @Test
  void row_eachViolationUnderReject_schemaViolationAndRejected() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.REJECT);
    List<Map<String, Object>> bad = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      bad.add(validRow());
    }
    bad.get(0).remove("amount");
    bad.get(1).put("bogus", 1.0);
    bad.get(2).put("segment", 7.5);
    bad.get(3).put("embedding", new float[] {1f});
    bad.get(4).put("amount", null);
    bad.get(5).put("amount", Double.NaN);
    for (Map<String, Object> row : bad) {
      assertThatThrownBy(() -> mixed.score(row)).isInstanceOf(SchemaViolationException.class);
    }
    ModelSnapshot s = mixed.monitor().snapshot();
    assertThat(s.totalOutcomes().rejected()).isEqualTo(6);
    assertThat(s.totalOutcomes().completed()).isZero();
    assertThat(s.totalViolations().total()).isEqualTo(6);
  }

  // ---------------------------------------------------------------- raw tensors

  @Test
  void tensors_missingInput_countedIllegalArgumentWhereNativeCodeWouldThrow()
      throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.remove("amount");
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("input 'amount': missing");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "amount", ViolationKind.MISSING);
  }

  @Test
  void tensors_extraInput_countedIllegalArgumentWhereNativeCodeWouldThrow()
      throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("bogus", keep(OnnxTensor.createTensor(ENV, new float[][] {{1f}})));
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("the model has no input 'bogus'");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), FeatureSchema.UNEXPECTED,
        ViolationKind.UNEXPECTED);
  }

  @Test
  void tensors_wrongElementType_countedIllegalArgumentWhereNativeCodeWouldThrow()
      throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("amount", keep(OnnxTensor.createTensor(ENV, new double[][] {{20.0}})));
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("input 'amount' expects element type FLOAT, got DOUBLE");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "amount",
        ViolationKind.TYPE_MISMATCH);
  }

  @Test
  void tensors_wrongVectorDimension_countedIllegalArgumentWhereNativeCodeWouldThrow()
      throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("embedding", keep(OnnxTensor.createTensor(ENV, new float[][] {{1f, 2f, 3f}})));
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("input 'embedding' expects shape [-1, 4] (-1: any batch size), got [1, 3]");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "embedding",
        ViolationKind.DIMENSION_MISMATCH);
  }

  @Test
  void tensors_wrongRankOfAScalarInput_countedAsTypeMismatch() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("amount", keep(OnnxTensor.createTensor(ENV, new float[] {20f})));
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got [1]");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "amount",
        ViolationKind.TYPE_MISMATCH);
  }

  @Test
  void tensors_null_countedAndIllegalArgument() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("segment", null);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("input 'segment': tensor is null");
    assertCountedErrorNotNative(mixed.monitor().snapshot(), "segment", ViolationKind.NULL);
  }

  @Test
  void tensors_batchSizesDisagree_illegalArgumentBeforeNativeCode() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = validTensors();
    t.put("item_count", keep(OnnxTensor.createTensor(ENV, new long[][] {{3}, {4}})));
    assertPlainSessionThrows(t);
    assertThatThrownBy(() -> mixed.run(t)).isExactlyInstanceOf(IllegalArgumentException.class)
        .hasMessage("input 'amount' has 1 rows, the others 2");
    assertThat(mixed.monitor().snapshot().totalOutcomes().errorsByType())
        .containsExactly(Map.entry("IllegalArgumentException", 1L));
  }

  @Test
  void tensors_nanInALaterRow_countedAndTheModelStillRuns() throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.OBSERVE);
    Map<String, OnnxTensor> t = new LinkedHashMap<>();
    t.put("item_count", keep(OnnxTensor.createTensor(ENV, new long[][] {{3}, {3}})));
    t.put("amount", keep(OnnxTensor.createTensor(ENV, new float[][] {{20f}, {Float.NaN}})));
    t.put("embedding", keep(OnnxTensor.createTensor(ENV,
        new float[][] {{0.2f, 0.4f, -0.6f, 1.0f}, {0.2f, 0.4f, -0.6f, 1.0f}})));
    t.put("segment", keep(OnnxTensor.createTensor(ENV, new String[][] {{"a"}, {"b"}})));
    try (OrtSession.Result r = mixed.run(t)) {
      float[][] score = (float[][]) r.get("score").orElseThrow().getValue();
      assertThat(score[1][0]).isNaN();
    }
    ModelSnapshot s = mixed.monitor().snapshot();
    assertThat(s.totalViolations().count("amount", ViolationKind.NAN_OR_INFINITE)).isEqualTo(1);
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
  }

  @Test
  void tensors_eachViolationUnderReject_schemaViolationAndCallerTensorsStayOpen()
      throws OrtException {
    MonitoredOnnxSession mixed = session(SchemaPolicy.REJECT);
    List<Map<String, OnnxTensor>> bad = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      bad.add(validTensors());
    }
    bad.get(0).remove("amount");
    bad.get(1).put("bogus", keep(OnnxTensor.createTensor(ENV, new float[][] {{1f}})));
    bad.get(2).put("amount", keep(OnnxTensor.createTensor(ENV, new double[][] {{1.0}})));
    bad.get(3).put("embedding", keep(OnnxTensor.createTensor(ENV, new float[][] {{1f, 2f}})));
    bad.get(4).put("segment", null);
    for (Map<String, OnnxTensor> t : bad) {
      assertThatThrownBy(() -> mixed.run(t)).isInstanceOf(SchemaViolationException.class);
    }
    ModelSnapshot s = mixed.monitor().snapshot();
    assertThat(s.totalOutcomes().rejected()).isEqualTo(5);
    assertThat(s.totalViolations().total()).isEqualTo(5);
    // the caller's tensors of the rejected calls were not closed: with the missing input
    // added, the same tensors run
    Map<String, OnnxTensor> repaired = new LinkedHashMap<>(bad.get(0));
    repaired.put("amount", keep(OnnxTensor.createTensor(ENV, new float[][] {{20f}})));
    try (OrtSession.Result r = mixed.run(repaired)) {
      assertThat(r.get("score")).isPresent();
    }
  }
}
