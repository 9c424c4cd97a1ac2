package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.LatencySummary;
import io.modelmonitor.MetricNames;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Input conversion, inference and output extraction, timed per call of every kind. */
class StageTimingsTest {

  private static final String[] STAGES = {"input", "inference", "output"};

  @Test
  void everyCallKind_stageCountsEqualCallsAndEachStageIsPartOfTheLatency() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(meters).build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
        OnnxTensor one = OnnxTensor.createTensor(env, new float[][] {{1f}})) {
      Map<String, Object> row = Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3);
      for (int i = 0; i < 50; i++) {
        ctr.score(row);
      }
      for (int i = 0; i < 10; i++) {
        ctr.scoreBatch(List.of(row, row, row));
        ctr.classify(row);
        ctr.classifyBatch(List.of(row, row));
        try (OrtSession.Result r = ctr.run(Map.of("price", one, "ctr_7d", one,
            "position", one))) {
          assertThat(r.size()).isEqualTo(1);
        }
      }
      Map<String, Object> missing = new HashMap<>(row);
      missing.remove("price");
      assertThatThrownBy(() -> ctr.score(missing)).isInstanceOf(IllegalArgumentException.class);
      long completed = 50 + 4 * 10;

      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(completed);
      assertThat(s.totalStages()).containsOnlyKeys(STAGES);
      FunctionTimer latency = meters.find(MetricNames.LATENCY).functionTimer();
      assertThat(latency.count()).isEqualTo(completed + 1); // the failed call has a latency too
      double stagesTotal = 0;
      for (String stage : STAGES) {
        LatencySummary summary = s.totalStages().get(stage);
        assertThat(summary.count()).as(stage).isEqualTo(completed); // completed calls only
        assertThat(summary.maxNanos()).as(stage)
            .isLessThanOrEqualTo(s.totalLatency().maxNanos());
        FunctionTimer timer = meters.find(MetricNames.STAGE_LATENCY)
            .tag(MetricNames.TAG_STAGE, stage).functionTimer();
        assertThat(timer.count()).as(stage).isEqualTo(completed);
        double nanos = timer.totalTime(TimeUnit.NANOSECONDS);
        assertThat(nanos).as(stage).isPositive()
            .isLessThanOrEqualTo(latency.totalTime(TimeUnit.NANOSECONDS));
        stagesTotal += nanos;
      }
      assertThat(stagesTotal).isLessThanOrEqualTo(latency.totalTime(TimeUnit.NANOSECONDS));
    }
  }

  @Test
  void fourThreads_concurrentScoresAndBatches_exactCountsPerStage() throws Exception {
    int threads = 4;
    int perThread = 2_000;
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx")).intraOpThreads(1).open()) {
      Map<String, Object> row = Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3);
      double expected = ctr.score(row);
      java.util.concurrent.CountDownLatch start = new java.util.concurrent.CountDownLatch(1);
      java.util.concurrent.atomic.AtomicInteger wrong = new java.util.concurrent.atomic
          .AtomicInteger();
      java.util.List<Thread> workers = new java.util.ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < perThread; i++) {
              double p = i % 4 == 0 ? ctr.scoreBatch(List.of(row, row))[1] : ctr.score(row);
              if (p != expected) {
                wrong.incrementAndGet();
              }
            }
          } catch (InterruptedException | OrtException e) {
            wrong.incrementAndGet();
          }
        });
        w.start();
        workers.add(w);
      }
      start.countDown();
      for (int i = 0; i < 10; i++) {
        registry.tickNow(); // windows close while the callers run
      }
      for (Thread w : workers) {
        w.join();
      }
      long calls = 1 + (long) threads * perThread;
      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(wrong.get()).isZero();
      assertThat(s.totalOutcomes().success()).isEqualTo(calls);
      assertThat(s.totalBatches().batches()).isEqualTo(threads * perThread / 4);
      for (String stage : STAGES) {
        assertThat(s.totalStages().get(stage).count()).as(stage).isEqualTo(calls);
      }
    }
  }
}
