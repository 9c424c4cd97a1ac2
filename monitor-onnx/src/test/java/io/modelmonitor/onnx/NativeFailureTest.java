package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A call that fails inside ONNX Runtime (a Gather index out of range in {@code gather_lookup.onnx},
 * which no check before native code can see) is counted as an error of the call by every entry
 * point, and ONNX Runtime's own {@link OrtException} reaches the caller.
 */
class NativeFailureTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final Map<String, Object> GOOD = Map.of("bucket", 2L);
  private static final Map<String, Object> OUT_OF_RANGE = Map.of("bucket", 7L);

  static MonitoredOnnxSession openLookup(MonitorRegistry registry) throws OrtException {
    return MonitoredOnnxSession.open(registry, "lookup", "v1",
        MonitoredOnnxSessionTest.model("gather_lookup.onnx"));
  }

  /** What a plain session throws for the same row: the reference for type and message. */
  private static OrtException plainFailure() throws OrtException {
    try (OnnxTensor bucket = OnnxTensor.createTensor(ENV, new long[][] {{7L}})) {
      PlainOrt.run("gather_lookup.onnx", Map.of("bucket", bucket));
    } catch (OrtException e) {
      return e;
    }
    throw new AssertionError("gather_lookup.onnx accepted bucket 7");
  }

  @Test
  void everyEntryPoint_nativeFailure_countedAsErrorAndOrtExceptionPropagates()
      throws OrtException {
    OrtException reference = plainFailure();
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession lookup = openLookup(registry)) {
      assertThat(lookup.score(GOOD)).isEqualTo(0.9f); // GATHER_TABLE[2], as a float

      assertThatThrownBy(() -> lookup.score(OUT_OF_RANGE))
          .isExactlyInstanceOf(OrtException.class).hasMessage(reference.getMessage());
      assertThatThrownBy(() -> lookup.scoreBatch(List.of(GOOD, OUT_OF_RANGE, GOOD)))
          .isExactlyInstanceOf(OrtException.class).hasMessage(reference.getMessage());
      assertThatThrownBy(() -> lookup.classifyBatch(List.of(OUT_OF_RANGE, GOOD)))
          .isExactlyInstanceOf(OrtException.class).hasMessage(reference.getMessage());
      try (OnnxTensor bucket = OnnxTensor.createTensor(ENV, new long[][] {{7L}})) {
        assertThatThrownBy(() -> lookup.run(Map.of("bucket", bucket)))
            .isExactlyInstanceOf(OrtException.class).hasMessage(reference.getMessage());
      }

      ModelSnapshot s = lookup.monitor().snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(1);
      assertThat(s.totalOutcomes().errors()).isEqualTo(4);
      assertThat(s.totalOutcomes().errorsByType()).containsExactly(Map.entry("OrtException", 4L));
      assertThat(s.totalBatches().batches()).isEqualTo(2);
      assertThat(s.totalBatches().items()).isEqualTo(5);
      assertThat(s.inFlight()).isZero();
    }
  }

  @Test
  void scoreBatch_nativeFailure_declaredOrtExceptionReachesCallerUnwrapped() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession lookup = openLookup(registry)) {
      OrtException[] seen = new OrtException[2];
      for (int i = 0; i < 2; i++) {
        try {
          lookup.scoreBatch(List.of(OUT_OF_RANGE));
        } catch (OrtException e) { // the declared type reaches the caller, not a wrapper
          seen[i] = e;
        }
      }
      assertThat(seen).doesNotContainNull();
      assertThat(seen[0].getCause()).isNull(); // ONNX Runtime's own, not wrapped
      assertThat(lookup.monitor().snapshot().totalOutcomes().errors()).isEqualTo(2);
      assertThat(lookup.scoreBatch(List.of(GOOD, Map.of("bucket", 0L))))
          .containsExactly(0.9f, 0.1f);
    }
  }
}
