package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OrtException;
import io.modelmonitor.MonitorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every tensor and result a call creates is released: 20,000 runs leave the heap where it was.
 * (Native memory, the process RSS, is not measured here.)
 */
class ResourceReleaseTest {

  private static final int RUNS = 20_000;
  private static final long HEAP_SLACK_BYTES = 16L * 1024 * 1024;

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void score_twentyThousandRunsAndBatches_heapStaysBoundedAndEveryCallIsCounted()
      throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"))) {
      Map<String, Object> row = Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3);
      List<Map<String, Object>> batch = List.of(row, row, row, row);
      for (int i = 0; i < 1_000; i++) { // warm-up: class loading, JIT, monitor cells
        ctr.score(row);
      }
      long before = usedHeapAfterGc();
      double sum = 0;
      for (int i = 0; i < RUNS; i++) {
        sum += i % 10 == 0 ? ctr.scoreBatch(batch)[3] : ctr.score(row);
      }
      long after = usedHeapAfterGc();

      // -0.025 + 0.14 - 0.75 - 1.0 = -1.635
      assertThat(sum / RUNS).isCloseTo(1 / (1 + Math.exp(1.635)),
          org.assertj.core.api.Assertions.within(1e-6));
      assertThat(after - before).isLessThan(HEAP_SLACK_BYTES);
      assertThat(ctr.monitor().snapshot().totalOutcomes().success()).isEqualTo(1_000 + RUNS);
    }
  }
}
