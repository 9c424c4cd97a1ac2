package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class AsyncTest {

  private final FakeTicker ticker = new FakeTicker();
  private final MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build();
  private final ModelMonitor<String, Float> monitor = registry.monitor("remote-ranker", "v5");

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void completionStage_completedLater_isTimedToCompletion() {
    CompletableFuture<Float> pending = new CompletableFuture<>();
    Supplier<CompletionStage<Float>> call = monitor.decorateCompletionStage(() -> pending);

    CompletionStage<Float> returned = call.get();
    assertThat(returned).isSameAs(pending);
    assertThat(monitor.snapshot().inFlight()).isEqualTo(1);
    assertThat(monitor.snapshot().totalOutcomes().completed()).isZero();

    ticker.advance(Duration.ofMillis(40));
    pending.complete(0.3f);

    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalLatency().p50Nanos()).isBetween(39_600_000L, 40_400_000L);
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void completionStage_completedOnAnotherThread_isRecordedThere() throws Exception {
    ExecutorService executor = Executors.newSingleThreadExecutor();
    try {
      for (int i = 0; i < 100; i++) {
        CompletionStage<Float> stage = monitor.executeCompletionStage(
            () -> CompletableFuture.supplyAsync(() -> {
              ticker.advance(Duration.ofMillis(3));
              return 1f;
            }, executor));
        stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      }
    } finally {
      executor.shutdown();
    }
    // the callback runs right after the future completes; wait for the last one
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while ((monitor.snapshot().totalOutcomes().success() < 100
        || monitor.snapshot().inFlight() > 0) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(100);
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void completionStage_failed_countsErrorOfTheCauseType() {
    CompletableFuture<Float> pending = new CompletableFuture<>();
    CompletionStage<Float> returned = monitor.executeCompletionStage(() -> pending);
    // a dependent stage wraps the failure in CompletionException; the count names the cause
    CompletionStage<Float> dependent = returned.thenApply(f -> f * 2);
    IOException failure = new IOException("model server down");
    ticker.advance(Duration.ofMillis(7));
    pending.completeExceptionally(failure);

    assertThatThrownBy(() -> dependent.toCompletableFuture().join()).hasCause(failure);
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().errors()).isEqualTo(1);
    assertThat(s.totalOutcomes().errorsByType()).containsEntry("IOException", 1L);
    assertThat(s.totalLatency().maxNanos()).isBetween(6_930_000L, 7_070_000L);
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void completionStage_supplierThrows_propagatesSameInstanceAndCountsError() {
    IllegalStateException boom = new IllegalStateException("no connection");
    Supplier<CompletionStage<Float>> call = monitor.decorateCompletionStage(() -> {
      throw boom;
    });

    assertThatThrownBy(call::get).isSameAs(boom);
    assertThat(monitor.snapshot().totalOutcomes().errors()).isEqualTo(1);
    assertThat(monitor.snapshot().inFlight()).isZero();
  }

  @Test
  void completionStage_failedWithError_releasesButDoesNotCount() {
    CompletableFuture<Float> pending = new CompletableFuture<>();
    monitor.executeCompletionStage(() -> pending);
    pending.completeExceptionally(new StackOverflowError("deep"));
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().completed()).isZero();
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void completionStage_causeCycle_doesNotHang() {
    CompletableFuture<Float> pending = new CompletableFuture<>();
    monitor.executeCompletionStage(() -> pending);
    Throwable[] other = new Throwable[1];
    java.util.concurrent.CompletionException a = new java.util.concurrent.CompletionException(
        "a") {
      @Override
      public synchronized Throwable getCause() {
        return other[0];
      }
    };
    other[0] = new java.util.concurrent.ExecutionException("b", a); // a -> b -> a -> ...
    pending.completeExceptionally(a);
    assertThat(monitor.snapshot().totalOutcomes().errors()).isEqualTo(1);
  }

  @Test
  void completionStage_nullStage_isReturnedAndCountedAsInvalid() {
    assertThat(monitor.executeCompletionStage(() -> null)).isNull();
    assertThat(monitor.snapshot().monitorErrors()).isEqualTo(1);
    assertThat(monitor.snapshot().inFlight()).isZero();
  }
}
