package io.modelmonitor.alert;

import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A condition on a {@link Signal} that turns into an alert, evaluated for every model (or the
 * models it names) each time a reporting window closes. States follow Prometheus' alerting
 * rules: inactive, pending while the condition has held for less than {@link #forDuration()},
 * firing, and resolved once the clear condition has held for {@link #keepFiringFor()}.
 *
 * <pre>{@code
 * AlertRule slow = AlertRule.builder("ModelLatencyHigh")
 *     .signal(Signals.latencyP99Seconds())
 *     .above(0.050).clearBelow(0.040)          // hysteresis
 *     .forDuration(Duration.ofMinutes(2))
 *     .minSamples(100)
 *     .severity(Severity.WARNING)
 *     .label("team", "recommendations")
 *     .description("p99 latency of {model} is {value}s (threshold {threshold}s)")
 *     .build();
 * }</pre>
 *
 * <p>Immutable.
 */
public final class AlertRule {

  private static final Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,99}");
  private static final Pattern LABEL = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,99}");

  private final String name;
  private final Signal signal;
  private final boolean above;
  private final double threshold;
  private final double clearThreshold;
  private final Duration forDuration;
  private final Duration keepFiringFor;
  private final Duration repeatInterval;
  private final long minSamples;
  private final Severity severity;
  private final Map<String, String> labels;
  private final String description;
  private final Set<String> models;

  private AlertRule(Builder b) {
    this.name = b.name;
    this.signal = b.signal;
    this.above = b.above;
    this.threshold = b.threshold;
    this.clearThreshold = Double.isNaN(b.clearThreshold) ? b.threshold : b.clearThreshold;
    this.forDuration = b.forDuration;
    this.keepFiringFor = b.keepFiringFor;
    this.repeatInterval = b.repeatInterval;
    this.minSamples = b.minSamples;
    this.severity = b.severity;
    this.labels = Collections.unmodifiableMap(new LinkedHashMap<>(b.labels));
    this.description = b.description;
    this.models = b.models == null ? Set.of() : Set.copyOf(b.models);
  }

  /**
   * Starts a rule.
   *
   * @param name the alert name: a letter, then letters, digits or underscores (Prometheus'
   *     {@code alertname} rules)
   * @return a builder
   */
  public static Builder builder(String name) {
    return new Builder(name);
  }

  /**
   * Returns the alert name.
   *
   * @return the name
   */
  public String name() {
    return name;
  }

  /**
   * Returns the watched signal.
   *
   * @return the signal
   */
  public Signal signal() {
    return signal;
  }

  /**
   * Returns whether the rule fires above (true) or below (false) its threshold.
   *
   * @return the direction
   */
  public boolean above() {
    return above;
  }

  /**
   * Returns the threshold the signal must cross to start the alert.
   *
   * @return the threshold
   */
  public double threshold() {
    return threshold;
  }

  /**
   * Returns the threshold the signal must come back past for the alert to clear (hysteresis);
   * equal to {@link #threshold()} unless set.
   *
   * @return the clear threshold
   */
  public double clearThreshold() {
    return clearThreshold;
  }

  /**
   * Returns how long the condition must hold before the alert fires.
   *
   * @return the pending period
   */
  public Duration forDuration() {
    return forDuration;
  }

  /**
   * Returns how long the clear condition must hold before a firing alert resolves.
   *
   * @return the recovery period
   */
  public Duration keepFiringFor() {
    return keepFiringFor;
  }

  /**
   * Returns how often a still-firing alert is sent again (0: never).
   *
   * @return the repeat interval
   */
  public Duration repeatInterval() {
    return repeatInterval;
  }

  /**
   * Returns the fewest observations for the rule to change state.
   *
   * @return the minimum
   */
  public long minSamples() {
    return minSamples;
  }

  /**
   * Returns the severity.
   *
   * @return the severity
   */
  public Severity severity() {
    return severity;
  }

  /**
   * Returns the static labels added to every alert of this rule.
   *
   * @return an unmodifiable map
   */
  public Map<String, String> labels() {
    return labels;
  }

  /**
   * Returns the description template; {@code {model}}, {@code {version}}, {@code {value}},
   * {@code {threshold}} and {@code {signal}} are filled in.
   *
   * @return the template
   */
  public String description() {
    return description;
  }

  /**
   * Returns whether the rule applies to model {@code name}.
   *
   * @param model the model name
   * @return true if the rule names no models or names this one
   */
  public boolean appliesTo(String model) {
    return models.isEmpty() || models.contains(model);
  }

  /**
   * Returns whether {@code value} breaches the threshold (strictly above, or below).
   *
   * @param value the signal's value
   * @return true if the alert condition holds
   */
  public boolean breaches(double value) {
    return above ? value > threshold : value < threshold;
  }

  /**
   * Returns whether {@code value} is back past the clear threshold.
   *
   * @param value the signal's value
   * @return true if a firing alert may resolve
   */
  public boolean clears(double value) {
    return above ? value <= clearThreshold : value >= clearThreshold;
  }

  @Override
  public String toString() {
    return "AlertRule{" + name + ": " + signal.name() + (above ? " > " : " < ") + threshold
        + " for " + forDuration + '}';
  }

  /** Builds an {@link AlertRule}. Not thread-safe; each setter validates at once. */
  public static final class Builder {

    private final String name;
    private Signal signal;
    private Boolean aboveSet;
    private boolean above;
    private double threshold;
    private double clearThreshold = Double.NaN;
    private Duration forDuration = Duration.ZERO;
    private Duration keepFiringFor = Duration.ZERO;
    private Duration repeatInterval = Duration.ofHours(4);
    private long minSamples = 1;
    private Severity severity = Severity.WARNING;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private String description = "{signal} of {model} is {value} (threshold {threshold})";
    private Set<String> models;

    private Builder(String name) {
      Objects.requireNonNull(name, "name");
      if (!NAME.matcher(name).matches()) {
        throw new IllegalArgumentException("alert names are a letter then letters, digits or "
            + "underscores: '" + name + "'");
      }
      this.name = name;
    }

    /**
     * Sets the watched signal.
     *
     * @param signal the signal
     * @return this builder
     */
    public Builder signal(Signal signal) {
      this.signal = Objects.requireNonNull(signal, "signal");
      return this;
    }

    /**
     * Fires while the signal is above {@code threshold}.
     *
     * @param threshold a finite threshold
     * @return this builder
     */
    public Builder above(double threshold) {
      return direction(true, threshold);
    }

    /**
     * Fires while the signal is below {@code threshold}.
     *
     * @param threshold a finite threshold
     * @return this builder
     */
    public Builder below(double threshold) {
      return direction(false, threshold);
    }

    private Builder direction(boolean above, double threshold) {
      if (!Double.isFinite(threshold)) {
        throw new IllegalArgumentException("threshold must be finite: " + threshold);
      }
      this.aboveSet = above;
      this.above = above;
      this.threshold = threshold;
      return this;
    }

    /**
     * Clears an {@link #above} alert only once the signal is at or below {@code clear}.
     *
     * @param clear at most the threshold
     * @return this builder
     */
    public Builder clearBelow(double clear) {
      this.clearThreshold = clear;
      return this;
    }

    /**
     * Clears a {@link #below} alert only once the signal is at or above {@code clear}.
     *
     * @param clear at least the threshold
     * @return this builder
     */
    public Builder clearAbove(double clear) {
      this.clearThreshold = clear;
      return this;
    }

    /**
     * Sets how long the condition must hold before firing.
     *
     * @param duration 0 or more; default 0 (fire on the first breaching window)
     * @return this builder
     */
    public Builder forDuration(Duration duration) {
      this.forDuration = nonNegative(duration, "for");
      return this;
    }

    /**
     * Sets how long the clear condition must hold before resolving.
     *
     * @param duration 0 or more; default 0
     * @return this builder
     */
    public Builder keepFiringFor(Duration duration) {
      this.keepFiringFor = nonNegative(duration, "keepFiringFor");
      return this;
    }

    /**
     * Sets how often a still-firing alert is re-sent.
     *
     * @param interval 0 (never) or more; default 4 hours
     * @return this builder
     */
    public Builder repeatInterval(Duration interval) {
      this.repeatInterval = nonNegative(interval, "repeatInterval");
      return this;
    }

    private static Duration nonNegative(Duration d, String what) {
      Objects.requireNonNull(d, what);
      if (d.isNegative()) {
        throw new IllegalArgumentException(what + " must not be negative: " + d);
      }
      return d;
    }

    /**
     * Sets the fewest observations for the rule to change state.
     *
     * @param samples at least 0; default 1
     * @return this builder
     */
    public Builder minSamples(long samples) {
      if (samples < 0) {
        throw new IllegalArgumentException("minSamples must be >= 0: " + samples);
      }
      this.minSamples = samples;
      return this;
    }

    /**
     * Sets the severity.
     *
     * @param severity the severity; default warning
     * @return this builder
     */
    public Builder severity(Severity severity) {
      this.severity = Objects.requireNonNull(severity, "severity");
      return this;
    }

    /**
     * Adds a static label.
     *
     * @param key the key: a letter or underscore, then letters, digits or underscores; not a
     *     reserved one ({@code alertname}, {@code model}, {@code version}, {@code severity},
     *     {@code signal})
     * @param value the value
     * @return this builder
     */
    public Builder label(String key, String value) {
      Objects.requireNonNull(key, "key");
      Objects.requireNonNull(value, "value");
      if (Set.of("alertname", "model", "version", "severity", "signal").contains(key)) {
        throw new IllegalArgumentException("label '" + key + "' is set by the rule itself");
      }
      if (!LABEL.matcher(key).matches()) {
        throw new IllegalArgumentException("label names are a letter or underscore, then "
            + "letters, digits or underscores (Prometheus' rules): '" + key + "'");
      }
      labels.put(key, value);
      return this;
    }

    /**
     * Sets the description template ({@code {model}}, {@code {version}}, {@code {value}},
     * {@code {threshold}}, {@code {signal}}).
     *
     * @param template the template
     * @return this builder
     */
    public Builder description(String template) {
      this.description = Objects.requireNonNull(template, "template");
      return this;
    }

    /**
     * Restricts the rule to some models.
     *
     * @param names model names; default every model
     * @return this builder
     */
    public Builder models(String... names) {
      this.models = Set.of(names);
      return this;
    }

    /**
     * Builds the rule.
     *
     * @return the rule
     * @throws IllegalStateException if the signal or direction is missing
     * @throws IllegalArgumentException if the clear threshold is on the wrong side
     */
    public AlertRule build() {
      if (signal == null || aboveSet == null) {
        throw new IllegalStateException("rule " + name + " needs a signal and above() or below()");
      }
      if (!Double.isNaN(clearThreshold) && (above ? clearThreshold > threshold
          : clearThreshold < threshold)) {
        throw new IllegalArgumentException("rule " + name + ": the clear threshold "
            + clearThreshold + " must be on the safe side of " + threshold);
      }
      return new AlertRule(this);
    }
  }
}
