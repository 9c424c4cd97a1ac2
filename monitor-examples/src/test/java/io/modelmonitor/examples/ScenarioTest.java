package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.alert.AlertEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The whole demo scenario, default length, on a fast clock: every injected incident must be
 * caught by the alert meant for it, no alert may start firing in the normal and recovery
 * phases, and the alerts must reach the webhook receiver.
 */
class ScenarioTest {

  @Test
  void options_rateBelowWhatTheRulesNeed_rejected() {
    assertThat(RecommendationDemo.MIN_RATE).isEqualTo(60);
    RecommendationDemo.Options.parse(new String[] {"--rate=60"});
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecommendationDemo.Options.parse(
        new String[] {"--rate=59"})).hasMessageContaining("--rate must be 60..1000");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> RecommendationDemo.Options.parse(
        new String[] {"--fast", "--serve"})).hasMessageContaining("do not go together");
  }

  @Test
  void run_fastClock_everyIncidentCaughtByItsAlertAndNoFalseAlarm() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    RecommendationDemo.Run run;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      run = RecommendationDemo.run(RecommendationDemo.Options.parse(new String[] {"--fast"}),
          ScenarioClock.fast(), out);
    }
    String report = buffer.toString(StandardCharsets.UTF_8);
    Scenario.Result r = run.result();

    assertThat(r.detections()).extracting(Scenario.Detection::incident).containsExactly(
        "promotion", "upstream change", "latency regression", "model degradation");
    // the earliest possible alert: the incident's first 1-second window breaches, then the
    // 2-second pending period; the latest: plus the window(s) the signal looks at (one window
    // for the rate rules; the five-window rolling view for drift; for online AUC also the
    // 1-second attribution window before a shown item counts as not clicked)
    double[][] delayBounds = {{3.0, 3.0 + 5}, {3.0, 3.0 + 1}, {3.0, 3.0 + 1}, {3.0, 3.0 + 1 + 5}};
    for (int i = 0; i < r.detections().size(); i++) {
      Scenario.Detection d = r.detections().get(i);
      assertThat(d.detected()).as("%s detected; report:%n%s", d.incident(), report).isTrue();
      assertThat(d.delaySeconds()).as(d.incident()).isBetween(delayBounds[i][0],
          delayBounds[i][1]);
    }
    // the fast clock is deterministic: exactly these other alerts fire during the incidents
    // (the changed upstream's rows fail the model's schema check, so ctr's calls fail too)
    Scenario.Detection upstream = r.detections().get(1);
    assertThat(r.detections()).extracting(Scenario.Detection::alsoFired).containsExactly(
        List.of(), List.of(String.format(Locale.ROOT, "ModelErrorRate on ctr at %.1fs",
            upstream.firedSeconds())), List.of(), List.of());
    assertThat(r.falseAlarms()).as(report).isEmpty();
    // the promotion's discounts drifted (its prices and categories may too)
    assertThat(r.driftAlerts().get("promotion")).contains("discount");
    assertThat(r.driftAlerts().get("normal")).isEmpty();

    // every detecting alert reached the webhook receiver as firing, and was resolved by the end
    Set<String> firedAtWebhook = run.webhook().stream().filter(w -> w.state().equals("firing"))
        .map(w -> w.alert() + "/" + w.model()).collect(Collectors.toSet());
    Set<String> resolvedAtWebhook = run.webhook().stream()
        .filter(w -> w.state().equals("resolved")).map(w -> w.alert() + "/" + w.model())
        .collect(Collectors.toSet());
    String[] intended = {"ModelFeatureDrift/ctr", "ModelInvalidInputs/ctr",
        "ModelLatencyP99/recommender", "ModelAucDrop/ctr"};
    assertThat(firedAtWebhook).contains(intended);
    assertThat(resolvedAtWebhook).as(report).contains(intended);
    List<AlertEvent> firings = r.alerts().stream()
        .filter(a -> a.state() == AlertEvent.State.FIRING && !a.repeat()).toList();
    assertThat(run.webhook().stream().filter(w -> w.state().equals("firing")).count())
        .isEqualTo(firings.size());

    // the traffic went through the HTTP API, the shoppers clicked and bought
    assertThat(r.requests()).isEqualTo(70L * 100);
    assertThat(r.failedRequests()).isZero();
    assertThat(r.clicks()).isGreaterThan(r.requests() / 2);
    assertThat(r.purchases()).isPositive().isLessThan(r.clicks() / 4);
    assertThat(run.recommendation()).startsWith("{\"request\":\"r-").contains("\"score\":");
    assertThat(run.scrape())
        .contains("model_drift{feature=\"discount\"")
        .contains("model_input_violations_total{feature=\"brand_match\",kind=\"missing\"")
        .contains("model_feedback_total{")
        .contains("model_prediction_latency_seconds_bucket{");
    assertThat(report).contains("Incidents and the alerts that caught them")
        .contains("false alarms in the normal and recovery phases: none");
  }
}
