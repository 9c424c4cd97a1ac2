package io.modelmonitor.feedback;

import java.util.List;
import java.util.Objects;

/**
 * Online model quality over one window (or since start), from predictions joined to their
 * delayed feedback. Every value is 0 (never NaN) when it is undefined; {@code labelled} and
 * {@code aucPairs} say how much evidence stands behind the numbers.
 *
 * @param joins what happened to predictions and feedback
 * @param labelled labelled scalar predictions (explicit or implicit), counted when they settle:
 *     with implicit negatives, when their attribution window closes
 * @param positives positive labels among them
 * @param positiveRate {@code positives / labelled}: the observed CTR/CVR
 * @param meanPredicted mean predicted score of the labelled predictions with a score in [0, 1]
 *     (score-based metrics leave out NaN, infinite and out-of-range scores; the positive rate
 *     does not)
 * @param calibration sum of those scores / positives among the same predictions, so the
 *     denominators match (1 is perfectly calibrated); 0 when undefined, that is when none of
 *     them is positive
 * @param logLoss mean binary cross-entropy, scores clipped to [1e-15, 1 - 1e-15]
 * @param brier mean squared error of the score against the label
 * @param auc ROC AUC from score histograms per label (see {@link FeedbackPolicy#aucBins()}):
 *     pairs in the same bin count one half
 * @param aucPairs positive-negative pairs behind the AUC; 0 when it is undefined
 * @param offlineAuc the AUC the baseline carries ({@code test_auc} or {@code auc}), 0 if none
 * @param delayP50Millis median delay from prediction to explicit scalar feedback, in
 *     milliseconds (implicit negatives have no delay and are left out)
 * @param delayP99Millis 99th percentile of that delay
 * @param ranking ranked-list quality per configured k
 * @param mrr mean reciprocal rank of the first relevant item over settled lists
 * @param cusum the change detector's state
 */
public record QualitySummary(JoinCounts joins, long labelled, long positives,
    double positiveRate, double meanPredicted, double calibration, double logLoss, double brier,
    double auc, long aucPairs, double offlineAuc, double delayP50Millis, double delayP99Millis,
    List<RankingQuality> ranking, double mrr, CusumState cusum) {

  /**
   * Creates the record after copying its components.
   *
   * @param joins see {@link #joins()}
   * @param labelled see {@link #labelled()}
   * @param positives see {@link #positives()}
   * @param positiveRate see {@link #positiveRate()}
   * @param meanPredicted see {@link #meanPredicted()}
   * @param calibration see {@link #calibration()}
   * @param logLoss see {@link #logLoss()}
   * @param brier see {@link #brier()}
   * @param auc see {@link #auc()}
   * @param aucPairs see {@link #aucPairs()}
   * @param offlineAuc see {@link #offlineAuc()}
   * @param delayP50Millis see {@link #delayP50Millis()}
   * @param delayP99Millis see {@link #delayP99Millis()}
   * @param ranking see {@link #ranking()}
   * @param mrr see {@link #mrr()}
   * @param cusum see {@link #cusum()}
   */
  public QualitySummary {
    Objects.requireNonNull(joins, "joins");
    for (double v : new double[] {positiveRate, meanPredicted, calibration, logLoss, brier, auc,
        offlineAuc, delayP50Millis, delayP99Millis, mrr}) {
      if (!Double.isFinite(v)) {
        throw new IllegalArgumentException("quality values must be finite: " + v);
      }
    }
    ranking = List.copyOf(Objects.requireNonNull(ranking, "ranking"));
    Objects.requireNonNull(cusum, "cusum");
  }

  /**
   * Ranked-list quality at one cut-off, averaged over the lists settled in the window.
   *
   * @param k the cut-off
   * @param lists ranked lists settled
   * @param precision mean precision@k: relevant items among the first k / k
   * @param recall mean recall@k over lists with at least one relevant item
   * @param ndcg mean NDCG@k with binary relevance and log2 discounts
   * @param hitRate share of lists with a relevant item among the first k
   */
  public record RankingQuality(int k, long lists, double precision, double recall, double ndcg,
      double hitRate) {}

  /**
   * The CUSUM change detector on the label stream. The statistic restarts at 0 when it crosses
   * the threshold, so it is never at the threshold when read; {@code alarm} says whether it
   * crossed recently.
   *
   * @param statistic the current CUSUM statistic (log-likelihood ratio, reset at 0)
   * @param threshold the alarm threshold, {@code ln(runLength)}
   * @param alarm whether it crossed the threshold within the span: in a window summary, during
   *     that window; in the rolling one, during one of its windows; since start, during the
   *     current window or the last closed one (so it clears once alarms stop)
   * @param alarms how many times it crossed the threshold since start
   */
  public record CusumState(double statistic, double threshold, boolean alarm, long alarms) {}
}
