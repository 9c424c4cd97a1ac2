package io.modelmonitor.internal;

import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Batch sizes and per-item latency, shared by all threads of one monitor.
 *
 * <p>A batch call amortises its recording over many items, so these use HdrHistogram's
 * multi-writer {@link Recorder} directly instead of per-thread cells. Created on the first batch
 * call of a monitor.
 */
final class BatchRecorders {

  private static final int SIZE_DIGITS = 2;

  final Recorder sizes;
  final Recorder itemLatency;
  final LongAdder items = new LongAdder();
  /** Drainer-only state, guarded by the {@link Recordings} lock. */
  Histogram recycledSizes;
  Histogram recycledItemLatency;
  long drainedItems;

  BatchRecorders(LatencyLayout layout, int maxBatchSize) {
    this.sizes = new Recorder(1, maxBatchSize, SIZE_DIGITS);
    this.itemLatency = new Recorder(layout.lowestNanos, layout.highestNanos, layout.digits);
  }

  static Histogram newSizeHistogram(int maxBatchSize) {
    return new Histogram(1, maxBatchSize, SIZE_DIGITS);
  }

  void record(int size, long latencyNanos) {
    sizes.recordValue(size);
    items.add(size);
    if (size > 0) {
      itemLatency.recordValue(latencyNanos / size);
    }
  }
}
