package io.modelmonitor;

import java.util.Map;

/**
 * How calls ended, over one window or since the monitor started.
 *
 * @param success calls that returned normally
 * @param errors calls that threw an exception (or whose stage completed exceptionally)
 * @param rejected calls refused before the model ran (for example by a schema REJECT policy)
 * @param errorsByType errors by exception type: the simple class name, or {@code other} for types
 *     beyond {@link MonitorConfig#maxErrorTypes()}; unmodifiable, iteration in first-seen order
 */
public record Outcomes(long success, long errors, long rejected, Map<String, Long> errorsByType) {

  /** No calls at all. */
  public static final Outcomes EMPTY = new Outcomes(0, 0, 0, Map.of());

  /**
   * Creates the record after validating its components.
   *
   * @param success see {@link #success()}
   * @param errors see {@link #errors()}
   * @param rejected see {@link #rejected()}
   * @param errorsByType see {@link #errorsByType()}
   */
  public Outcomes {
    if (success < 0 || errors < 0 || rejected < 0) {
      throw new IllegalArgumentException("counts must be >= 0: success=" + success
          + ", errors=" + errors + ", rejected=" + rejected);
    }
    errorsByType = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(errorsByType));
  }

  /**
   * Returns the calls that reached the model: {@code success + errors}.
   *
   * @return completed calls
   */
  public long completed() {
    return success + errors;
  }

  /**
   * Returns {@code errors / completed}, or 0 when nothing completed.
   *
   * @return the error ratio in [0, 1]
   */
  public double errorRatio() {
    long completed = completed();
    return completed == 0 ? 0 : (double) errors / completed;
  }
}
