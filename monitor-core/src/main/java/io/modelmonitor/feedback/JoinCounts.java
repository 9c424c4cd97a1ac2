package io.modelmonitor.feedback;

/**
 * What happened to predictions and feedback over one window or since start.
 *
 * <p>Every remembered prediction, scalar or ranked list, settles in exactly one of
 * {@code joined}, {@code expiredNegative}, {@code expiredDropped} or {@code evicted} (or is still
 * pending), counted in the window in which it settles. Every feedback call lands in exactly one
 * of a scalar label (counted as {@code joined} when its prediction settles), {@code events},
 * {@code late}, {@code unknown} or {@code duplicate}, counted when the call is made.
 *
 * @param remembered predictions stored to await feedback
 * @param joined predictions that settled with explicit feedback: a scalar label, or for a ranked
 *     list at least one item event
 * @param late feedback for a prediction whose attribution window had already closed (or that
 *     was evicted)
 * @param unknown feedback for a request id never seen (or long forgotten), or a scalar label
 *     sent to a ranked list
 * @param duplicate feedback for a scalar prediction already labelled
 * @param expiredNegative predictions expired without explicit feedback and counted as negatives
 * @param expiredDropped predictions expired without explicit feedback and dropped
 * @param evicted predictions pushed out by the pending cap (oldest first) before their window
 *     closed, or replaced by a new prediction under the same id
 * @param events item events (impressions, clicks, ...) joined to pending ranked lists
 */
public record JoinCounts(long remembered, long joined, long late, long unknown, long duplicate,
    long expiredNegative, long expiredDropped, long evicted, long events) {

  /** Nothing happened. */
  public static final JoinCounts EMPTY = new JoinCounts(0, 0, 0, 0, 0, 0, 0, 0, 0);

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
