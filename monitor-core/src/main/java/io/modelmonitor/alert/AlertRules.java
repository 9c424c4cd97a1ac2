package io.modelmonitor.alert;

import java.time.Duration;
import java.util.List;

/**
 * Ready-made alert rules for a ranking or click-through model: start with
 * {@link #defaults()} and add model-specific rules (a drift statistic on a key feature, say).
 * Every threshold below is a starting point; tune it to the model's own history.
 *
 * <table>
 *   <caption>The default rules</caption>
 *   <tr><th>Rule</th><th>Fires when</th><th>Clears when</th><th>Severity</th></tr>
 *   <tr><td>{@code ModelErrorRate}</td><td>errors &gt; 5% of calls for 1 min, 100+ calls per
 *       window</td><td>&lt; 2%</td><td>critical</td></tr>
 *   <tr><td>{@code ModelLatencyP99}</td><td>p99 &gt; 250 ms for 2 min, 100+ calls</td>
 *       <td>&lt; 200 ms</td><td>warning</td></tr>
 *   <tr><td>{@code ModelInvalidInputs}</td><td>invalid inputs &gt; 1% for 5 min, 100+ calls
 *       </td><td>&lt; 0.5%</td><td>warning</td></tr>
 *   <tr><td>{@code ModelFeatureDrift}</td><td>one or more features (or the prediction) at drift
 *       ALERT over the rolling window, for 10 min</td><td>none</td><td>warning</td></tr>
 *   <tr><td>{@code ModelStuckPredictions}</td><td>&gt; 50% of scores repeat the previous one,
 *       for 5 min, 100+ scores</td><td>&lt; 20%</td><td>critical</td></tr>
 *   <tr><td>{@code ModelNoTraffic}</td><td>no call at all in the windows of 10 min</td>
 *       <td>a call</td><td>warning</td></tr>
 *   <tr><td>{@code ModelQualityShift}</td><td>the Bernoulli CUSUM on delayed labels alarmed in
 *       the window</td><td>a window without alarm, kept 30 min</td><td>warning</td></tr>
 * </table>
 *
 * <p>Rules read windows, so a "for" duration shorter than the reporting interval means "the
 * first window that breaches".
 */
public final class AlertRules {

  private AlertRules() {}

  /**
   * Returns the default rules described in the class comment.
   *
   * @return an immutable list
   */
  public static List<AlertRule> defaults() {
    return List.of(
        AlertRule.builder("ModelErrorRate").signal(Signals.errorRate())
            .above(0.05).clearBelow(0.02).forDuration(Duration.ofMinutes(1)).minSamples(100)
            .severity(Severity.CRITICAL)
            .description("{model} fails {value} of its calls (threshold {threshold})").build(),
        AlertRule.builder("ModelLatencyP99").signal(Signals.latencyP99Seconds())
            .above(0.25).clearBelow(0.2).forDuration(Duration.ofMinutes(2)).minSamples(100)
            .description("{model} p99 latency is {value}s (threshold {threshold}s)").build(),
        AlertRule.builder("ModelInvalidInputs").signal(Signals.invalidInputRate())
            .above(0.01).clearBelow(0.005).forDuration(Duration.ofMinutes(5)).minSamples(100)
            .description("{value} of {model}'s inputs break its schema (threshold "
                + "{threshold})").build(),
        AlertRule.builder("ModelFeatureDrift").signal(Signals.driftedFeatures())
            .above(0.5).forDuration(Duration.ofMinutes(10))
            .description("{value} features of {model} drifted from the training baseline")
            .build(),
        AlertRule.builder("ModelStuckPredictions").signal(Signals.stuckShare())
            .above(0.5).clearBelow(0.2).forDuration(Duration.ofMinutes(5)).minSamples(100)
            .severity(Severity.CRITICAL)
            .description("{value} of {model}'s scores repeat the previous one: the model may "
                + "be stuck").build(),
        AlertRule.builder("ModelNoTraffic").signal(Signals.calls())
            .below(1).forDuration(Duration.ofMinutes(10))
            .description("{model} has served no call for 10 minutes").build(),
        AlertRule.builder("ModelQualityShift").signal(Signals.cusumAlarm())
            .above(0.5).keepFiringFor(Duration.ofMinutes(30)).minSamples(1)
            .description("the CUSUM on {model}'s delayed labels detected a shift in the "
                + "positive rate").build());
  }
}
