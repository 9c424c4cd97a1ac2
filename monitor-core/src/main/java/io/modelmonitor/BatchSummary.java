package io.modelmonitor;

/**
 * Batch calls ({@code List<I> -> List<O>}) over one window or since start.
 *
 * @param batches number of batch calls
 * @param items total number of items in those calls
 * @param p50Size median batch size
 * @param p99Size 99th percentile of the batch size
 * @param maxSize largest batch
 * @param itemLatency latency of a batch call divided by its size, one value per batch
 */
public record BatchSummary(
    long batches, long items, long p50Size, long p99Size, long maxSize,
    LatencySummary itemLatency) {

  /** No batch calls. */
  public static final BatchSummary EMPTY = new BatchSummary(0, 0, 0, 0, 0, LatencySummary.EMPTY);

  /**
   * Creates the record after validating its components.
   *
   * @param batches see {@link #batches()}
   * @param items see {@link #items()}
   * @param p50Size see {@link #p50Size()}
   * @param p99Size see {@link #p99Size()}
   * @param maxSize see {@link #maxSize()}
   * @param itemLatency see {@link #itemLatency()}
   */
  public BatchSummary {
    if (batches < 0 || items < 0 || p50Size < 0 || p99Size < 0 || maxSize < 0) {
      throw new IllegalArgumentException("batch values must be >= 0");
    }
    java.util.Objects.requireNonNull(itemLatency, "itemLatency");
  }

  /**
   * Returns the mean batch size, or 0 when there were no batches.
   *
   * @return {@code items / batches}
   */
  public double meanSize() {
    return batches == 0 ? 0 : (double) items / batches;
  }
}
