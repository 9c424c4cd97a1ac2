package io.modelmonitor.internal;

import org.HdrHistogram.Histogram;

/**
 * What one thread recorded during one interval: latency histogram and outcome counts.
 *
 * <p>Not thread-safe on its own: it is written by exactly one thread while it is a cell's active
 * interval, and read and reset only by the drainer after {@link RecordingCell#swap} has flipped
 * it out (see the design note on {@link RecordingCell}).
 */
final class CellInterval {

  final Histogram latency;
  /** Error counts by type slot; the last slot is {@code other}. */
  final long[] errors;
  long success;
  long errorTotal;
  long rejected;
  /** Exact sum of the recorded latencies, in nanoseconds. */
  long latencySumNanos;

  CellInterval(LatencyLayout layout, int errorSlots) {
    this.latency = layout.newHistogram();
    this.errors = new long[errorSlots];
  }

  boolean isEmpty() {
    return success == 0 && errorTotal == 0 && rejected == 0;
  }

  void reset() {
    latency.reset();
    java.util.Arrays.fill(errors, 0);
    success = 0;
    errorTotal = 0;
    rejected = 0;
    latencySumNanos = 0;
  }
}
