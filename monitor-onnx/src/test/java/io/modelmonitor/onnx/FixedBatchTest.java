package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A model whose inputs have a fixed batch of 1 ({@code fixed_batch.onnx}: {@code [1, 1]} inputs)
 * is fed a batch one row at a time: each row's score equals a plain session's run of that row
 * alone, and the batch is recorded as one batch call.
 */
class FixedBatchTest {

  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();
  private static final float[][] X = {{120f, 0.3f, 2f}, {15f, 0.01f, 1f}, {900f, 0.2f, 7f},
      {0f, 0f, 0f}, {49.5f, 0.05f, 3f}};

  private static List<Map<String, ?>> rows() {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (float[] x : X) {
      rows.add(Map.of("price", x[0], "ctr_7d", x[1], "position", x[2]));
    }
    return rows;
  }

  /** Row {@code r} through a plain session of the same model, with [1, 1] tensors. */
  private static float plain(int r) throws OrtException {
    Map<String, OnnxTensor> in = Map.of(
        "price", OnnxTensor.createTensor(ENV, new float[][] {{X[r][0]}}),
        "ctr_7d", OnnxTensor.createTensor(ENV, new float[][] {{X[r][1]}}),
        "position", OnnxTensor.createTensor(ENV, new float[][] {{X[r][2]}}));
    return ((float[][]) PlainOrt.run("fixed_batch.onnx", in).get("probability"))[0][0];
  }

  @Test
  void scoreBatchAndClassifyBatch_fixedBatchOfOne_eachRowRunAloneAndOneBatchRecorded()
      throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession fixed = MonitoredOnnxSession.open(registry, "fixed", "v1",
            MonitoredOnnxSessionTest.model("fixed_batch.onnx"))) {
      double[] scores = fixed.scoreBatch(rows());
      List<Classification> classes = fixed.classifyBatch(rows());

      assertThat(scores).hasSize(X.length);
      for (int r = 0; r < X.length; r++) {
        double expected = plain(r);
        assertThat(scores[r]).as("row %d", r).isEqualTo(expected);
        assertThat(classes.get(r).score()).as("row %d", r).isEqualTo(expected);
        assertThat(fixed.score(rows().get(r))).isEqualTo(expected);
      }
      ModelSnapshot s = fixed.monitor().snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(2 + X.length);
      assertThat(s.totalOutcomes().errors()).isZero();
      assertThat(s.totalBatches().batches()).isEqualTo(2);
      assertThat(s.totalBatches().items()).isEqualTo(2L * X.length);
      for (String stage : new String[] {"input", "inference", "output"}) {
        assertThat(s.totalStages().get(stage).count()).as(stage).isEqualTo(2 + X.length);
      }
    }
  }

  @Test
  void run_rawTensorsOfTwoRowsForFixedBatch_refusedBeforeNativeCode() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession fixed = MonitoredOnnxSession.open(registry, "fixed", "v1",
            MonitoredOnnxSessionTest.model("fixed_batch.onnx"));
        OnnxTensor two = OnnxTensor.createTensor(ENV, new float[][] {{1f}, {2f}})) {
      assertThatThrownBy(() -> fixed.run(Map.of("price", two, "ctr_7d", two, "position", two)))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("expects shape [1, 1]");
      assertThat(fixed.monitor().snapshot().totalOutcomes().errors()).isEqualTo(1);
    }
  }
}
