package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertRules;
import io.modelmonitor.alert.Severity;
import io.modelmonitor.alert.Signal;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.alert.Silence;
import io.modelmonitor.alert.SinkStats;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The alert state machine on a fake ticker: pending, for, hysteresis, repeat, resolve, flapping,
 * minimum samples, warm-up, silences; and sinks that fail or hang without blocking anything.
 */
class AlertingTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);

  private final FakeTicker ticker = new FakeTicker();
  /** Wall clock that follows the fake ticker. */
  private final Clock clock = new Clock() {
    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.ofEpochSecond(1_700_000_000L).plusNanos(ticker.read());
    }
  };
  private final List<AlertEvent> received = new CopyOnWriteArrayList<>();
  private MonitorRegistry registry;
  private Function<Integer, Integer> model;

  private static final AlertRule HIGH_ERRORS = AlertRule.builder("HighErrors")
      .signal(Signals.errorRate()).above(0.10).clearBelow(0.05)
      .forDuration(Duration.ofSeconds(30)).repeatInterval(Duration.ofSeconds(60))
      .minSamples(10).severity(Severity.CRITICAL).label("team", "ranking")
      .description("{model} fails {value} of calls (threshold {threshold})").build();

  private void start(Duration warmUp, AlertRule... rules) {
    MonitorRegistry.Builder b = MonitorRegistry.builder().ticker(ticker).clock(clock)
        .reportingInterval(WINDOW).alertWarmUp(warmUp).commonTag("service", "search")
        .alertSink(received::add);
    for (AlertRule r : rules) {
      b.alertRule(r);
    }
    registry = b.build();
    ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");
    model = monitor.decorateFunction(x -> {
      if (x < 0) {
        throw new IllegalStateException("model failure");
      }
      return x;
    });
  }

  @AfterEach
  void close() {
    if (registry != null) {
      registry.close();
    }
  }

  /** One window of {@code calls} calls of which {@code errors} fail, then a tick. */
  private void window(int calls, int errors) {
    for (int i = 0; i < calls; i++) {
      try {
        model.apply(i < errors ? -1 : 1);
      } catch (IllegalStateException expected) {
        // the model's own exception
      }
    }
    ticker.advance(WINDOW);
    registry.tickNow();
  }

  private List<String> history() {
    return registry.alertHistory().stream()
        .map(e -> e.state() + (e.repeat() ? "(repeat)" : "") + (e.silenced() ? "(silenced)" : ""))
        .collect(Collectors.toList());
  }

  private static void await(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met in 20 s").isLessThan(deadline);
      try {
        Thread.sleep(1);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
  }

  @Test
  void pendingForFiringHysteresisRepeatResolved() {
    start(Duration.ZERO, HIGH_ERRORS);
    window(100, 20); // t=10s: breach starts, pending
    window(100, 20); // 20s
    window(100, 20); // 30s: pending for 20s < 30s
    assertThat(registry.alertHistory()).isEmpty();
    assertThat(registry.activeAlerts()).isEmpty();

    window(100, 20); // 40s: pending for 30s -> firing
    assertThat(history()).containsExactly("FIRING");
    AlertEvent firing = registry.alertHistory().get(0);
    assertThat(firing.rule()).isEqualTo("HighErrors");
    assertThat(firing.model()).isEqualTo("ctr");
    assertThat(firing.value()).isEqualTo(0.2);
    assertThat(firing.severity()).isEqualTo(Severity.CRITICAL);
    assertThat(firing.labels()).containsEntry("alertname", "HighErrors")
        .containsEntry("model", "ctr").containsEntry("version", "v1")
        .containsEntry("severity", "critical").containsEntry("team", "ranking")
        .containsEntry("service", "search").containsEntry("signal", "error_rate");
    assertThat(firing.description()).isEqualTo("ctr fails 0.2000 of calls (threshold 0.1000)");
    assertThat(firing.startsAt()).isEqualTo(clock.instant());
    assertThat(firing.endsAt()).isNull();
    assertThat(registry.activeAlerts()).hasSize(1);

    window(100, 20); // 50s: still breaching, no duplicate
    window(100, 7); // 60s: 7% is neither a breach nor below the 5% clear threshold: keeps firing
    window(100, 7); // 70s
    assertThat(history()).containsExactly("FIRING");
    assertThat(registry.activeAlerts()).singleElement()
        .satisfies(a -> assertThat(a.value()).isEqualTo(0.07));

    window(100, 20); // 80s
    window(100, 20); // 90s
    assertThat(history()).containsExactly("FIRING");
    window(100, 20); // 100s: 60s after the first send -> repeat
    assertThat(history()).containsExactly("FIRING", "FIRING(repeat)");

    window(100, 1); // 110s: 1% clears
    assertThat(history()).containsExactly("FIRING", "FIRING(repeat)", "RESOLVED");
    AlertEvent resolved = registry.alertHistory().get(2);
    assertThat(resolved.fingerprint()).isEqualTo(firing.fingerprint());
    assertThat(resolved.startsAt()).isEqualTo(firing.startsAt());
    assertThat(resolved.endsAt()).isEqualTo(clock.instant());
    assertThat(registry.activeAlerts()).isEmpty();

    window(100, 1);
    window(100, 1);
    assertThat(history()).hasSize(3);

    registry.close(); // drains the sink queue
    assertThat(received).containsExactlyElementsOf(registry.alertHistory());
  }

  @Test
  void flappingShorterThanForNeverFires() {
    start(Duration.ZERO, HIGH_ERRORS);
    for (int i = 0; i < 20; i++) {
      window(100, 30);
      window(100, 30);
      window(100, 30); // pending 20s, then
      window(100, 0); // recovers before 30s
    }
    assertThat(registry.alertHistory()).isEmpty();
  }

  @Test
  void windowsWithTooFewSamplesChangeNothing() {
    start(Duration.ZERO, HIGH_ERRORS);
    for (int i = 0; i < 10; i++) {
      window(9, 9); // 100% errors but below minSamples(10)
    }
    assertThat(registry.alertHistory()).isEmpty();
    window(100, 20);
    window(100, 20);
    window(100, 20);
    window(100, 20);
    assertThat(history()).containsExactly("FIRING");
    for (int i = 0; i < 3; i++) {
      window(5, 0); // too few to resolve on
    }
    assertThat(registry.activeAlerts()).hasSize(1);
    window(100, 0);
    assertThat(history()).containsExactly("FIRING", "RESOLVED");
  }

  @Test
  void keepFiringForHoldsAResolvingAlert() {
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1)
        .keepFiringFor(Duration.ofSeconds(25)).build();
    start(Duration.ZERO, rule);
    window(100, 50);
    assertThat(history()).containsExactly("FIRING");
    window(100, 0); // clear since 20s
    window(100, 0); // 10s clear
    window(100, 50); // breach again: the clear timer restarts
    window(100, 0);
    window(100, 0);
    window(100, 0);
    assertThat(history()).containsExactly("FIRING");
    window(100, 0); // 30s clear >= 25s
    assertThat(history()).containsExactly("FIRING", "RESOLVED");
  }

  @Test
  void nothingFiresDuringWarmUp() {
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    start(Duration.ofMinutes(1), rule);
    for (int i = 0; i < 6; i++) {
      window(100, 50); // 10s .. 60s: the model's first window closed at 10s
    }
    assertThat(registry.alertHistory()).isEmpty();
    window(100, 50); // 70s: a minute after the model was first seen
    assertThat(history()).containsExactly("FIRING");
  }

  @Test
  void silencedAlertsAreListedButNotDelivered() {
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    start(Duration.ZERO, rule);
    registry.silence(new Silence("Errors", "ctr", Map.of("team", "nobody"),
        clock.instant().plusSeconds(3600), "wrong label: matches nothing"));
    registry.silence(new Silence(null, "ctr", Map.of(), clock.instant().plusSeconds(25),
        "planned promotion"));
    window(100, 50); // 10s: silenced
    assertThat(history()).containsExactly("FIRING(silenced)");
    assertThat(registry.activeAlerts()).singleElement()
        .satisfies(a -> assertThat(a.silenced()).isTrue());
    window(100, 0); // 20s: resolved, still silenced
    window(100, 50); // 30s: the silence ended at 25s
    assertThat(history()).containsExactly("FIRING(silenced)", "RESOLVED(silenced)", "FIRING");
    assertThat(registry.silences()).hasSize(1);
    registry.close();
    assertThat(received).extracting(AlertEvent::silenced).containsExactly(false);
  }

  @Test
  void ruleNamesAreUniqueAndRulesValidateTheirThresholds() {
    assertThatThrownBy(() -> MonitorRegistry.builder().alertRule(HIGH_ERRORS)
        .alertRule(HIGH_ERRORS)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("HighErrors");
    assertThatThrownBy(() -> AlertRule.builder("X").signal(Signals.errorRate()).above(0.1)
        .clearBelow(0.2).build()).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertRule.builder("X").signal(Signals.errorRate()).build())
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> AlertRule.builder("bad name")).isInstanceOf(
        IllegalArgumentException.class);
    assertThat(AlertRules.defaults()).extracting(AlertRule::name).doesNotHaveDuplicates()
        .contains("ModelErrorRate", "ModelLatencyP99", "ModelFeatureDrift");
  }

  @Test
  void defaultRulesFireOnAFailingModel() {
    start(Duration.ZERO, AlertRules.defaults().toArray(AlertRule[]::new));
    for (int i = 0; i < 7; i++) {
      window(200, 40); // 20% errors for 70s; ModelErrorRate needs 1 minute
    }
    assertThat(registry.alertHistory()).extracting(AlertEvent::rule)
        .containsExactly("ModelErrorRate");
  }

  @Test
  void failingAndHangingSinksNeverBlockEvaluationOrCalls() {
    CountDownLatch never = new CountDownLatch(1);
    List<AlertEvent> good = new CopyOnWriteArrayList<>();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .meterRegistry(meters).alertWarmUp(Duration.ZERO).alertQueueCapacity(2)
        .alertRule(rule)
        .alertSink(e -> {
          throw new IllegalStateException("sink is down");
        })
        .alertSink(e -> never.await()) // hangs forever
        .alertSink(good::add)
        .build();
    ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");
    model = monitor.decorateFunction(x -> {
      if (x < 0) {
        throw new IllegalStateException("model failure");
      }
      return x;
    });
    assertTimeoutPreemptively(Duration.ofSeconds(60), () -> {
      for (int i = 1; i <= 10; i++) {
        window(100, 50); // fires
        window(100, 0); // resolves
        int events = 2 * i;
        // the healthy and the throwing sink keep up; only the hanging one falls behind
        await(() -> good.size() == events
            && registry.alertSinkStats().get(0).failed() == events);
      }
    });
    assertThat(monitor.snapshot().totalOutcomes().completed()).isEqualTo(2_000);
    assertThat(registry.alertHistory()).hasSize(20);

    assertTimeoutPreemptively(Duration.ofSeconds(30), registry::close);
    List<SinkStats> stats = registry.alertSinkStats();
    assertThat(stats).extracting(SinkStats::sink)
        .containsExactly("listener", "listener-2", "listener-3");
    assertThat(stats.get(0)).isEqualTo(new SinkStats("listener", 0, 20, 0, 0));
    // one event stuck in the sink (interrupted at close: failed), two queued and 17 refused at
    // once (dropped), the two queued dropped at close
    assertThat(stats.get(1)).isEqualTo(new SinkStats("listener-2", 0, 1, 19, 0));
    assertThat(meters.find(MetricNames.ALERT_DELIVERIES).meters()).isEmpty();
    assertThat(stats.get(2)).isEqualTo(new SinkStats("listener-3", 20, 0, 0, 0));
    assertThat(good).containsExactlyElementsOf(registry.alertHistory());
  }

  @Test
  void alertMetersAreExported() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .meterRegistry(meters).alertWarmUp(Duration.ZERO).alertRule(rule)
        .alertSink(received::add).build();
    model = registry.<Integer, Integer>monitor("ctr", "v1").decorateFunction(x -> {
      if (x < 0) {
        throw new IllegalStateException();
      }
      return x;
    });
    window(100, 50);
    assertThat(meters.get(MetricNames.ALERTS_FIRING).gauge().value()).isEqualTo(1.0);
    window(100, 0);
    assertThat(meters.get(MetricNames.ALERTS_FIRING).gauge().value()).isZero();
    await(() -> registry.alertSinkStats().get(0).delivered() == 2);
    assertThat(received).hasSize(2);
    assertThat(meters.get(MetricNames.ALERT_DELIVERIES).tag("sink", "listener")
        .tag("outcome", "delivered").functionCounter().count()).isEqualTo(2.0);
    registry.close();
    assertThat(meters.find(MetricNames.ALERTS_FIRING).gauge()).isNull();
  }

  @Test
  void noTrafficAtAllFiresAndAnyCallResolves() {
    AlertRule rule = AlertRule.builder("NoTraffic").signal(Signals.calls()).below(1)
        .forDuration(Duration.ofSeconds(20)).build();
    start(Duration.ZERO, rule);
    window(0, 0); // 10s: pending
    window(0, 0); // 20s
    assertThat(registry.alertHistory()).isEmpty();
    window(0, 0); // 30s: 20s without a call
    assertThat(history()).containsExactly("FIRING");
    window(1, 0);
    assertThat(history()).containsExactly("FIRING", "RESOLVED");
  }

  @Test
  void typedListenersGetFiringRepeatAndResolvedCallbacks() {
    List<String> calls = new CopyOnWriteArrayList<>();
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1)
        .repeatInterval(Duration.ofSeconds(20)).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .alertWarmUp(Duration.ZERO).alertRule(rule)
        .alertSink(new io.modelmonitor.alert.AlertListener() {
          @Override
          public void onFiring(AlertEvent e) {
            calls.add("firing " + e.rule());
          }

          @Override
          public void onRepeat(AlertEvent e) {
            calls.add("repeat " + e.rule());
          }

          @Override
          public void onResolved(AlertEvent e) {
            calls.add("resolved " + e.rule() + " " + (e.endsAt() != null));
          }
        }).build();
    model = registry.<Integer, Integer>monitor("ctr", "v1").decorateFunction(x -> {
      if (x < 0) {
        throw new IllegalStateException();
      }
      return x;
    });
    window(10, 5); // fires
    window(10, 5);
    window(10, 5); // 20s later: repeat
    window(10, 0); // resolves
    registry.close();
    assertThat(calls).containsExactly("firing Errors", "repeat Errors", "resolved Errors true");
  }

  @Test
  void perInputSignals_countTheRowsOfBatchCalls() {
    io.modelmonitor.schema.FeatureSchema<float[]> schema = io.modelmonitor.schema.FeatureSchema
        .forFloatArray("price").numeric("price", f -> f.range(0, 100)).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .build();
    ModelMonitor<float[], Float> monitor = registry.monitor("ranker", "v1", schema);
    java.util.List<float[]> batch = new java.util.ArrayList<>();
    for (int i = 0; i < 48; i++) {
      batch.add(new float[] {i < 12 ? -1 : 50}); // 12 of 48 rows out of range
    }
    for (int call = 0; call < 3; call++) { // 3 batch calls: 144 rows, 36 invalid
      monitor.executeBatch(rows -> java.util.Collections.nCopies(rows.size(), 0.5f), batch);
    }
    monitor.decorateFunction((float[] x) -> 0.5f).apply(new float[] {-1}); // 1 single, invalid
    ticker.advance(WINDOW);
    ModelSnapshot s = registry.tickNow().get("ranker");

    // 3 batch calls of 48 rows + 1 single call = 145 inputs, 37 of them invalid
    assertThat(s.windowViolations().invalidInputs()).isEqualTo(37);
    assertThat(Signals.invalidInputRate().samples(s)).isEqualTo(145);
    assertThat(Signals.invalidInputRate().value(s)).isEqualTo(37.0 / 145);
    assertThat(Signals.featureViolationRate("price").value(s)).isEqualTo(37.0 / 145);
  }

  @Test
  void signalsReadTheLastWindow() {
    io.modelmonitor.schema.FeatureSchema<float[]> schema = io.modelmonitor.schema.FeatureSchema
        .forFloatArray("price", "rank")
        .numeric("price", f -> f.range(0, 100)).numeric("rank", f -> f.range(1, 10)).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .build();
    ModelMonitor<float[], Float> monitor = registry.monitor("ranker", "v1", schema);
    Function<float[], Float> f = monitor.decorateFunction(x -> {
      ticker.advance(Duration.ofMillis((long) x[1])); // latency = rank milliseconds
      return 0.5f;
    });
    for (int i = 1; i <= 10; i++) {
      f.apply(new float[] {i <= 3 ? -1 : 50, i}); // 3 of 10 prices out of range
    }
    f.apply(new float[] {Float.NaN, 5}); // missing price
    ticker.advance(WINDOW);
    ModelSnapshot s = registry.tickNow().get("ranker");

    assertThat(Signals.calls().value(s)).isEqualTo(11);
    assertThat(Signals.featureViolationRate("price").value(s)).isEqualTo(4.0 / 11);
    assertThat(Signals.featureViolationRate("rank").value(s)).isZero();
    assertThat(Signals.featureViolationRate("rank").samples(s)).isEqualTo(11);
    assertThat(Signals.invalidInputRate().value(s)).isEqualTo(4.0 / 11);
    // latencies 1..10 ms and 5 ms: the maximum is exact; quantiles within the histogram's 1%
    assertThat(Signals.latencySeconds(1).value(s)).isCloseTo(0.010, org.assertj.core.data
        .Percentage.withPercentage(1));
    assertThat(Signals.latencySeconds(0.5).value(s)).isCloseTo(0.005, org.assertj.core.data
        .Percentage.withPercentage(1));
    assertThat(Signals.latencySeconds(0.5).samples(s)).isEqualTo(11);
    assertThat(Signals.latencySeconds(0.5).name()).isEqualTo("latency_p50_seconds");
    assertThatThrownBy(() -> Signals.latencySeconds(0.75))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Signals.saturation(4).value(s)).isZero();
    assertThat(Signals.heapUsedRatio().value(s)).isBetween(0.0, 1.0);
  }

  @Test
  void anAlertFiringUnderASilenceIsDeliveredWhenTheSilenceEnds() {
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    start(Duration.ZERO, rule);
    registry.silence(new Silence("Errors", null, Map.of(), clock.instant().plusSeconds(25),
        "deploy"));
    window(100, 50); // 11s: fires, silenced
    window(100, 50); // 21s
    window(100, 50); // 31s: the silence is over, still firing: the sinks hear of it now
    window(100, 50); // 41s: nothing new
    assertThat(history()).containsExactly("FIRING(silenced)", "FIRING");
    window(100, 0);
    assertThat(history()).containsExactly("FIRING(silenced)", "FIRING", "RESOLVED");
    registry.close();
    assertThat(received).extracting(AlertEvent::state)
        .containsExactly(AlertEvent.State.FIRING, AlertEvent.State.RESOLVED);
  }

  @Test
  void aDeliveredAlertThatResolvesUnderASilenceStillDeliversItsResolution() {
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    start(Duration.ZERO, rule);
    window(100, 50); // fires, delivered
    registry.silence(new Silence(null, "ctr", Map.of(), clock.instant().plusSeconds(3600),
        "maintenance"));
    window(100, 0); // resolves during the silence: the sinks were told it fired
    assertThat(history()).containsExactly("FIRING", "RESOLVED");
    registry.close();
    assertThat(received).extracting(AlertEvent::state)
        .containsExactly(AlertEvent.State.FIRING, AlertEvent.State.RESOLVED);
  }

  @Test
  void aPendingAlertRestartsItsForDurationAfterAWindowWithoutEvidence() {
    start(Duration.ZERO, HIGH_ERRORS); // for 30s, minSamples 10
    window(100, 20); // 10s: pending
    window(100, 20); // 20s
    window(0, 0); // no evidence: back to inactive
    window(100, 20); // pending again from here
    window(100, 20);
    window(100, 20);
    assertThat(registry.alertHistory()).isEmpty();
    window(100, 20); // 30s after the new breach
    assertThat(history()).containsExactly("FIRING");
  }

  @Test
  void aThrowingSignalSkipsOnlyItsOwnRule() {
    Signal broken = Signals.of("broken", s -> s.windowQuality().auc(), s -> 100); // no feedback
    AlertRule bad = AlertRule.builder("Broken").signal(broken).above(0.5).build();
    AlertRule good = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    start(Duration.ZERO, bad, good);
    window(100, 50);
    assertThat(history()).containsExactly("FIRING");
    assertThat(registry.activeAlerts()).extracting(AlertEvent::rule).containsExactly("Errors");
    registry.close();
    assertThat(received).extracting(AlertEvent::rule).containsExactly("Errors");
  }

  @Test
  void closeKeepsItsDeadlineEvenWhenTheFirstSinkIgnoresInterrupts() throws Exception {
    java.util.concurrent.atomic.AtomicBoolean release = new java.util.concurrent.atomic
        .AtomicBoolean();
    List<AlertEvent> good = new CopyOnWriteArrayList<>();
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    registry = MonitorRegistry.builder().ticker(ticker).clock(clock).reportingInterval(WINDOW)
        .alertWarmUp(Duration.ZERO).alertRule(rule)
        .alertSink(e -> {
          while (!release.get()) { // deaf to interrupts
            try {
              Thread.sleep(10);
            } catch (InterruptedException ignored) {
              // keeps going
            }
          }
        })
        .alertSink(good::add)
        .build();
    model = registry.<Integer, Integer>monitor("ctr", "v1").decorateFunction(x -> {
      if (x < 0) {
        throw new IllegalStateException();
      }
      return x;
    });
    try {
      window(100, 50);
      window(100, 0);
      long begin = System.nanoTime();
      assertTimeoutPreemptively(Duration.ofSeconds(20), registry::close);
      long tookMillis = (System.nanoTime() - begin) / 1_000_000;
      assertThat(tookMillis).as("close() waits 5 s plus a short grace").isLessThan(8_000);
      assertThat(good).hasSize(2);
    } finally {
      release.set(true);
    }
  }

  @Test
  void twoRegistriesWithAlertsCannotShareTheirAlertMeters() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    AlertRule rule = AlertRule.builder("Errors").signal(Signals.errorRate()).above(0.1).build();
    registry = MonitorRegistry.builder().meterRegistry(meters).alertRule(rule).build();
    assertThatThrownBy(() -> MonitorRegistry.builder().meterRegistry(meters).alertRule(rule)
        .build()).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(MetricNames.ALERTS_FIRING);
    try (MonitorRegistry other = MonitorRegistry.builder().meterRegistry(meters)
        .commonTag("registry", "b").alertRule(rule).build()) {
      assertThat(meters.find(MetricNames.ALERTS_FIRING).gauges()).hasSize(2);
    }
    assertThat(meters.find(MetricNames.ALERTS_FIRING).gauges()).hasSize(1);
  }

  @Test
  void ruleLabelsFollowPrometheusNamingAndCannotOverrideTheRulesOwn() {
    AlertRule.Builder b = AlertRule.builder("X");
    assertThatThrownBy(() -> b.label("team-name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.label("signal", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(b.label("team_name", "x")).isSameAs(b);
  }

  @Test
  void processCpuLoadIsOneReadingSharedByEveryRuleInAnEvaluation() {
    start(Duration.ZERO);
    window(10, 0);
    ModelSnapshot s = registry.find("ctr").orElseThrow().snapshot();
    Signal cpu = Signals.processCpuLoad();
    double first = cpu.value(s);
    assertThat(first).isBetween(0.0, 1.0);
    assertThat(cpu.value(s)).isEqualTo(first);
    assertThat(Signals.processCpuLoad().value(s)).isEqualTo(first);
  }
}
