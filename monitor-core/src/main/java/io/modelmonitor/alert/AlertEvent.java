package io.modelmonitor.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * One notification: an alert started firing, is still firing (a repeat), or resolved.
 *
 * @param rule the alert name
 * @param model the model name
 * @param version the model version
 * @param state firing or resolved
 * @param repeat whether this re-sends a still-firing alert
 * @param severity the severity
 * @param value the signal's value when the event was made
 * @param threshold the rule's threshold
 * @param labels every label: {@code alertname}, {@code model}, {@code version},
 *     {@code severity}, {@code signal}, the rule's and the registry's own
 * @param description the filled-in description
 * @param startsAt when the alert started firing
 * @param endsAt when it resolved, or null while firing
 * @param fingerprint a stable id of the alert (rule and model), the same across its events
 * @param silenced whether a silence matched: listed, not delivered
 */
public record AlertEvent(String rule, String model, String version, State state, boolean repeat,
    Severity severity, double value, double threshold, Map<String, String> labels,
    String description, Instant startsAt, Instant endsAt, String fingerprint, boolean silenced) {

  /** What an event announces. */
  public enum State {
    /** The alert fires. */
    FIRING,
    /** The alert resolved. */
    RESOLVED
  }

  /**
   * Creates the record after validating and copying its components.
   *
   * @param rule see {@link #rule()}
   * @param model see {@link #model()}
   * @param version see {@link #version()}
   * @param state see {@link #state()}
   * @param repeat see {@link #repeat()}
   * @param severity see {@link #severity()}
   * @param value see {@link #value()}
   * @param threshold see {@link #threshold()}
   * @param labels see {@link #labels()}
   * @param description see {@link #description()}
   * @param startsAt see {@link #startsAt()}
   * @param endsAt see {@link #endsAt()}
   * @param fingerprint see {@link #fingerprint()}
   * @param silenced see {@link #silenced()}
   */
  public AlertEvent {
    Objects.requireNonNull(rule, "rule");
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(state, "state");
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    Objects.requireNonNull(startsAt, "startsAt");
    Objects.requireNonNull(fingerprint, "fingerprint");
  }

  /**
   * Returns this event with another silenced flag.
   *
   * @param silenced whether a silence kept it from the sinks
   * @return a copy, or this event if the flag is unchanged
   */
  public AlertEvent withSilenced(boolean silenced) {
    return silenced == this.silenced ? this : new AlertEvent(rule, model, version, state, repeat,
        severity, value, threshold, labels, description, startsAt, endsAt, fingerprint,
        silenced);
  }
}
