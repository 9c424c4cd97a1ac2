package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.alert.AlertEvent;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
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
    for (Scenario.Detection d : r.detections()) {
      assertThat(d.detected()).as("%s detected; report:%n%s", d.incident(), report).isTrue();
      assertThat(d.rule()).isEqualTo(d.intendedRule());
      assertThat(d.model()).isEqualTo(d.intendedModel());
      // pending for 2 s after the first breaching window; quality waits for the 1-second
      // attribution window on top; nothing is caught before its incident starts
      assertThat(d.delaySeconds()).as(d.incident()).isBetween(2.0, 12.0);
    }
    assertThat(r.falseAlarms()).as(report).isEmpty();

    // every detecting alert reached the webhook receiver as firing, and was resolved by the end
    Set<String> firedAtWebhook = run.webhook().stream().filter(w -> w.state().equals("firing"))
        .map(w -> w.alert() + "/" + w.model()).collect(Collectors.toSet());
    assertThat(firedAtWebhook).contains("ModelFeatureDrift/ctr", "ModelInvalidInputs/ctr",
        "ModelLatencyP99/recommender", "ModelAucDrop/ctr");
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
