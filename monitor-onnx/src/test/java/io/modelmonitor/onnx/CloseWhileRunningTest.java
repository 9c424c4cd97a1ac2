package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.MonitorRegistry;
import java.util.AbstractMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Closing while a call runs: a row whose {@code get} blocks on a latch holds a call inside the
 * session (the caller-supplied path of every call), deterministically, for as long as the test
 * wants. Close must not return, nor free the native session, until that call is done.
 */
class CloseWhileRunningTest {

  /** A ctr row that, on threads {@code blocks} accepts, waits in get() until released. */
  static final class BlockingRow extends AbstractMap<String, Object> {
    final CountDownLatch entered = new CountDownLatch(1);
    final CountDownLatch release = new CountDownLatch(1);
    private final Map<String, Object> row = new LinkedHashMap<>(
        Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3.0));
    private final Predicate<Thread> blocks;

    BlockingRow(Predicate<Thread> blocks) {
      this.blocks = blocks;
    }

    @Override
    public Object get(Object key) {
      if (blocks.test(Thread.currentThread())) {
        entered.countDown();
        boolean interrupted = false;
        while (true) { // uninterruptible, as native code is
          try {
            release.await();
            break;
          } catch (InterruptedException e) {
            interrupted = true;
          }
        }
        if (interrupted) {
          Thread.currentThread().interrupt();
        }
      }
      return row.get(key);
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
      return row.entrySet();
    }
  }

  private static Thread start(String name, ThrowingRunnable body, AtomicReference<Throwable> f) {
    Thread t = new Thread(() -> {
      try {
        body.run();
      } catch (Throwable e) {
        f.set(e);
      }
    }, name);
    t.start();
    return t;
  }

  interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void close_whileACallRuns_waitsForItAndTheCallCompletes() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
          MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
      double expected = ctr.score(Map.of("price", 12.5, "ctr_7d", 0.04, "position", 3.0));
      BlockingRow row = new BlockingRow(t -> t.getName().equals("caller"));
      AtomicReference<Throwable> failure = new AtomicReference<>();
      double[] score = new double[1];
      Thread caller = start("caller", () -> score[0] = ctr.scoreBatch(List.of(row, row))[1],
          failure);
      assertThat(row.entered.await(10, TimeUnit.SECONDS)).isTrue();
      Thread closer = start("closer", ctr::close, failure);

      closer.join(500);
      assertThat(closer.isAlive()).as("close returned while a call was running").isTrue();
      assertThatThrownBy(() -> ctr.score(Map.of("price", 1.0, "ctr_7d", 0.1, "position", 1.0)))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
      row.release.countDown();
      caller.join(10_000);
      closer.join(10_000);

      assertThat(failure.get()).isNull();
      assertThat(closer.isAlive()).isFalse();
      assertThat(score[0]).isEqualTo(expected);
      assertThat(ctr.monitor().snapshot().totalOutcomes().success()).isEqualTo(2);
    }
  }

  @Test
  void shadowClose_challengerRunningAndCallsQueued_queuedDroppedAndCloseWaitsForTheRunning()
      throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession v3 = MonitoredOnnxSession.open(registry, "ctr", "v3",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
        MonitoredOnnxSession v4 = MonitoredOnnxSession.open(registry, "ctr-shadow", "v4",
            MonitoredOnnxSessionTest.model("ctr_logreg_challenger.onnx"))) {
      ShadowOnnxSession shadow = ShadowOnnxSession.builder(v3, v4).queueCapacity(10).build();
      BlockingRow row = new BlockingRow(t -> t.getName().startsWith("modelmonitor-shadow"));
      shadow.score(row); // the champion scores at once; the challenger blocks on its thread
      assertThat(row.entered.await(10, TimeUnit.SECONDS)).isTrue();
      Map<String, Object> plain = Map.of("price", 50.0, "ctr_7d", 0.1, "position", 2.0);
      for (int i = 0; i < 3; i++) {
        shadow.score(plain); // queued behind the blocked call
      }
      AtomicReference<Throwable> failure = new AtomicReference<>();
      Thread closer = start("closer", shadow::close, failure);

      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
      while (shadow.comparison().dropped0() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(20); // close drops the queued calls after its 5 s drain
      }
      assertThat(shadow.comparison().dropped0()).isEqualTo(3);
      closer.join(300);
      assertThat(closer.isAlive()).as("close returned while the challenger ran").isTrue();
      row.release.countDown();
      closer.join(10_000);

      assertThat(closer.isAlive()).isFalse();
      assertThat(failure.get()).isNull();
      ShadowReport r = shadow.report();
      assertThat(r.comparedCalls()).isEqualTo(1);
      assertThat(r.droppedCalls()).isEqualTo(3);
      assertThat(r.failedCalls()).isZero();
      shadow.score(plain); // after close: the champion still scores, the challenger call drops
      assertThat(shadow.report().droppedCalls()).isEqualTo(4);
      assertThat(v4.monitor().snapshot().totalOutcomes().success()).isEqualTo(1);
    }
  }

  @Test
  void shadowClose_synchronous_laterChallengerCallsDropped() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession v3 = MonitoredOnnxSession.open(registry, "ctr", "v3",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
        MonitoredOnnxSession v4 = MonitoredOnnxSession.open(registry, "ctr-shadow", "v4",
            MonitoredOnnxSessionTest.model("ctr_logreg_challenger.onnx"))) {
      ShadowOnnxSession shadow = ShadowOnnxSession.builder(v3, v4).synchronous().build();
      Map<String, Object> plain = Map.of("price", 50.0, "ctr_7d", 0.1, "position", 2.0);
      shadow.score(plain);
      shadow.close();
      double champion = shadow.score(plain);

      assertThat(champion).isEqualTo(v3.score(plain));
      assertThat(shadow.report().comparedCalls()).isEqualTo(1);
      assertThat(shadow.report().droppedCalls()).isEqualTo(1);
      assertThat(v4.monitor().snapshot().totalOutcomes().success()).isEqualTo(1);
    }
  }
}
