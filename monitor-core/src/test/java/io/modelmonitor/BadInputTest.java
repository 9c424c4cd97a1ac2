package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BadInputTest {

  private final FakeTicker ticker = new FakeTicker();
  private final MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build();
  private final ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void decorate_nullFunction_failsAtBuildTimeWithClearMessage() {
    assertThatThrownBy(() -> monitor.decorateFunction(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("function");
    assertThatThrownBy(() -> monitor.decorateSupplier(null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("supplier");
    assertThatThrownBy(() -> monitor.decorateCompletionStage(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> monitor.decorateBatchFunction(null))
        .isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> monitor.decorateCheckedFunction(null))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void monitor_sameNameOtherVersion_isRejected() {
    assertThatThrownBy(() -> registry.monitor("ctr", "v2"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'ctr'").hasMessageContaining("'v1'").hasMessageContaining("'v2'");
    assertThat(registry.<Integer, Integer>monitor("ctr", "v1")).isSameAs(monitor);
  }

  @Test
  void monitor_sameNameOtherConfig_isRejected() {
    MonitorConfig other = MonitorConfig.custom().latencyPrecision(3).build();
    assertThatThrownBy(() -> registry.monitor("ctr", "v1", other))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("configuration");
  }

  @Test
  void monitor_invalidNames_areRejected() {
    assertThatThrownBy(() -> registry.monitor("", "v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("model name");
    assertThatThrownBy(() -> registry.monitor("ctr model", "v1"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'ctr model'");
    assertThatThrownBy(() -> registry.monitor("ctr", null))
        .isInstanceOf(NullPointerException.class).hasMessageContaining("model version");
  }

  @Test
  void monitor_afterClose_isRejected() {
    registry.close();
    assertThatThrownBy(() -> registry.monitor("late", "v1"))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
  }

  @Test
  void record_negativeOrNullDurations_areCountedAndIgnored() {
    monitor.record(-5);
    monitor.record((Duration) null);
    monitor.record(Duration.ofMillis(-1));
    monitor.recordFailure(-1, new IllegalStateException());
    monitor.recordBatch(-1, 3);
    monitor.recordBatch(1_000, -3);
    monitor.record(1_000);

    ModelSnapshot s = monitor.snapshot();
    assertThat(s.monitorErrors()).isEqualTo(6);
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalOutcomes().errors()).isZero();
    assertThat(s.totalBatches().batches()).isZero();
  }

  @Test
  void record_aboveHighest_isClampedAndCounted() {
    monitor.record(Duration.ofMinutes(5));
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalLatency().maxNanos())
        .isBetween(59_000_000_000L, 61_000_000_000L); // the configured highest, 60 s
    assertThat(s.monitorErrors()).isEqualTo(1);
  }

  @Test
  void tickerGoingBackwards_callSucceeds_sampleCountedAsInvalid() {
    Function<Integer, Integer> model = monitor.decorateFunction(i -> {
      ticker.advanceNanos(-1_000);
      return i * 2;
    });
    assertThat(model.apply(21)).isEqualTo(42);
    ModelSnapshot s = monitor.snapshot();
    assertThat(s.totalOutcomes().completed()).isZero();
    assertThat(s.monitorErrors()).isEqualTo(1);
    assertThat(s.inFlight()).isZero();
  }

  @Test
  void brokenTicker_neverReachesTheCall() {
    Ticker broken = () -> {
      throw new IllegalStateException("clock source gone");
    };
    // the registry reads its ticker when a monitor is created; break it only afterwards
    boolean[] fail = {false};
    Ticker flaky = () -> fail[0] ? broken.read() : 0L;
    try (MonitorRegistry r = MonitorRegistry.builder().ticker(flaky).build()) {
      ModelMonitor<Integer, Integer> m = r.monitor("ctr", "v1");
      fail[0] = true;
      assertThat(m.executeFunction(i -> i + 1, 1)).isEqualTo(2);
      fail[0] = false;
      ModelSnapshot s = m.snapshot();
      assertThat(s.monitorErrors()).isGreaterThanOrEqualTo(1);
      assertThat(s.totalOutcomes().completed()).isZero();
      assertThat(s.inFlight()).isZero();
    }
  }

  @Test
  void config_badValues_failWithTheValueInTheMessage() {
    assertThatThrownBy(() -> MonitorConfig.custom().latencyPrecision(7))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("7");
    assertThatThrownBy(() -> MonitorConfig.custom()
        .latencyRange(Duration.ofMillis(1), Duration.ofNanos(1_500_000)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.0015S");
    assertThatThrownBy(() -> MonitorConfig.custom()
        .latencyBuckets(Duration.ofMillis(5), Duration.ofMillis(2)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ascending");
    assertThatThrownBy(() -> MonitorConfig.custom().maxErrorTypes(0))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0");
    assertThatThrownBy(() -> MonitorConfig.custom()
        .latencyRange(Duration.ofNanos(1_000), Duration.ofSeconds(1)).build())
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("exceeds");
    assertThatThrownBy(() -> MonitorRegistry.builder().reportingInterval(Duration.ofMillis(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("PT0.001S");
    assertThatThrownBy(() -> MonitorRegistry.builder().commonTag("model", "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reserved");
  }

  @Test
  void config_fromCopy_isEqual() {
    MonitorConfig custom = MonitorConfig.custom().latencyPrecision(3).maxErrorTypes(4).build();
    assertThat(MonitorConfig.from(custom).build()).isEqualTo(custom)
        .hasSameHashCodeAs(custom);
    assertThat(MonitorConfig.ofDefaults().latencyBuckets()).hasSize(16);
  }

  @Test
  void aNullInputUnderRejectIsRejectedCleanly() {
    io.modelmonitor.schema.FeatureSchema<float[]> schema = io.modelmonitor.schema.FeatureSchema
        .forFloatArray("a").build();
    ModelMonitor<float[], Float> strict = registry.monitor("strict", "v1", schema,
        MonitorConfig.custom().schemaPolicy(io.modelmonitor.schema.SchemaPolicy.REJECT)
            .concurrencyLimit(4).build());
    java.util.function.Function<float[], Float> model = strict.decorateFunction(x -> x[0]);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> model.apply(null))
        .isInstanceOf(io.modelmonitor.schema.SchemaViolationException.class);
    ModelSnapshot s = strict.snapshot();
    org.assertj.core.api.Assertions.assertThat(s.inFlight()).isZero();
    org.assertj.core.api.Assertions.assertThat(s.totalOutcomes().rejected()).isEqualTo(1);
  }
}
