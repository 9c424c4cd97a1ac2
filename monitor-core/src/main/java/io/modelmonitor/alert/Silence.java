package io.modelmonitor.alert;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * Mutes matching alerts until a point in time: for a planned promotion that will move the price
 * distribution, say. Silenced alerts keep their state and stay visible (marked silenced); they
 * are only not delivered to sinks.
 *
 * @param rule the alert name to match, or null for any
 * @param model the model to match, or null for any
 * @param labels labels an alert must all carry, possibly empty
 * @param until when the silence ends
 * @param comment why, for the people on call
 */
public record Silence(String rule, String model, Map<String, String> labels, Instant until,
    String comment) {

  /**
   * Creates the record after validating and copying its components.
   *
   * @param rule see {@link #rule()}
   * @param model see {@link #model()}
   * @param labels see {@link #labels()}
   * @param until see {@link #until()}
   * @param comment see {@link #comment()}
   */
  public Silence {
    labels = Map.copyOf(Objects.requireNonNull(labels, "labels"));
    Objects.requireNonNull(until, "until");
    comment = comment == null ? "" : comment;
  }

  /**
   * Returns whether this silence mutes {@code event} at {@code now}.
   *
   * @param event the alert event
   * @param now the current time
   * @return true if active and matching
   */
  public boolean matches(AlertEvent event, Instant now) {
    if (!now.isBefore(until)) {
      return false;
    }
    if (rule != null && !rule.equals(event.rule())) {
      return false;
    }
    if (model != null && !model.equals(event.model())) {
      return false;
    }
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (!e.getValue().equals(event.labels().get(e.getKey()))) {
        return false;
      }
    }
    return true;
  }
}
