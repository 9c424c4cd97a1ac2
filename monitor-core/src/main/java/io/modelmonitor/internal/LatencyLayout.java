package io.modelmonitor.internal;

import io.modelmonitor.MonitorConfig;
import org.HdrHistogram.Histogram;

/** The range and precision of every latency histogram of one monitor, in nanoseconds. */
final class LatencyLayout {

  final long lowestNanos;
  final long highestNanos;
  final int digits;

  LatencyLayout(MonitorConfig config) {
    this.lowestNanos = config.latencyLowest().toNanos();
    this.highestNanos = config.latencyHighest().toNanos();
    this.digits = config.latencyPrecision();
  }

  /** A fixed-size histogram: recording never resizes, so never allocates. */
  Histogram newHistogram() {
    return new Histogram(lowestNanos, highestNanos, digits);
  }

  /** A fixed-size histogram that many threads may record into at once. */
  Histogram newAtomicHistogram() {
    return new org.HdrHistogram.AtomicHistogram(lowestNanos, highestNanos, digits);
  }
}
