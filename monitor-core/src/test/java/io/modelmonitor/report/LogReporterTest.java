package io.modelmonitor.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.alert.Severity;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.testing.CapturedLog;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LogReporterTest {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final MonitorRegistry registry = MonitorRegistry.builder().ticker(nanos::get).build();

  @AfterEach
  void close() {
    registry.close();
  }

  /** The key=value pairs of a line, in order. */
  private static Map<String, String> pairs(String line) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String pair : line.split(" ")) {
      int eq = pair.indexOf('=');
      assertThat(eq).as("pair %s", pair).isPositive();
      assertThat(out.put(pair.substring(0, eq), pair.substring(eq + 1))).isNull();
    }
    return out;
  }

  /** 8 successes of 1 ms and 2 errors of 3 ms in a 10-second window; one call left in flight. */
  private ModelSnapshot tenCalls(ModelMonitor<Integer, Float> monitor) {
    Function<Integer, Float> model = monitor.decorateFunction(x -> {
      nanos.addAndGet(x < 0 ? 3_000_000 : 1_000_000);
      if (x < 0) {
        throw new IllegalStateException("down");
      }
      return 0.5f;
    });
    for (int i = 0; i < 10; i++) {
      try {
        model.apply(i < 8 ? i : -i);
      } catch (IllegalStateException expected) {
        // counted as an error
      }
    }
    monitor.start(); // in flight at the window's close
    nanos.addAndGet(10_000_000_000L - 14_000_000L); // the window lasts exactly 10 s
    return registry.tickNow().get(monitor.name());
  }

  @Test
  void format_plainMonitor_writesOutcomesRatesAndLatency() {
    ModelSnapshot s = tenCalls(registry.monitor("ctr", "v7"));
    Map<String, String> p = pairs(LogReporter.format(s, -1));
    assertThat(p.keySet()).containsExactly("model", "version", "window_s", "calls",
        "rate_per_s", "errors", "error_rate", "p50_ms", "p99_ms", "in_flight", "invalid_inputs");
    assertThat(p.get("model")).isEqualTo("ctr");
    assertThat(p.get("version")).isEqualTo("v7");
    assertThat(p.get("window_s")).isEqualTo("10.000");
    assertThat(p.get("calls")).isEqualTo("10");
    assertThat(p.get("rate_per_s")).isEqualTo("1.00");
    assertThat(p.get("errors")).isEqualTo("2");
    assertThat(p.get("error_rate")).isEqualTo("0.2000");
    // exact latencies 1 ms (8 calls) and 3 ms (2 calls); the histogram keeps 2 digits (1%)
    assertThat(Double.parseDouble(p.get("p50_ms"))).isCloseTo(1.0, within(0.01));
    assertThat(Double.parseDouble(p.get("p99_ms"))).isCloseTo(3.0, within(0.03));
    assertThat(p.get("in_flight")).isEqualTo("1");
    assertThat(p.get("invalid_inputs")).isEqualTo("0");
  }

  @Test
  void format_driftAndFeedbackAndAlerts_addTheirPairs() {
    ModelMonitor<Integer, Float> monitor = registry.<Integer, Float>monitorBuilder("ctr", "v7")
        .prediction(PredictionSpec.score(Float::doubleValue))
        .requestId(x -> x)
        .config(MonitorConfig.custom()
            .feedback(FeedbackPolicy.DEFAULTS.withImplicitNegatives(false)).build())
        .build();
    Function<Integer, Float> model = monitor.decorateFunction(x -> x % 2 == 0 ? 0.25f : 0.75f);
    for (int id = 0; id < 4; id++) {
      model.apply(id);
    }
    monitor.feedback(0, false);
    monitor.feedback(1, true);
    monitor.feedback(2, false);
    monitor.feedback(3, true);
    nanos.addAndGet(10_000_000_000L);
    ModelSnapshot s = registry.tickNow().get("ctr");
    FeatureDrift price = new FeatureDrift("price", 500, 1_000, 0, 1, 0.5,
        Map.of(DriftStatistic.PSI, 0.31), DriftStatistic.PSI, DriftStatus.ALERT);
    FeatureDrift country = new FeatureDrift("country", 500, 1_000, 0, 0, 0,
        Map.of(DriftStatistic.L_INFINITY, 0.2), DriftStatistic.L_INFINITY, DriftStatus.WARN);
    ModelSnapshot drifted = new ModelSnapshot(s.model(), s.version(), s.timestamp(), s.window(),
        s.uptime(), s.windowOutcomes(), s.totalOutcomes(), s.windowLatency(), s.totalLatency(),
        s.windowBatches(), s.totalBatches(), s.windowViolations(), s.totalViolations(),
        new DriftReport(List.of(country, price), null, List.of(), null), s.rollingDrift(),
        s.totalDrift(), s.windowRecommendations(), s.windowQuality(), s.rollingQuality(),
        s.totalQuality(), s.inFlight(), s.monitorErrors(), s.windowStages(), s.totalStages(),
        s.info());

    Map<String, String> p = pairs(LogReporter.format(drifted, 2));
    assertThat(p.get("drift")).isEqualTo("ALERT");
    assertThat(p.get("drift_feature")).isEqualTo("price");
    assertThat(p.get("labelled")).isEqualTo("4");
    assertThat(p.get("positive_rate")).isEqualTo("0.5000");
    // calibration = sum of scores / positives = (0.25 + 0.75 + 0.25 + 0.75) / 2
    assertThat(p.get("calibration")).isEqualTo("1.0000");
    assertThat(p.get("firing_alerts")).isEqualTo("2");

    Map<String, String> ok = pairs(LogReporter.format(s, -1));
    assertThat(ok).doesNotContainKeys("drift", "drift_feature", "firing_alerts");
  }

  @Test
  void onSnapshot_logsOneLinePerModelViaSlf4j_countingOnlyThatModelsAlerts() {
    AlertEvent ctrAlert = new AlertEvent("HighErrors", "ctr", "v7", AlertEvent.State.FIRING,
        false, Severity.CRITICAL, 0.2, 0.1, Map.of("alertname", "HighErrors", "model", "ctr"),
        "ctr fails", Instant.parse("2026-11-29T10:00:00Z"), null, "fp-1", false);
    AlertEvent otherAlert = new AlertEvent("HighErrors", "search", "v1",
        AlertEvent.State.FIRING, false, Severity.CRITICAL, 0.2, 0.1,
        Map.of("alertname", "HighErrors", "model", "search"), "search fails",
        Instant.parse("2026-11-29T10:00:00Z"), null, "fp-2", false);
    registry.addSnapshotListener(new LogReporter(() -> List.of(ctrAlert, otherAlert)));
    ModelMonitor<Integer, Float> ctr = registry.monitor("ctr", "v7");
    ModelMonitor<Integer, Float> idle = registry.monitor("idle", "v1");
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      tenCalls(ctr);
      lines = log.info(LogReporter.LOGGER_NAME);
    }
    assertThat(lines).hasSize(2);
    Map<String, String> ctrLine = lines.stream().map(LogReporterTest::pairs)
        .filter(p -> p.get("model").equals("ctr")).findFirst().orElseThrow();
    Map<String, String> idleLine = lines.stream().map(LogReporterTest::pairs)
        .filter(p -> p.get("model").equals(idle.name())).findFirst().orElseThrow();
    assertThat(ctrLine.get("calls")).isEqualTo("10");
    assertThat(ctrLine.get("firing_alerts")).isEqualTo("1");
    assertThat(idleLine.get("calls")).isEqualTo("0");
    assertThat(idleLine.get("firing_alerts")).isEqualTo("0");
  }

  @Test
  void create_withRegistry_countsTheAlertsFiringForTheWindowItDescribes() {
    try (MonitorRegistry alerting = MonitorRegistry.builder().ticker(nanos::get)
        .alertWarmUp(Duration.ZERO)
        .alertRule(AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build())
        .build();
        CapturedLog log = new CapturedLog()) {
      alerting.addSnapshotListener(LogReporter.create(alerting));
      alerting.addSnapshotListener(LogReporter.create());
      ModelMonitor<Integer, Float> ctr = alerting.monitor("ctr", "v7");
      ctr.recordFailure(1_000_000, new IllegalStateException("down"));
      alerting.tickNow(); // the rule fires, then the listeners see it
      alerting.tickNow(); // an empty window is no evidence: still firing
      List<String> lines = log.info(LogReporter.LOGGER_NAME);
      assertThat(lines).hasSize(4);
      assertThat(pairs(lines.get(0)).get("firing_alerts")).isEqualTo("1");
      assertThat(pairs(lines.get(1))).doesNotContainKey("firing_alerts");
      assertThat(pairs(lines.get(2)).get("firing_alerts")).isEqualTo("1");
      assertThat(alerting.activeAlerts()).hasSize(1);
    }
  }
}
