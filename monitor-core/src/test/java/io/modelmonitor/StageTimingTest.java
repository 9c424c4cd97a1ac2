package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.testing.Allocations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Named stages of a call: declared once, recorded per call, summarised and exported. */
class StageTimingTest {

  private static final String[] STAGES = {"input", "inference", "output"};

  private static ModelMonitor<Integer, Integer> monitor(MonitorRegistry registry) {
    return registry.<Integer, Integer>monitorBuilder("ctr", "v1").stages(STAGES).build();
  }

  /** A model whose stages take 1, 5 and 2 ms times {@code x} on the fake ticker. */
  private static Function<Integer, Integer> model(ModelMonitor<Integer, Integer> monitor,
      FakeTicker ticker) {
    return monitor.decorateFunction(x -> {
      long[] millis = {1, 5, 2};
      for (int s = 0; s < 3; s++) {
        long t0 = monitor.ticker().read();
        ticker.advance(Duration.ofMillis(millis[s] * x));
        monitor.recordStage(s, monitor.ticker().read() - t0);
      }
      ticker.advance(Duration.ofMillis(1)); // outside every stage
      return x;
    });
  }

  @Test
  void recordStage_fakeTicker_snapshotSummariesMatchTheRecordedDurations() {
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Integer, Integer> monitor = monitor(registry);
      Function<Integer, Integer> model = model(monitor, ticker);
      for (int x = 1; x <= 4; x++) {
        model.apply(x);
      }
      ModelSnapshot window = registry.tickNow().get("ctr");
      model.apply(10);

      ModelSnapshot s = monitor.snapshot();
      assertThat(monitor.stages()).containsExactly(STAGES);
      assertThat(s.totalStages()).containsOnlyKeys(STAGES);
      assertThat(new ArrayList<>(s.totalStages().keySet())).containsExactly(STAGES);
      // inference took 5, 10, 15, 20 ms in the first window, then 50 ms
      LatencySummary inference = s.totalStages().get("inference");
      assertThat(inference.count()).isEqualTo(5);
      assertThat(inference.maxNanos()).isBetween(49_500_000L, 50_500_000L);
      assertThat(inference.meanNanos()).isBetween(19.8e6, 20.2e6); // (5+10+15+20+50)/5
      assertThat(window.windowStages().get("inference").count()).isEqualTo(4);
      assertThat(window.windowStages().get("input").maxNanos())
          .isBetween(3_960_000L, 4_040_000L); // 2 significant digits
      assertThat(s.windowStages().get("output").count()).isEqualTo(4); // the last closed window
      // each stage is part of the call: never above the call's own latency
      for (LatencySummary stage : s.totalStages().values()) {
        assertThat(stage.count()).isEqualTo(s.totalLatency().count());
        assertThat(stage.maxNanos()).isLessThanOrEqualTo(s.totalLatency().maxNanos());
        assertThat(stage.p50Nanos()).isLessThanOrEqualTo(s.totalLatency().p50Nanos());
      }
    }
  }

  @Test
  void stageTimer_simpleRegistry_countAndExactTotalPerStageTag() {
    FakeTicker ticker = new FakeTicker();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .meterRegistry(meters).build()) {
      ModelMonitor<Integer, Integer> monitor = monitor(registry);
      Function<Integer, Integer> model = model(monitor, ticker);
      for (int x = 1; x <= 7; x++) {
        model.apply(x);
      }
      double[] expectedMillis = {28, 140, 56}; // 1+..+7 = 28, times 1, 5, 2
      for (int s = 0; s < 3; s++) {
        FunctionTimer timer = meters.find(MetricNames.STAGE_LATENCY)
            .tags(MetricNames.TAG_MODEL, "ctr", MetricNames.TAG_STAGE, STAGES[s])
            .functionTimer();
        assertThat(timer).as(STAGES[s]).isNotNull();
        assertThat(timer.count()).isEqualTo(7);
        assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(expectedMillis[s]);
      }
      FunctionTimer latency = meters.find(MetricNames.LATENCY).functionTimer();
      assertThat(latency.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(28 + 140 + 56 + 7);
      assertThat(meters.find(MetricNames.STAGE_LATENCY).meters()).hasSize(3);
    }
    assertThat(meters.find(MetricNames.STAGE_LATENCY).meters()).isEmpty(); // closed: removed
  }

  @Test
  void monitorWithoutStages_noStageMetersAndEmptySummaries() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(meters).build()) {
      ModelMonitor<Integer, Integer> plain = registry.monitor("plain", "v1");
      plain.decorateFunction(x -> x).apply(1);
      plain.recordStage(0, 1_000);

      assertThat(plain.stages()).isEmpty();
      assertThat(plain.snapshot().totalStages()).isEmpty();
      assertThat(plain.snapshot().windowStages()).isEmpty();
      assertThat(plain.snapshot().monitorErrors()).isEqualTo(1);
      assertThat(meters.find(MetricNames.STAGE_LATENCY).meters()).isEmpty();
    }
  }

  @Test
  void recordStage_unknownIndexNegativeOrHuge_countedAsMonitorErrorsNeverThrown() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> monitor = monitor(registry);
      monitor.recordStage(3, 1_000);
      monitor.recordStage(-1, 1_000);
      monitor.recordStage(0, -5);
      monitor.recordStage(1, Duration.ofHours(2).toNanos()); // above the 60 s default highest

      ModelSnapshot s = monitor.snapshot();
      assertThat(s.monitorErrors()).isEqualTo(4);
      assertThat(s.totalStages().get("input").count()).isZero();
      assertThat(s.totalStages().get("inference").count()).isEqualTo(1);
      assertThat(s.totalStages().get("inference").maxNanos())
          .isGreaterThanOrEqualTo(Duration.ofSeconds(59).toNanos());
    }
  }

  @Test
  void stages_invalidDeclarations_rejectedWithTheBadValue() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      MonitorRegistry.MonitorBuilder<Object, Object> b = registry.monitorBuilder("m", "v1");
      assertThatThrownBy(() -> b.stages()).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("0");
      assertThatThrownBy(() -> b.stages("Input")).hasMessageContaining("'Input'");
      assertThatThrownBy(() -> b.stages("a b")).hasMessageContaining("'a b'");
      assertThatThrownBy(() -> b.stages("run", "run")).hasMessageContaining("'run' declared twice");
      String[] seventeen = new String[17];
      Arrays.setAll(seventeen, i -> "s" + i);
      assertThatThrownBy(() -> b.stages(seventeen)).hasMessageContaining("17");
      assertThatThrownBy(() -> b.stages("x".repeat(33))).isInstanceOf(
          IllegalArgumentException.class);
    }
  }

  @Test
  void monitorBuilder_sameNameOtherStages_refused() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> first = monitor(registry);
      assertThat(monitor(registry)).isSameAs(first);
      assertThatThrownBy(() -> registry.monitorBuilder("ctr", "v1").stages("input").build())
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stages");
    }
  }

  @Test
  void recordStage_afterWarmup_allocatesZeroBytesWhileAnotherThreadDrains() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder()
        .meterRegistry(new SimpleMeterRegistry()).build()) {
      ModelMonitor<Integer, Integer> monitor = monitor(registry);
      AtomicBoolean running = new AtomicBoolean(true);
      Thread reader = new Thread(() -> {
        while (running.get()) {
          monitor.snapshot();
          registry.tickNow();
        }
      });
      reader.start();
      try {
        long bytes = Allocations.allocatedBy(3, () -> {
          for (int i = 0; i < 300_000; i++) {
            monitor.recordStage(i % 3, 1_000 + i);
          }
        });
        assertThat(bytes).as("bytes allocated by 300,000 stage recordings").isZero();
      } finally {
        running.set(false);
        reader.join();
      }
      ModelSnapshot s = monitor.snapshot();
      for (String stage : STAGES) {
        assertThat(s.totalStages().get(stage).count()).isEqualTo(4 * 100_000L);
      }
    }
  }

  @Test
  void recordStage_eightThreads_exactCountsPerStage() throws Exception {
    int threads = 8;
    int perThread = 50_000;
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> monitor = monitor(registry);
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int stage = t % 3;
        Thread w = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException e) {
            return;
          }
          for (int i = 0; i < perThread; i++) {
            monitor.recordStage(stage, 1_000);
          }
        });
        w.start();
        workers.add(w);
      }
      start.countDown();
      for (int i = 0; i < 20; i++) {
        registry.tickNow(); // windows close while the writers run
      }
      for (Thread w : workers) {
        w.join();
      }
      ModelSnapshot s = monitor.snapshot();
      // threads 0,3,6 -> input; 1,4,7 -> inference; 2,5 -> output
      assertThat(s.totalStages().get("input").count()).isEqualTo(3L * perThread);
      assertThat(s.totalStages().get("inference").count()).isEqualTo(3L * perThread);
      assertThat(s.totalStages().get("output").count()).isEqualTo(2L * perThread);
    }
  }
}
