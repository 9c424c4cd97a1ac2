package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.drift.ScoreSummary;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A sampled call's success and its score are recorded together (one critical section of the
 * cell): a drain sees both or neither, and a failing score reader changes nothing else.
 */
class SampledCallRecordingTest {

  private static final int THREADS = 6;
  private static final int CALLS = 60_000;
  /** Drains to take while the writers record (writers keep calling until then). */
  private static final int SNAPSHOTS = 300;

  private static Baseline scoreBaseline() {
    return Baseline.builder().predictions(new SplittableRandom(7).doubles(5_000).toArray())
        .build();
  }

  @Test
  void concurrentDrains_everySnapshotHasAsManyScoresAsSuccesses() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Double> monitor = registry.<Integer, Double>monitorBuilder("ctr", "v1")
          .baseline(scoreBaseline()).prediction(PredictionSpec.score(Double::doubleValue))
          .build();
      Function<Integer, Double> model = monitor.decorateFunction(i -> (i % 1000) / 1000.0);
      ExecutorService pool = Executors.newFixedThreadPool(THREADS);
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean done = new AtomicBoolean();
      AtomicLong snapshots = new AtomicLong();
      AtomicLong calls = new AtomicLong();
      List<String> mismatches = new ArrayList<>();
      AtomicReference<Throwable> readerFailed = new AtomicReference<>();
      Thread reader = new Thread(() -> {
        try {
          while (!done.get()) {
            ModelSnapshot s = monitor.snapshot(); // drains while the writers record
            snapshots.incrementAndGet();
            long success = s.totalOutcomes().success();
            ScoreSummary scores = s.totalDrift().scores();
            long scored = scores == null ? 0 : scores.samples();
            if (success != scored) {
              synchronized (mismatches) {
                mismatches.add(success + " successes, " + scored + " scores");
              }
            }
          }
        } catch (Throwable t) {
          readerFailed.set(t);
        }
      });
      reader.start();
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < THREADS; t++) {
        int offset = t * CALLS;
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < CALLS
              || (snapshots.get() < SNAPSHOTS && readerFailed.get() == null); i++) {
            model.apply(offset + (i % CALLS));
            calls.incrementAndGet();
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      done.set(true);
      reader.join(TimeUnit.MINUTES.toMillis(1));
      pool.shutdown();

      ModelSnapshot s = monitor.snapshot();
      long total = calls.get();
      assertThat(readerFailed.get()).isNull();
      assertThat(snapshots.get()).isGreaterThanOrEqualTo(SNAPSHOTS);
      assertThat(mismatches).isEmpty();
      assertThat(s.totalOutcomes().success()).isEqualTo(total);
      assertThat(s.totalLatency().count()).isEqualTo(total);
      assertThat(s.totalDrift().scores().samples()).isEqualTo(total);
      assertThat(s.totalDrift().prediction().samples()).isEqualTo(total);
      assertThat(s.monitorErrors()).isZero();
      assertThat(s.inFlight()).isZero();
    }
  }

  @Test
  void scoreReaderThrows_successStillCounted_scoreSkipped_internalErrorCounted() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> monitor = registry
          .<Integer, Integer>monitorBuilder("ctr", "v1")
          .baseline(scoreBaseline()).prediction(PredictionSpec.score(v -> {
            if (v % 3 == 0) {
              throw new IllegalStateException("unreadable " + v);
            }
            return v / 100.0;
          }))
          .build();
      Function<Integer, Integer> model = monitor.decorateFunction(i -> i);
      int readable = 0;
      for (int i = 0; i < 90; i++) {
        assertThat(model.apply(i)).isEqualTo(i);
        if (i % 3 != 0) {
          readable++;
        }
      }
      ModelSnapshot s = monitor.snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(90);
      assertThat(s.totalOutcomes().errors()).isZero();
      assertThat(s.totalLatency().count()).isEqualTo(90);
      assertThat(s.totalDrift().scores().samples()).isEqualTo(readable);
      assertThat(s.monitorErrors()).isEqualTo(30);
    }
  }

  @Test
  void scoreReaderThrowsAnError_itPropagates_afterTheSuccessIsCounted() {
    StackOverflowError thrown = new StackOverflowError("reader");
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Integer, Integer> monitor = registry
          .<Integer, Integer>monitorBuilder("ctr", "v1")
          .baseline(scoreBaseline()).prediction(PredictionSpec.score(v -> {
            if (v == 2) {
              throw thrown;
            }
            return v / 10.0;
          }))
          .build();
      Function<Integer, Integer> model = monitor.decorateFunction(i -> i);
      model.apply(1);
      assertThatThrownBy(() -> model.apply(2)).isSameAs(thrown);
      model.apply(3);
      ModelSnapshot s = monitor.snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(3);
      assertThat(s.totalLatency().count()).isEqualTo(3);
      assertThat(s.totalDrift().scores().samples()).isEqualTo(2);
      assertThat(s.inFlight()).isZero();
    }
  }
}
