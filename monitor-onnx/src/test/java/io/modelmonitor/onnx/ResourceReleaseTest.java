package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.MonitorRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every tensor and result a call creates is released: 200,000 monitored runs (single rows,
 * batches, classifications and raw tensors, and 1 in 20 of them also a call that fails inside
 * ONNX Runtime) leave both the process's resident memory and the heap where they were.
 *
 * <p>Why resident memory shows a leak here: each run creates native tensors and a native result
 * (a few hundred bytes of ONNX Runtime memory each); leaking even one per run would add well over
 * 32 MiB in 200,000 runs, while the JVM's own native growth after warm-up (JIT code, metaspace)
 * stays a few MiB. The surefire configuration of this module fixes the heap size and pre-touches
 * it ({@code -Xms256m -Xmx256m -XX:+AlwaysPreTouch}), so heap growth cannot show up as resident
 * growth either.
 */
class ResourceReleaseTest {

  private static final int RUNS = 200_000;
  private static final int WARMUP = 20_000;
  private static final int FAIL_EVERY = 20;
  private static final long RSS_SLACK_BYTES = 32L * 1024 * 1024;
  private static final long HEAP_SLACK_BYTES = 16L * 1024 * 1024;
  private static final OrtEnvironment ENV = OrtEnvironment.getEnvironment();

  private static long usedHeapAfterGc() {
    Runtime rt = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return rt.totalMemory() - rt.freeMemory();
  }

  /** The process's resident set size ({@link ResidentMemory}); it must be readable here. */
  static long residentBytes() {
    long bytes = ResidentMemory.bytes();
    if (bytes < 0) {
      throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
    return bytes;
  }

  /** One run of the mix: 1 in 10 a batch of 4, 1 in 10 raw tensors, 1 in 10 classify. */
  private static double run(MonitoredOnnxSession ctr, int i, Map<String, Object> row,
      List<Map<String, Object>> batch) throws OrtException {
    switch (i % 10) {
      case 0:
        return ctr.scoreBatch(batch)[3];
      case 1:
        try (OnnxTensor price = OnnxTensor.createTensor(ENV, new float[][] {{12.5f}});
            OnnxTensor ctr7d = OnnxTensor.createTensor(ENV, new float[][] {{0.04f}});
            OnnxTensor position = OnnxTensor.createTensor(ENV, new float[][] {{3f}});
            OrtSession.Result r = ctr.run(Map.of("price", price, "ctr_7d", ctr7d,
                "position", position))) {
          return ((float[][]) r.get(0).getValue())[0][0];
        }
      case 2:
        return ctr.classify(row).score();
      default:
        return ctr.score(row);
    }
  }

  /** The failure path: a call of every kind that fails inside ONNX Runtime, by turns. */
  private static void fail(MonitoredOnnxSession lookup, int i) throws OrtException {
    Map<String, Object> outOfRange = Map.of("bucket", 7L);
    try {
      switch (i / FAIL_EVERY % 4) {
        case 0:
          lookup.score(outOfRange);
          break;
        case 1:
          lookup.scoreBatch(List.of(outOfRange, outOfRange));
          break;
        case 2:
          lookup.classifyBatch(List.of(outOfRange));
          break;
        default:
          try (OnnxTensor bucket = OnnxTensor.createTensor(ENV, new long[][] {{7L}})) {
            lookup.run(Map.of("bucket", bucket)).close();
          }
      }
    } catch (OrtException expected) {
      return;
    }
    throw new AssertionError("bucket 7 did not fail");
  }

  @Test
  void twoHundredThousandRuns_residentMemoryAndHeapStayBoundedAndEveryCallIsCounted()
      throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx")).intraOpThreads(1).open();
        MonitoredOnnxSession lookup = MonitoredOnnxSession.builder(registry, "lookup", "v1",
            MonitoredOnnxSessionTest.model("gather_lookup.onnx")).intraOpThreads(1).open()) {
      Map<String, Object> row = Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3);
      List<Map<String, Object>> batch = List.of(row, row, row, row);
      for (int i = 0; i < WARMUP; i++) { // class loading, JIT, monitor cells, ORT arenas
        run(ctr, i, row, batch);
        if (i % FAIL_EVERY == 5) {
          fail(lookup, i);
        }
      }
      long heapBefore = usedHeapAfterGc();
      long rssBefore = residentBytes();
      double sum = 0;
      for (int i = 0; i < RUNS; i++) {
        sum += run(ctr, i, row, batch);
        if (i % FAIL_EVERY == 5) {
          fail(lookup, i);
        }
      }
      long heapAfter = usedHeapAfterGc();
      long rssAfter = residentBytes();
      System.out.printf("ResourceReleaseTest: %,d runs: RSS %,d -> %,d bytes (%+,d), heap "
          + "after GC %,d -> %,d bytes (%+,d)%n", RUNS, rssBefore, rssAfter,
          rssAfter - rssBefore, heapBefore, heapAfter, heapAfter - heapBefore);

      // -0.025 + 0.14 - 0.75 - 1.0 = -1.635 (float32 inputs: within 1e-6)
      assertThat(sum / RUNS).isCloseTo(1 / (1 + Math.exp(1.635)), within(1e-6));
      assertThat(rssAfter - rssBefore).as("resident set growth over %d runs", RUNS)
          .isLessThan(RSS_SLACK_BYTES);
      assertThat(heapAfter - heapBefore).as("heap growth over %d runs", RUNS)
          .isLessThan(HEAP_SLACK_BYTES);
      assertThat(ctr.monitor().snapshot().totalOutcomes().success())
          .isEqualTo(WARMUP + RUNS);
      assertThat(ctr.monitor().snapshot().totalBatches().items())
          .isEqualTo(4L * (WARMUP + RUNS) / 10);
      assertThat(lookup.monitor().snapshot().totalOutcomes().errors())
          .isEqualTo((WARMUP + RUNS) / FAIL_EVERY);
      assertThat(lookup.monitor().snapshot().totalOutcomes().success()).isZero();
    }
  }

  @Test
  void close_twiceThenEveryCall_harmlessAndRefusedClearly() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
          MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
      Map<String, Object> row = Map.of("price", 1.0, "ctr_7d", 0.1, "position", 1);
      ctr.score(row);
      ctr.close();
      ctr.close();

      assertThatThrownBy(() -> ctr.score(row)).isInstanceOf(IllegalStateException.class)
          .hasMessage("session of ctr:v1 is closed");
      assertThatThrownBy(() -> ctr.scoreBatch(List.of(row)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> ctr.classify(row))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      assertThatThrownBy(() -> ctr.classifyBatch(List.of(row)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      try (OnnxTensor t = OnnxTensor.createTensor(ENV, new float[][] {{1f}})) {
        assertThatThrownBy(() -> ctr.run(Map.of("price", t, "ctr_7d", t, "position", t)))
            .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      }
      // refused before the monitor: the closed session's calls are not counted
      assertThat(ctr.monitor().snapshot().totalOutcomes().completed()).isEqualTo(1);
    }
  }
}
