package io.modelmonitor.alert;

import io.modelmonitor.ModelSnapshot;

/**
 * A number an alert rule watches, read from a model's snapshot (or from the JVM), together with
 * how much evidence stands behind it. Implementations must be cheap and must not throw for
 * snapshots without the data they read: they report 0 samples instead.
 */
public interface Signal {

  /**
   * Returns the signal's name, used in descriptions and as the {@code signal} label.
   *
   * @return for example {@code latency_p99_seconds}
   */
  String name();

  /**
   * Returns the current value.
   *
   * @param snapshot the snapshot of the model the rule is evaluated for
   * @return the value; finite
   */
  double value(ModelSnapshot snapshot);

  /**
   * Returns how many observations stand behind {@link #value}; a rule with a minimum sample
   * count does not change state on fewer.
   *
   * @param snapshot the snapshot
   * @return the sample count
   */
  long samples(ModelSnapshot snapshot);
}
