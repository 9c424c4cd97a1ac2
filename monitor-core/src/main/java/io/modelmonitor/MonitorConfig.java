package io.modelmonitor;

import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.report.PredictionLogPolicy;
import io.modelmonitor.schema.SchemaPolicy;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The policy of one model monitor: histogram ranges and precision, export buckets and caps.
 *
 * <p>Immutable and thread-safe. Build one with {@link #custom()}, start from the defaults with
 * {@link #ofDefaults()}, or copy and change one with {@link #from(MonitorConfig)}. Every setter
 * validates its argument at once and names the bad value in the exception message.
 *
 * <p>Memory: each thread that calls a monitored model holds one latency histogram whose size
 * follows from {@link #latencyLowest()}, {@link #latencyHighest()} and
 * {@link #latencyPrecision()} (about 31 KiB at the defaults); the monitor itself holds two more
 * (the current window and since start).
 */
public final class MonitorConfig {

  private static final MonitorConfig DEFAULTS = new Builder().build();

  private final Duration latencyLowest;
  private final Duration latencyHighest;
  private final int latencyPrecision;
  private final List<Duration> latencyBuckets;
  private final int maxErrorTypes;
  private final int maxBatchSize;
  private final int maxThreadCells;
  private final SchemaPolicy schemaPolicy;
  private final Duration violationLogInterval;
  private final DriftPolicy drift;
  private final FeedbackPolicy feedback;
  private final int concurrencyLimit;
  private final PredictionLogPolicy predictionLog;

  private MonitorConfig(Builder b) {
    this.latencyLowest = b.latencyLowest;
    this.latencyHighest = b.latencyHighest;
    this.latencyPrecision = b.latencyPrecision;
    this.latencyBuckets = List.of(b.latencyBuckets);
    this.maxErrorTypes = b.maxErrorTypes;
    this.maxBatchSize = b.maxBatchSize;
    this.maxThreadCells = b.maxThreadCells;
    this.schemaPolicy = b.schemaPolicy;
    this.violationLogInterval = b.violationLogInterval;
    this.drift = b.drift;
    this.feedback = b.feedback;
    this.concurrencyLimit = b.concurrencyLimit;
    this.predictionLog = b.predictionLog;
  }

  /**
   * Returns the default configuration.
   *
   * @return the defaults: latency 1 ns to 60 s at 2 significant digits (relative error below 1%
   *     over the whole range, sub-microsecond scorers included), 16 export buckets from
   *     100 µs to 10 s, 16 error types, batches up to 100,000 items, 128 thread cells, schema
   *     policy OBSERVE, at most one violation log line per second
   */
  public static MonitorConfig ofDefaults() {
    return DEFAULTS;
  }

  /**
   * Returns a builder that starts from the defaults.
   *
   * @return a new builder
   */
  public static Builder custom() {
    return new Builder();
  }

  /**
   * Returns a builder that starts from {@code config}.
   *
   * @param config the configuration to copy
   * @return a new builder
   */
  public static Builder from(MonitorConfig config) {
    Objects.requireNonNull(config, "config");
    return new Builder()
        .latencyRange(config.latencyLowest, config.latencyHighest)
        .latencyPrecision(config.latencyPrecision)
        .latencyBuckets(config.latencyBuckets.toArray(new Duration[0]))
        .maxErrorTypes(config.maxErrorTypes)
        .maxBatchSize(config.maxBatchSize)
        .maxThreadCells(config.maxThreadCells)
        .schemaPolicy(config.schemaPolicy)
        .violationLogInterval(config.violationLogInterval)
        .drift(config.drift)
        .feedback(config.feedback)
        .concurrencyLimit(config.concurrencyLimit)
        .predictionLog(config.predictionLog);
  }

  /**
   * Returns the number of concurrent calls the model is provisioned for, or 0 when unknown.
   *
   * @return the limit behind {@code model.predictions.saturation}
   */
  public int concurrencyLimit() {
    return concurrencyLimit;
  }

  /**
   * Returns the smallest latency the histograms tell apart from zero.
   *
   * @return the lowest discernible latency
   */
  public Duration latencyLowest() {
    return latencyLowest;
  }

  /**
   * Returns the largest latency recorded as is; longer calls are recorded at this value and
   * counted as a monitor error of cause {@code value_out_of_range}.
   *
   * @return the highest trackable latency
   */
  public Duration latencyHighest() {
    return latencyHighest;
  }

  /**
   * Returns the number of significant decimal digits the latency histograms keep.
   *
   * @return 1 to 4
   */
  public int latencyPrecision() {
    return latencyPrecision;
  }

  /**
   * Returns the upper bounds of the exported latency histogram buckets ({@code le}), ascending.
   *
   * @return an unmodifiable, strictly ascending list; the {@code +Inf} bucket is implied
   */
  public List<Duration> latencyBuckets() {
    return latencyBuckets;
  }

  /**
   * Returns how many distinct exception types are counted apart; further types share the
   * {@code other} bucket so the number of tag values stays bounded.
   *
   * @return the cap, at least 1
   */
  public int maxErrorTypes() {
    return maxErrorTypes;
  }

  /**
   * Returns the largest batch size recorded as is; larger batches are recorded at this size.
   *
   * @return the cap, at least 1
   */
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /**
   * Returns how many threads get a recording cell of their own; further threads and virtual
   * threads share one cell whose writes are atomic (correct, somewhat slower under contention).
   * Each cell holds one latency histogram, so this bounds the monitor's memory.
   *
   * @return the cap, at least 1
   */
  public int maxThreadCells() {
    return maxThreadCells;
  }

  /**
   * Returns what the monitor does with inputs that violate its feature schema.
   *
   * @return the policy; {@link SchemaPolicy#OBSERVE} by default
   */
  public SchemaPolicy schemaPolicy() {
    return schemaPolicy;
  }

  /**
   * Returns the shortest time between two violation log lines under {@link SchemaPolicy#LOG}.
   *
   * @return the interval
   */
  public Duration violationLogInterval() {
    return violationLogInterval;
  }

  /**
   * Returns how drift against the baseline is judged and sampled.
   *
   * @return the policy; {@link DriftPolicy#DEFAULTS} by default
   */
  public DriftPolicy drift() {
    return drift;
  }

  /**
   * Returns how delayed feedback is joined and judged.
   *
   * @return the policy; {@link FeedbackPolicy#DEFAULTS} by default
   */
  public FeedbackPolicy feedback() {
    return feedback;
  }

  /**
   * Returns which calls the structured prediction log writes.
   *
   * @return the policy; {@link PredictionLogPolicy#OFF} by default
   */
  public PredictionLogPolicy predictionLog() {
    return predictionLog;
  }

  @Override
  public boolean equals(Object o) {
    if (this == o) {
      return true;
    }
    if (!(o instanceof MonitorConfig)) {
      return false;
    }
    MonitorConfig that = (MonitorConfig) o;
    return latencyPrecision == that.latencyPrecision
        && maxErrorTypes == that.maxErrorTypes
        && maxBatchSize == that.maxBatchSize
        && maxThreadCells == that.maxThreadCells
        && schemaPolicy == that.schemaPolicy
        && violationLogInterval.equals(that.violationLogInterval)
        && drift.equals(that.drift)
        && feedback.equals(that.feedback)
        && concurrencyLimit == that.concurrencyLimit
        && predictionLog.equals(that.predictionLog)
        && latencyLowest.equals(that.latencyLowest)
        && latencyHighest.equals(that.latencyHighest)
        && latencyBuckets.equals(that.latencyBuckets);
  }

  @Override
  public int hashCode() {
    return Objects.hash(latencyLowest, latencyHighest, latencyPrecision, latencyBuckets,
        maxErrorTypes, maxBatchSize, maxThreadCells, schemaPolicy, violationLogInterval, drift,
        feedback, concurrencyLimit, predictionLog);
  }

  @Override
  public String toString() {
    return "MonitorConfig{latency=" + latencyLowest + ".." + latencyHighest
        + ", precision=" + latencyPrecision + ", buckets=" + latencyBuckets
        + ", maxErrorTypes=" + maxErrorTypes + ", maxBatchSize=" + maxBatchSize
        + ", maxThreadCells=" + maxThreadCells + ", schemaPolicy=" + schemaPolicy
        + ", violationLogInterval=" + violationLogInterval + ", drift=" + drift
        + ", feedback=" + feedback + ", concurrencyLimit=" + concurrencyLimit
        + ", predictionLog=" + predictionLog + '}';
  }

  /** Builds a {@link MonitorConfig}. Not thread-safe; each setter validates at once. */
  public static final class Builder {

    private Duration latencyLowest = Duration.ofNanos(1);
    private Duration latencyHighest = Duration.ofSeconds(60);
    private int latencyPrecision = 2;
    private Duration[] latencyBuckets = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
        Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofMillis(2_500), Duration.ofSeconds(5),
        Duration.ofSeconds(10)};
    private int maxErrorTypes = 16;
    private int maxBatchSize = 100_000;
    private int maxThreadCells = 128;
    private SchemaPolicy schemaPolicy = SchemaPolicy.OBSERVE;
    private Duration violationLogInterval = Duration.ofSeconds(1);
    private DriftPolicy drift = DriftPolicy.DEFAULTS;
    private FeedbackPolicy feedback = FeedbackPolicy.DEFAULTS;
    private int concurrencyLimit;
    private PredictionLogPolicy predictionLog = PredictionLogPolicy.OFF;

    private Builder() {}

    /**
     * Sets how many concurrent calls the model is provisioned for (a thread pool's size, an
     * ONNX session pool, a rate limit): the monitor exports in-flight calls over this limit as
     * {@code model.predictions.saturation}, so "slow because saturated" shows at a glance.
     *
     * @param limit 1 to 1,000,000, or 0 for unknown (no saturation gauge); default 0
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder concurrencyLimit(int limit) {
      if (limit < 0 || limit > 1_000_000) {
        throw new IllegalArgumentException("concurrencyLimit must be 0..1000000: " + limit);
      }
      this.concurrencyLimit = limit;
      return this;
    }

    /**
     * Sets which calls the structured prediction log writes (see {@link PredictionLogPolicy}).
     *
     * @param policy the policy; default {@link PredictionLogPolicy#OFF}
     * @return this builder
     */
    public Builder predictionLog(PredictionLogPolicy policy) {
      this.predictionLog = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how delayed feedback is joined and judged.
     *
     * @param policy the policy; default {@link FeedbackPolicy#DEFAULTS}
     * @return this builder
     */
    public Builder feedback(FeedbackPolicy policy) {
      this.feedback = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how drift against the baseline is judged and sampled.
     *
     * @param policy the policy; default {@link DriftPolicy#DEFAULTS}
     * @return this builder
     */
    public Builder drift(DriftPolicy policy) {
      this.drift = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets how many threads get a recording cell of their own (see
     * {@link MonitorConfig#maxThreadCells()}).
     *
     * @param max 1 to 65,536; default 128
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxThreadCells(int max) {
      if (max < 1 || max > 65_536) {
        throw new IllegalArgumentException("maxThreadCells must be 1..65536: " + max);
      }
      this.maxThreadCells = max;
      return this;
    }

    /**
     * Sets what the monitor does with inputs that violate its feature schema.
     *
     * @param policy {@link SchemaPolicy#OBSERVE} (default), {@link SchemaPolicy#LOG} or
     *     {@link SchemaPolicy#REJECT}
     * @return this builder
     */
    public Builder schemaPolicy(SchemaPolicy policy) {
      this.schemaPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Sets the shortest time between two violation log lines under {@link SchemaPolicy#LOG}.
     *
     * @param interval 0 (every violating input) to 1 hour; default 1 second
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder violationLogInterval(Duration interval) {
      Objects.requireNonNull(interval, "interval");
      if (interval.isNegative() || interval.compareTo(Duration.ofHours(1)) > 0) {
        throw new IllegalArgumentException("violation log interval must be 0..1h: " + interval);
      }
      this.violationLogInterval = interval;
      return this;
    }

    /**
     * Sets the range of the latency histograms.
     *
     * @param lowest smallest latency told apart from zero; at least 1 ns; default 1 ns (values
     *     below {@code lowest * 10^precision} are only resolved to about {@code lowest})
     * @param highest largest latency recorded as is; at least twice {@code lowest}; default 60 s
     * @return this builder
     * @throws IllegalArgumentException if the range is invalid
     */
    public Builder latencyRange(Duration lowest, Duration highest) {
      Objects.requireNonNull(lowest, "lowest");
      Objects.requireNonNull(highest, "highest");
      if (lowest.toNanos() < 1) {
        throw new IllegalArgumentException("latency lowest must be >= 1ns: " + lowest);
      }
      if (highest.toNanos() < 2 * lowest.toNanos()) {
        throw new IllegalArgumentException(
            "latency highest must be >= 2 * lowest: lowest=" + lowest + ", highest=" + highest);
      }
      this.latencyLowest = lowest;
      this.latencyHighest = highest;
      return this;
    }

    /**
     * Sets the number of significant decimal digits of the latency histograms. Each extra digit
     * multiplies their memory by about ten.
     *
     * @param digits 1 to 4; default 2 (1% relative error)
     * @return this builder
     * @throws IllegalArgumentException if {@code digits} is out of range
     */
    public Builder latencyPrecision(int digits) {
      if (digits < 1 || digits > 4) {
        throw new IllegalArgumentException("latency precision must be 1..4 digits: " + digits);
      }
      this.latencyPrecision = digits;
      return this;
    }

    /**
     * Sets the upper bounds of the exported latency histogram buckets.
     *
     * @param upperBounds strictly ascending, positive durations
     * @return this builder
     * @throws IllegalArgumentException if empty, not ascending or not positive
     */
    public Builder latencyBuckets(Duration... upperBounds) {
      Objects.requireNonNull(upperBounds, "upperBounds");
      if (upperBounds.length == 0) {
        throw new IllegalArgumentException("latency buckets must not be empty");
      }
      Duration previous = Duration.ZERO;
      for (Duration bound : upperBounds) {
        Objects.requireNonNull(bound, "latency bucket bound");
        if (bound.compareTo(previous) <= 0) {
          throw new IllegalArgumentException("latency buckets must be positive and strictly "
              + "ascending: " + Arrays.toString(upperBounds));
        }
        previous = bound;
      }
      this.latencyBuckets = upperBounds.clone();
      return this;
    }

    /**
     * Sets how many exception types are counted apart before the rest share {@code other}.
     *
     * @param max 1 to 1,000; default 16
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder maxErrorTypes(int max) {
      if (max < 1 || max > 1_000) {
        throw new IllegalArgumentException("maxErrorTypes must be 1..1000: " + max);
      }
      this.maxErrorTypes = max;
      return this;
    }

    /**
     * Sets the largest batch size recorded as is.
     *
     * @param max at least 2; default 100,000
     * @return this builder
     * @throws IllegalArgumentException if below 2
     */
    public Builder maxBatchSize(int max) {
      if (max < 2) {
        throw new IllegalArgumentException("maxBatchSize must be >= 2: " + max);
      }
      this.maxBatchSize = max;
      return this;
    }

    /**
     * Builds the immutable configuration.
     *
     * @return the configuration
     * @throws IllegalArgumentException if the export buckets exceed the latency range
     */
    public MonitorConfig build() {
      Duration last = latencyBuckets[latencyBuckets.length - 1];
      if (last.compareTo(latencyHighest) > 0) {
        throw new IllegalArgumentException("largest latency bucket " + last
            + " exceeds the highest trackable latency " + latencyHighest);
      }
      return new MonitorConfig(this);
    }
  }
}
