package io.modelmonitor;

import java.time.Duration;

/**
 * Latency percentiles of a set of calls, in nanoseconds.
 *
 * <p>Percentiles come from an HdrHistogram and are exact up to the configured number of
 * significant digits ({@link MonitorConfig.Builder#latencyPrecision(int)}). When {@code count} is
 * 0 every value is 0, never NaN, so snapshots serialise to strict JSON.
 *
 * @param count number of recorded calls
 * @param meanNanos arithmetic mean
 * @param p50Nanos median
 * @param p90Nanos 90th percentile
 * @param p95Nanos 95th percentile
 * @param p99Nanos 99th percentile
 * @param p999Nanos 99.9th percentile
 * @param maxNanos largest recorded value
 */
public record LatencySummary(
    long count,
    double meanNanos,
    long p50Nanos,
    long p90Nanos,
    long p95Nanos,
    long p99Nanos,
    long p999Nanos,
    long maxNanos) {

  /** The summary of no calls: every value 0. */
  public static final LatencySummary EMPTY = new LatencySummary(0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Creates the record after validating its components.
   *
   * @param count see {@link #count()}
   * @param meanNanos see {@link #meanNanos()}
   * @param p50Nanos see {@link #p50Nanos()}
   * @param p90Nanos see {@link #p90Nanos()}
   * @param p95Nanos see {@link #p95Nanos()}
   * @param p99Nanos see {@link #p99Nanos()}
   * @param p999Nanos see {@link #p999Nanos()}
   * @param maxNanos see {@link #maxNanos()}
   */
  public LatencySummary {
    if (count < 0 || p50Nanos < 0 || p90Nanos < 0 || p95Nanos < 0 || p99Nanos < 0
        || p999Nanos < 0 || maxNanos < 0 || !(meanNanos >= 0) || Double.isInfinite(meanNanos)) {
      throw new IllegalArgumentException("latency values must be finite and >= 0: count=" + count
          + ", mean=" + meanNanos + ", max=" + maxNanos);
    }
  }

  /**
   * Returns the 99th percentile as a {@link Duration}.
   *
   * @return the 99th percentile
   */
  public Duration p99() {
    return Duration.ofNanos(p99Nanos);
  }

  /**
   * Returns the median as a {@link Duration}.
   *
   * @return the median
   */
  public Duration p50() {
    return Duration.ofNanos(p50Nanos);
  }

  /**
   * Returns the largest recorded value as a {@link Duration}.
   *
   * @return the maximum
   */
  public Duration max() {
    return Duration.ofNanos(maxNanos);
  }
}
