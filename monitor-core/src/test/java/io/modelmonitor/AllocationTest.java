package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Proves the hot path allocates nothing once the calling thread has made its first call, even
 * while another thread keeps draining (swapping intervals) and scraping.
 */
class AllocationTest {

  private static final int WARMUP = 300_000;
  private static final int MEASURED = 1_000_000;
  private static com.sun.management.ThreadMXBean threads;

  @BeforeAll
  static void allocationCounting() {
    threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    threads.setThreadAllocatedMemoryEnabled(true);
  }

  /** Bytes allocated by the calling thread while running {@code body}, net of measuring. */
  private static long allocatedBy(Runnable body) {
    long empty0 = threads.getCurrentThreadAllocatedBytes();
    long empty1 = threads.getCurrentThreadAllocatedBytes();
    long before = threads.getCurrentThreadAllocatedBytes();
    body.run();
    long after = threads.getCurrentThreadAllocatedBytes();
    return (after - before) - (empty1 - empty0);
  }

  @Test
  void decoratedFunction_afterWarmup_allocatesZeroBytesOnCallingThread() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .build()) {
      ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
      Float score = 0.25f; // boxed once: the model itself must not allocate either
      Function<float[], Float> model = monitor.decorateFunction(features -> score);
      float[] input = new float[20];

      AtomicBoolean running = new AtomicBoolean(true);
      Thread reader = new Thread(() -> {
        while (running.get()) {
          monitor.snapshot();
          prometheus.scrape();
          registry.tickNow();
        }
      });
      reader.start();
      try {
        float[] sink = new float[1];
        Runnable calls = () -> {
          for (int i = 0; i < MEASURED; i++) {
            sink[0] += model.apply(input);
          }
        };
        for (int i = 0; i < WARMUP; i++) {
          sink[0] += model.apply(input);
        }
        long bytes = allocatedBy(calls);
        assertThat(bytes).as("bytes allocated by %d decorated calls", MEASURED).isZero();
        assertThat(sink[0]).isPositive();
      } finally {
        running.set(false);
        reader.join();
      }
      assertThat(monitor.snapshot().totalOutcomes().success())
          .isEqualTo((long) WARMUP + MEASURED);
    }
  }

  @Test
  void outOfRangeSamples_repeatedOnEveryCall_allocateNothingAfterTheFirstWarning() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<float[], Float> monitor = registry.monitor("slow", "v1");
      long tooSlow = java.time.Duration.ofMinutes(5).toNanos();
      // three paths in one loop take longer to settle in the JIT: a late deoptimisation
      // re-materialises objects once, so this warms up longer than the others
      long bytes = io.modelmonitor.testing.Allocations.allocatedBy(10, () -> {
        for (int i = 0; i < 100_000; i++) {
          monitor.record(tooSlow);
          monitor.record(-1);
          monitor.recordBatch(1_000, 1_000_000);
        }
      });
      assertThat(bytes).isZero();
      assertThat(monitor.snapshot().monitorErrors()).isEqualTo(3L * 11 * 100_000);
    }
  }

  @Test
  void sharedCell_threadsBeyondTheCap_allocateNothing() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder()
        .defaultConfig(MonitorConfig.custom().maxThreadCells(1).build()).build()) {
      ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
      Float score = 0.25f;
      Function<float[], Float> model = monitor.decorateFunction(features -> score);
      Thread owner = new Thread(() -> model.apply(new float[1])); // takes the only own cell
      owner.start();
      owner.join();
      float[] input = new float[20];
      float[] sink = new float[1];
      long bytes = io.modelmonitor.testing.Allocations.allocatedBy(3, () -> {
        for (int i = 0; i < 300_000; i++) {
          sink[0] += model.apply(input);
        }
      });
      assertThat(bytes).isZero();
      assertThat(monitor.snapshot().totalOutcomes().success()).isEqualTo(1 + 4 * 300_000L);
    }
  }

  @Test
  void recordByHand_afterWarmup_allocatesZeroBytes() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
      IllegalStateException failure = new IllegalStateException("preallocated");
      Runnable calls = () -> {
        for (int i = 0; i < MEASURED; i++) {
          long start = monitor.start();
          if ((i & 15) == 0) {
            monitor.failed(start, failure);
          } else {
            monitor.succeeded(start);
          }
          monitor.record(1_000L + i);
        }
      };
      calls.run(); // warm-up, also assigns the error-type slot
      long bytes = allocatedBy(calls);
      assertThat(bytes).isZero();
    }
  }

  @Test
  void predictionLogOn_callNotSampled_allocatesZeroBytes() {
    // 1e-12 per call: the chance that one of these 1.2M calls is sampled is about 1e-6
    MonitorConfig config = MonitorConfig.custom().predictionLog(
        io.modelmonitor.report.PredictionLogPolicy.sampled(1e-12).withAlwaysLogErrors(true))
        .build();
    try (MonitorRegistry registry = MonitorRegistry.builder().defaultConfig(config).build()) {
      ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");
      Float score = 0.25f;
      Function<float[], Float> model = monitor.decorateFunction(features -> score);
      float[] input = new float[20];
      float[] sink = new float[1];
      long bytes = io.modelmonitor.testing.Allocations.allocatedBy(3, () -> {
        for (int i = 0; i < 300_000; i++) {
          sink[0] += model.apply(input);
        }
      });
      assertThat(bytes).as("bytes allocated with the prediction log on, calls not sampled")
          .isZero();
      assertThat(monitor.snapshot().totalOutcomes().success()).isEqualTo(4 * 300_000L);
    }
  }
}
