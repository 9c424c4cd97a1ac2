package io.modelmonitor.internal;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Durations of the named stages of a call (say input conversion, inference, output extraction),
 * shared by all threads of one monitor.
 *
 * <p>Design note. The stages are a closed set fixed when the monitor is built, so every stage
 * owns one HdrHistogram multi-writer {@link Recorder} (wait-free, allocation-free recording of a
 * value within the latency range) and one {@link LongAdder} for the exact sum. The drainer,
 * holding the {@link Recordings} lock, takes each recorder's interval histogram, recycling the
 * one it took the time before, so draining allocates nothing in steady state either.
 */
final class StageRecorders {

  final List<String> names;
  private final Recorder[] recorders;
  private final LongAdder[] sums;
  /** Drainer-only state, guarded by the {@link Recordings} lock. */
  private final Histogram[] recycled;
  private final long[] drainedSums;

  StageRecorders(LatencyLayout layout, List<String> names) {
    this.names = List.copyOf(names);
    int n = names.size();
    this.recorders = new Recorder[n];
    this.sums = new LongAdder[n];
    this.recycled = new Histogram[n];
    this.drainedSums = new long[n];
    for (int i = 0; i < n; i++) {
      recorders[i] = new Recorder(layout.lowestNanos, layout.highestNanos, layout.digits);
      sums[i] = new LongAdder();
    }
  }

  int size() {
    return recorders.length;
  }

  /** Records one duration of stage {@code stage}; the caller checked index and range. */
  void record(int stage, long nanos) {
    recorders[stage].recordValue(nanos);
    sums[stage].add(nanos);
  }

  /** Moves what was recorded since the last drain into both aggregates. Holds the lock. */
  void drainInto(Aggregate window, Aggregate total) {
    for (int i = 0; i < recorders.length; i++) {
      Histogram interval = recorders[i].getIntervalHistogram(recycled[i]);
      long sum = sums[i].sum();
      long newSum = sum - drainedSums[i];
      drainedSums[i] = sum;
      if (interval.getTotalCount() > 0 || newSum != 0) {
        window.addStage(i, interval, newSum);
        total.addStage(i, interval, newSum);
      }
      recycled[i] = interval;
    }
  }
}
