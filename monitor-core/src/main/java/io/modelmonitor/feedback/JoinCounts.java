package io.modelmonitor.feedback;

/**
 * What happened to predictions and feedback over one window or since start; every prediction
 * and every feedback call lands in exactly one count.
 *
 * @param remembered predictions stored to await feedback
 * @param joined feedback joined to its pending prediction (for ranked lists: events)
 * @param late feedback for a prediction whose attribution window had already closed
 * @param unknown feedback for a request id never seen (or long forgotten)
 * @param duplicate feedback for a scalar prediction already labelled
 * @param expiredNegative predictions expired unlabelled and counted as negatives
 * @param expiredDropped predictions expired unlabelled and dropped
 * @param evicted predictions pushed out by the pending cap before their window closed
 */
public record JoinCounts(long remembered, long joined, long late, long unknown, long duplicate,
    long expiredNegative, long expiredDropped, long evicted) {

  /** Nothing happened. */
  public static final JoinCounts EMPTY = new JoinCounts(0, 0, 0, 0, 0, 0, 0, 0);

  /**
   * Returns the share of settled predictions that got explicit feedback:
   * {@code joined / (joined + expired + evicted)}, 0 when none settled.
   *
   * @return the join rate
   */
  public double joinRate() {
    long settled = joined + expiredNegative + expiredDropped + evicted;
    return settled == 0 ? 0 : (double) joined / settled;
  }
}
