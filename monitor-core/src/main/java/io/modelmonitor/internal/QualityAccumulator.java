package io.modelmonitor.internal;

import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.JoinCounts;
import io.modelmonitor.feedback.QualitySummary;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * Online quality over one span (window or since start). Guarded by the owning joiner's lock:
 * feedback is not the predict hot path, and one lock keeps every count exact.
 */
final class QualityAccumulator {

  static final double EPSILON = 1e-15;

  private final FeedbackPolicy policy;
  private final int[] ks;
  long remembered;
  long joined;
  long late;
  long unknown;
  long duplicate;
  long expiredNegative;
  long expiredDropped;
  long evicted;
  long events;
  /** CUSUM alarms raised while this span was open. */
  long alarms;
  private long labelled;
  private long positives;
  /** Labelled predictions with a score in [0, 1]: the denominator of score-based metrics. */
  private long scored;
  /** Positive labels among the scored predictions: calibration's matching denominator. */
  private long scoredPositives;
  private double sumScore;
  private double logLoss;
  private double brier;
  private final long[] positive;
  private final long[] negative;
  private final Histogram delays;
  private long lists;
  private final double[] precision;
  private final double[] recall;
  private final long[] recallLists;
  private final double[] ndcg;
  private final long[] hits;
  private double reciprocalRanks;

  QualityAccumulator(FeedbackPolicy policy) {
    this.policy = policy;
    this.ks = policy.ks().stream().mapToInt(Integer::intValue).toArray();
    this.positive = new long[policy.aucBins()];
    this.negative = new long[policy.aucBins()];
    this.delays = new Histogram(1, Math.max(2, policy.attributionWindow().toMillis() * 2), 2);
    this.precision = new double[ks.length];
    this.recall = new double[ks.length];
    this.recallLists = new long[ks.length];
    this.ndcg = new double[ks.length];
    this.hits = new long[ks.length];
  }

  /**
   * Whether a score can be judged as a probability: in [0, 1]. NaN, infinite and other
   * out-of-range scores count for the observed rate only (a huge finite score would overflow
   * the sums, and a probability outside [0, 1] has no log loss).
   */
  static boolean isScore(double score) {
    return score >= 0 && score <= 1;
  }

  /** The delay of one explicit label, in milliseconds. */
  void addDelay(long delayMillis) {
    delays.recordValue(Math.max(1, Math.min(delays.getHighestTrackableValue(), delayMillis)));
  }

  void addScalar(double score, double label) {
    labelled++;
    boolean isPositive = label >= 0.5;
    if (isPositive) {
      positives++;
    }
    if (!isScore(score)) {
      return; // counts for the observed rate; no score to judge
    }
    scored++;
    if (isPositive) {
      scoredPositives++;
    }
    double p = Math.min(1 - EPSILON, Math.max(EPSILON, score));
    sumScore += score;
    logLoss -= label * Math.log(p) + (1 - label) * Math.log(1 - p);
    brier += (score - label) * (score - label);
    int bin = (int) Math.min(positive.length - 1, Math.max(0, Math.floor(score * positive.length)));
    if (isPositive) {
      positive[bin]++;
    } else {
      negative[bin]++;
    }
  }

  /** A settled ranked list: {@code relevant[i]} for position i (0-based). */
  void addRanked(boolean[] relevant) {
    lists++;
    int totalRelevant = 0;
    int firstRelevant = -1;
    for (int i = 0; i < relevant.length; i++) {
      if (relevant[i]) {
        totalRelevant++;
        if (firstRelevant < 0) {
          firstRelevant = i;
        }
      }
    }
    if (firstRelevant >= 0) {
      reciprocalRanks += 1.0 / (firstRelevant + 1);
    }
    for (int j = 0; j < ks.length; j++) {
      int k = ks[j];
      int found = 0;
      double dcg = 0;
      for (int i = 0; i < Math.min(k, relevant.length); i++) {
        if (relevant[i]) {
          found++;
          dcg += 1 / (Math.log(i + 2) / Math.log(2));
        }
      }
      double idcg = 0;
      for (int i = 0; i < Math.min(k, totalRelevant); i++) {
        idcg += 1 / (Math.log(i + 2) / Math.log(2));
      }
      precision[j] += (double) found / k;
      if (totalRelevant > 0) {
        recall[j] += (double) found / totalRelevant;
        recallLists[j]++;
      }
      ndcg[j] += idcg == 0 ? 0 : dcg / idcg;
      if (found > 0) {
        hits[j]++;
      }
    }
  }

  /** Adds {@code o}'s counts and sums to this one (same policy). */
  void mergeFrom(QualityAccumulator o) {
    remembered += o.remembered;
    joined += o.joined;
    late += o.late;
    unknown += o.unknown;
    duplicate += o.duplicate;
    expiredNegative += o.expiredNegative;
    expiredDropped += o.expiredDropped;
    evicted += o.evicted;
    events += o.events;
    alarms += o.alarms;
    labelled += o.labelled;
    positives += o.positives;
    scored += o.scored;
    scoredPositives += o.scoredPositives;
    sumScore += o.sumScore;
    logLoss += o.logLoss;
    brier += o.brier;
    for (int b = 0; b < positive.length; b++) {
      positive[b] += o.positive[b];
      negative[b] += o.negative[b];
    }
    delays.add(o.delays);
    lists += o.lists;
    for (int j = 0; j < ks.length; j++) {
      precision[j] += o.precision[j];
      recall[j] += o.recall[j];
      recallLists[j] += o.recallLists[j];
      ndcg[j] += o.ndcg[j];
      hits[j] += o.hits[j];
    }
    reciprocalRanks += o.reciprocalRanks;
  }

  void reset() {
    remembered = 0;
    joined = 0;
    late = 0;
    unknown = 0;
    duplicate = 0;
    expiredNegative = 0;
    expiredDropped = 0;
    evicted = 0;
    events = 0;
    alarms = 0;
    labelled = 0;
    positives = 0;
    scored = 0;
    scoredPositives = 0;
    sumScore = 0;
    logLoss = 0;
    brier = 0;
    Arrays.fill(positive, 0);
    Arrays.fill(negative, 0);
    delays.reset();
    lists = 0;
    Arrays.fill(precision, 0);
    Arrays.fill(recall, 0);
    Arrays.fill(recallLists, 0);
    Arrays.fill(ndcg, 0);
    Arrays.fill(hits, 0);
    reciprocalRanks = 0;
  }

  /** Streaming AUC: P(pos > neg) + P(equal bin) / 2 over the score histograms. */
  private double[] auc() {
    long p = 0;
    long n = 0;
    for (int b = 0; b < positive.length; b++) {
      p += positive[b];
      n += negative[b];
    }
    if (p == 0 || n == 0) {
      return new double[] {0, 0};
    }
    double wins = 0;
    long negBelow = 0;
    for (int b = 0; b < positive.length; b++) {
      wins += positive[b] * (negBelow + negative[b] / 2.0);
      negBelow += negative[b];
    }
    return new double[] {wins / ((double) p * n), (double) p * n};
  }

  /** Summarises the span; never throws on its own numbers (non-finite values become 0). */
  QualitySummary summary(double offlineAuc, QualitySummary.CusumState cusum) {
    JoinCounts joins = new JoinCounts(remembered, joined, late, unknown, duplicate,
        expiredNegative, expiredDropped, evicted, events);
    double rate = labelled == 0 ? 0 : (double) positives / labelled;
    double mean = scored == 0 ? 0 : sumScore / scored;
    double[] auc = auc();
    List<QualitySummary.RankingQuality> ranking = new ArrayList<>();
    for (int j = 0; j < ks.length; j++) {
      ranking.add(new QualitySummary.RankingQuality(ks[j], lists,
          finite(lists == 0 ? 0 : precision[j] / lists),
          finite(recallLists[j] == 0 ? 0 : recall[j] / recallLists[j]),
          finite(lists == 0 ? 0 : ndcg[j] / lists), lists == 0 ? 0 : (double) hits[j] / lists));
    }
    long count = delays.getTotalCount();
    // calibration over the scored predictions only: numerator and denominator match
    double calibration = scoredPositives == 0 ? 0 : sumScore / scoredPositives;
    return new QualitySummary(joins, labelled, positives, finite(rate), finite(mean),
        finite(calibration), finite(scored == 0 ? 0 : logLoss / scored),
        finite(scored == 0 ? 0 : brier / scored), finite(auc[0]), (long) auc[1],
        finite(offlineAuc), count == 0 ? 0 : delays.getValueAtPercentile(50),
        count == 0 ? 0 : delays.getValueAtPercentile(99), ranking,
        finite(lists == 0 ? 0 : reciprocalRanks / lists), cusum);
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0;
  }
}
