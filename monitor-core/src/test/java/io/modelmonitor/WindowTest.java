package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class WindowTest {

  private final FakeTicker ticker = new FakeTicker();
  private final Clock clock = Clock.fixed(Instant.parse("2026-11-29T08:00:00Z"), ZoneOffset.UTC);

  /** A model whose latency is whatever the test says, by moving the fake ticker. */
  private Function<Long, Long> slowModel(ModelMonitor<Long, Long> monitor) {
    return monitor.decorateFunction(nanos -> {
      ticker.advanceNanos(nanos);
      return nanos;
    });
  }

  @Test
  void tickNow_closesWindows_countsAndRatesPerWindow() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).clock(clock)
        .reportingInterval(Duration.ofSeconds(10)).build()) {
      ModelMonitor<Long, Long> monitor = registry.monitor("ctr", "v1");
      Function<Long, Long> model = slowModel(monitor);
      for (int i = 0; i < 50; i++) {
        model.apply(2_000_000L); // 50 calls of 2 ms = 100 ms of ticker time
      }
      ticker.advance(Duration.ofMillis(9_900)); // window is exactly 10 s long

      ModelSnapshot first = registry.tickNow().get("ctr");

      assertThat(first.window()).isEqualTo(Duration.ofSeconds(10));
      assertThat(first.windowOutcomes().success()).isEqualTo(50);
      assertThat(first.ratePerSecond()).isEqualTo(5.0);
      assertThat(first.windowLatency().p50Nanos()).isBetween(1_980_000L, 2_020_000L);
      assertThat(first.timestamp()).isEqualTo(clock.instant());

      for (int i = 0; i < 10; i++) {
        model.apply(30_000_000L); // 10 calls of 30 ms
      }
      ticker.advance(Duration.ofMillis(4_700));
      ModelSnapshot second = registry.tickNow().get("ctr");

      assertThat(second.window()).isEqualTo(Duration.ofSeconds(5));
      assertThat(second.windowOutcomes().success()).isEqualTo(10);
      assertThat(second.ratePerSecond()).isEqualTo(2.0);
      assertThat(second.windowLatency().p50Nanos()).isBetween(29_700_000L, 30_300_000L);
      assertThat(second.totalOutcomes().success()).isEqualTo(60);
      assertThat(second.totalLatency().count()).isEqualTo(60);
      assertThat(second.uptime()).isEqualTo(Duration.ofSeconds(15));
      assertThat(second.totalRatePerSecond()).isEqualTo(4.0); // 60 calls in 15 s

      ticker.advance(Duration.ofSeconds(10));
      ModelSnapshot empty = registry.tickNow().get("ctr");
      assertThat(empty.windowOutcomes()).isEqualTo(Outcomes.EMPTY);
      assertThat(empty.windowLatency()).isEqualTo(LatencySummary.EMPTY);
      assertThat(empty.ratePerSecond()).isZero();
    }
  }

  @Test
  void snapshot_betweenTicks_keepsLastWindowAndLiveTotals() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Long, Long> monitor = registry.monitor("ctr", "v1");
      Function<Long, Long> model = slowModel(monitor);
      ModelSnapshot before = monitor.snapshot();
      assertThat(before.window()).isEqualTo(Duration.ZERO);
      assertThat(before.windowOutcomes().completed()).isZero();

      model.apply(1_000_000L);
      ticker.advance(Duration.ofSeconds(10));
      registry.tickNow();
      model.apply(1_000_000L);
      model.apply(1_000_000L);

      ModelSnapshot s = monitor.snapshot();
      assertThat(s.windowOutcomes().success()).isEqualTo(1);
      assertThat(s.totalOutcomes().success()).isEqualTo(3);
    }
  }

  @Test
  void listeners_receiveEveryClosedWindow_andTheLastOneOnClose() {
    List<ModelSnapshot> received = new ArrayList<>();
    MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build();
    registry.addSnapshotListener(received::add);
    registry.addSnapshotListener(s -> {
      throw new IllegalStateException("a broken listener");
    });
    ModelMonitor<Long, Long> monitor = registry.monitor("ctr", "v1");
    monitor.record(1_000);
    ticker.advance(Duration.ofSeconds(10));
    registry.tickNow();
    monitor.record(2_000);
    monitor.record(3_000);

    registry.close();

    assertThat(received).hasSize(2);
    assertThat(received.get(0).windowOutcomes().success()).isEqualTo(1);
    assertThat(received.get(1).windowOutcomes().success()).isEqualTo(2);
    // the broken listener was counted each time, and did not stop the good one
    assertThat(received.get(1).monitorErrors()).isEqualTo(1);
    assertThat(monitor.snapshot().monitorErrors()).isEqualTo(2);
    assertThat(registry.isReporterRunning()).isFalse();
  }

  private static java.util.Set<Thread> reporterThreads() {
    java.util.Set<Thread> out = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals("modelmonitor-reporter") && t.isAlive()) {
        out.add(t);
      }
    }
    return out;
  }

  @Test
  void reporter_startsWithFirstMonitor_andStopsOnClose() throws InterruptedException {
    java.util.Set<Thread> before = reporterThreads();
    MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build();
    assertThat(registry.isReporterRunning()).isFalse();
    assertThat(reporterThreads()).isEqualTo(before);

    registry.monitor("ctr", "v1");
    assertThat(registry.isReporterRunning()).isTrue();
    registry.tickNow(); // runs on this thread; the reporter thread is started by the executor
    java.util.Set<Thread> ours = new java.util.HashSet<>();
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (ours.isEmpty() && System.nanoTime() < deadline) { // the executor starts it lazily
      ours = reporterThreads();
      ours.removeAll(before);
      if (ours.isEmpty()) {
        Thread.onSpinWait();
      }
    }
    registry.close();
    registry.close(); // idempotent

    assertThat(registry.isReporterRunning()).isFalse();
    for (Thread t : ours) {
      assertThat(t.isDaemon()).isTrue();
      t.join(5_000);
      assertThat(t.isAlive()).as("reporter thread stopped").isFalse();
    }
  }
}
