package io.modelmonitor.feedback;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * How delayed feedback is joined to predictions and judged.
 *
 * <p>Defaults: a 30-minute attribution window, at most 100,000 pending predictions, expired
 * unlabelled predictions count as negatives (implicit feedback: no click), a click or any later
 * funnel event is positive, ranked metrics at k = 5 and 10, a CUSUM that alarms when the observed
 * positive rate falls to half of what the model predicted with at least 10,000,000 labels
 * expected between false alarms, AUC from 1,000 score bins.
 *
 * @param attributionWindow how long a prediction waits for feedback
 * @param maxPending most predictions waiting at once; beyond it the oldest are evicted (counted)
 * @param implicitNegatives whether a prediction that expires without a positive counts as a
 *     negative label (true) or is dropped (false)
 * @param positiveEvent the first funnel event that counts as positive
 * @param ks the cut-offs of the ranked metrics (precision@k, recall@k, NDCG@k, hit rate@k)
 * @param cusumRatio the change the detector looks for: observed rate = ratio x predicted rate;
 *     below 1 detects collapses
 * @param cusumRunLength labels expected between two false alarms on a stable stream (sets the
 *     threshold: {@code h = ln(runLength)}, Wald's bound)
 * @param aucBins score bins of the streaming AUC over [0, 1] (its resolution)
 */
public record FeedbackPolicy(Duration attributionWindow, long maxPending,
    boolean implicitNegatives, Event positiveEvent, List<Integer> ks, double cusumRatio,
    double cusumRunLength, int aucBins) {

  /** The defaults described above. */
  public static final FeedbackPolicy DEFAULTS = new FeedbackPolicy(Duration.ofMinutes(30),
      100_000, true, Event.CLICK, List.of(5, 10), 0.5, 1e7, 1_000);

  /**
   * Creates the record after validating its components.
   *
   * @param attributionWindow see {@link #attributionWindow()}
   * @param maxPending see {@link #maxPending()}
   * @param implicitNegatives see {@link #implicitNegatives()}
   * @param positiveEvent see {@link #positiveEvent()}
   * @param ks see {@link #ks()}
   * @param cusumRatio see {@link #cusumRatio()}
   * @param cusumRunLength see {@link #cusumRunLength()}
   * @param aucBins see {@link #aucBins()}
   * @throws IllegalArgumentException if a value is out of range
   */
  public FeedbackPolicy {
    Objects.requireNonNull(attributionWindow, "attributionWindow");
    Objects.requireNonNull(positiveEvent, "positiveEvent");
    ks = List.copyOf(Objects.requireNonNull(ks, "ks"));
    if (attributionWindow.compareTo(Duration.ofMillis(1)) < 0
        || attributionWindow.compareTo(Duration.ofDays(7)) > 0) {
      throw new IllegalArgumentException("attribution window must be 1ms..7d: "
          + attributionWindow);
    }
    if (maxPending < 1 || maxPending > 100_000_000) {
      throw new IllegalArgumentException("maxPending must be 1..100000000: " + maxPending);
    }
    if (positiveEvent == Event.IMPRESSION) {
      throw new IllegalArgumentException("an impression cannot be the positive event");
    }
    for (int k : ks) {
      if (k < 1 || k > 1_000) {
        throw new IllegalArgumentException("k must be 1..1000: " + ks);
      }
    }
    if (!(cusumRatio > 0) || cusumRatio == 1 || Double.isInfinite(cusumRatio)) {
      throw new IllegalArgumentException("cusumRatio must be positive and not 1: " + cusumRatio);
    }
    if (!(cusumRunLength >= 10) || Double.isInfinite(cusumRunLength)) {
      throw new IllegalArgumentException("cusumRunLength must be >= 10: " + cusumRunLength);
    }
    if (aucBins < 10 || aucBins > 1_000_000) {
      throw new IllegalArgumentException("aucBins must be 10..1000000: " + aucBins);
    }
  }

  /**
   * Returns a copy with another attribution window.
   *
   * @param window how long a prediction waits for feedback
   * @return the copy
   */
  public FeedbackPolicy withAttributionWindow(Duration window) {
    return new FeedbackPolicy(window, maxPending, implicitNegatives, positiveEvent, ks,
        cusumRatio, cusumRunLength, aucBins);
  }

  /**
   * Returns a copy with another cap on pending predictions.
   *
   * @param max most predictions waiting at once
   * @return the copy
   */
  public FeedbackPolicy withMaxPending(long max) {
    return new FeedbackPolicy(attributionWindow, max, implicitNegatives, positiveEvent, ks,
        cusumRatio, cusumRunLength, aucBins);
  }

  /**
   * Returns a copy that drops (true: counts as negative) predictions expiring unlabelled.
   *
   * @param implicit whether expiry means a negative label
   * @return the copy
   */
  public FeedbackPolicy withImplicitNegatives(boolean implicit) {
    return new FeedbackPolicy(attributionWindow, maxPending, implicit, positiveEvent, ks,
        cusumRatio, cusumRunLength, aucBins);
  }

  /**
   * Returns the CUSUM alarm threshold, {@code ln(cusumRunLength)}.
   *
   * @return the threshold
   */
  public double cusumThreshold() {
    return Math.log(cusumRunLength);
  }
}
