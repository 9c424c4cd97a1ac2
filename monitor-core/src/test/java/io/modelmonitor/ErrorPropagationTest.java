package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ErrorPropagationTest {

  private final MonitorRegistry registry = MonitorRegistry.builder().build();
  private final ModelMonitor<float[], Float> monitor = registry.monitor("ctr", "v1");

  @AfterEach
  void close() {
    registry.close();
  }

  /** Stands in for ONNX Runtime's OrtException: a checked exception of the model's own. */
  static final class ModelException extends Exception {
    ModelException(String message) {
      super(message);
    }
  }

  @Test
  void decorateFunction_modelThrows_sameInstanceReachesCaller() {
    UncheckedIOException failure = new UncheckedIOException(new IOException("feature store"));
    Function<float[], Float> model = monitor.decorateFunction(x -> {
      throw failure;
    });

    assertThatThrownBy(() -> model.apply(new float[] {1f})).isSameAs(failure);
    assertThat(monitor.snapshot().totalOutcomes().errorsByType())
        .containsEntry("UncheckedIOException", 1L);
  }

  @Test
  void decorateCheckedFunction_keepsCheckedExceptionType() {
    ModelException failure = new ModelException("session closed");
    CheckedFunction<float[], Float, ModelException> session = x -> {
      if (x.length == 0) {
        throw failure;
      }
      return x[0];
    };
    CheckedFunction<float[], Float, ModelException> monitored =
        monitor.decorateCheckedFunction(session);

    try {
      monitored.apply(new float[0]);
    } catch (ModelException e) { // compiles only because the type E is preserved
      assertThat(e).isSameAs(failure);
    }
    try {
      assertThat(monitored.apply(new float[] {0.25f})).isEqualTo(0.25f);
    } catch (ModelException e) {
      throw new AssertionError(e);
    }
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalOutcomes().errorsByType()).containsEntry("ModelException", 1L);
  }

  @Test
  void checkedSupplier_throwsSameInstance() {
    ModelException failure = new ModelException("x");
    CheckedSupplier<Float, ModelException> s = monitor.decorateCheckedSupplier(() -> {
      throw failure;
    });
    assertThatThrownBy(s::get).isSameAs(failure);
  }

  @Test
  void error_passesThroughUntouched_notCountedAsOutcome_inFlightReleased() {
    StackOverflowError error = new StackOverflowError("deep model");
    Function<float[], Float> model = monitor.decorateFunction(x -> {
      throw error;
    });

    assertThatThrownBy(() -> model.apply(new float[1])).isSameAs(error);
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().completed()).isZero();
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void errorTypes_beyondCap_shareOther() throws Exception {
    MonitorConfig config = MonitorConfig.custom().maxErrorTypes(2).build();
    ModelMonitor<Integer, Integer> capped = registry.monitor("capped", "v1", config);
    List<RuntimeException> failures = List.of(new IllegalStateException(),
        new IllegalArgumentException(), new UnsupportedOperationException(),
        new ArithmeticException(), new IllegalStateException());
    for (RuntimeException failure : failures) {
      try {
        capped.executeFunction(i -> {
          throw failure;
        }, 1);
      } catch (RuntimeException expected) {
        assertThat(expected).isSameAs(failure);
      }
    }
    Outcomes o = capped.snapshot().totalOutcomes();
    assertThat(o.errors()).isEqualTo(5);
    assertThat(o.errorsByType()).containsExactly(
        java.util.Map.entry("IllegalStateException", 2L),
        java.util.Map.entry("IllegalArgumentException", 1L),
        java.util.Map.entry("other", 2L));
  }

  @Test
  void batch_recordsOneCallTheSizeAndPerItemLatency() {
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry timed = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<float[], Float> ranker = timed.monitor("ranker", "v1");
      Function<List<float[]>, List<Float>> batch = ranker.decorateBatchFunction(inputs -> {
        ticker.advanceNanos(3_000_000); // 3 ms for the whole batch
        return inputs.stream().map(x -> x[0]).collect(java.util.stream.Collectors.toList());
      });
      assertThat(batch.apply(List.of(new float[] {1f}, new float[] {2f}, new float[] {3f})))
          .containsExactly(1f, 2f, 3f);
      ranker.recordBatch(10_000_000, 100);
      assertThatThrownBy(() -> ranker.executeBatch(in -> {
        throw new IllegalStateException("batch failed");
      }, List.of(new float[1]))).isInstanceOf(IllegalStateException.class);

      ModelSnapshot s = ranker.snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(2);
      assertThat(s.totalOutcomes().errors()).isEqualTo(1);
      BatchSummary b = s.totalBatches();
      assertThat(b.batches()).isEqualTo(3);
      assertThat(b.items()).isEqualTo(104);
      assertThat(b.maxSize()).isEqualTo(100);
      assertThat(b.meanSize()).isCloseTo(104 / 3.0, org.assertj.core.data.Offset.offset(1e-9));
      // 3 ms / 3 items = 1 ms, 10 ms / 100 items = 0.1 ms, 0 ms / 1 item = 0
      assertThat(b.itemLatency().maxNanos()).isBetween(990_000L, 1_010_000L);
      assertThat(b.itemLatency().count()).isEqualTo(3);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> RuntimeException sneaky(Exception e) throws E {
    throw (E) e;
  }

  @Test
  void executeBatchFunctionSupplier_checkedExceptionThrownSneakily_countedAndSameInstance() {
    ModelException failure = new ModelException("native failure");
    assertThatThrownBy(() -> monitor.executeBatch(in -> {
      throw sneaky(failure);
    }, List.of(new float[1], new float[1]))).isSameAs(failure);
    assertThatThrownBy(() -> monitor.executeFunction(x -> {
      throw sneaky(failure);
    }, new float[1])).isSameAs(failure);
    assertThatThrownBy(() -> monitor.executeSupplier(() -> {
      throw sneaky(failure);
    })).isSameAs(failure);
    assertThatThrownBy(() -> monitor.decorateFunction(x -> {
      throw sneaky(failure);
    }).apply(new float[1])).isSameAs(failure);

    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().success()).isZero();
    assertThat(s.totalOutcomes().errors()).isEqualTo(4);
    assertThat(s.totalOutcomes().errorsByType()).containsEntry("ModelException", 4L);
    assertThat(s.totalBatches().batches()).isEqualTo(1);
    assertThat(s.totalBatches().items()).isEqualTo(2);
    assertThat(s.inFlight()).isZero();
  }
}
