package io.modelmonitor.onnx;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import java.util.Arrays;
import java.util.Map;

/**
 * The state of one shadow comparison: totals since start and a ring of the last
 * {@code window} (champion, challenger) score pairs; memory fixed at construction. Writers and
 * readers take this object's lock only to add a batch or copy the state; statistics are computed
 * outside it.
 */
final class ShadowComparison {

  private final String champion;
  private final String challenger;
  private final double tolerance;
  private final int topK;
  private final DriftPolicy policy;
  private final double[] championRing;
  private final double[] challengerRing;
  private int next;
  private int size;
  private long rows;
  private long calls;
  private double sumAbsDiff;
  private double maxAbsDiff;
  private long exceeding;
  private long rankedBatches;
  private double overlapSum;
  private long dropped;
  private long failed;
  /** The last report and the compared rows it saw; reports are cached until rows change. */
  private volatile ShadowReport cached;

  ShadowComparison(String champion, String challenger, double tolerance, int window, int topK,
      DriftPolicy policy) {
    this.champion = champion;
    this.challenger = challenger;
    this.tolerance = tolerance;
    this.topK = topK;
    this.policy = policy;
    this.championRing = new double[window];
    this.challengerRing = new double[window];
  }

  /** Records the scores both models gave the same rows. */
  void compare(double[] a, double[] b) {
    if (a.length != b.length) {
      throw new IllegalStateException("champion returned " + a.length + " scores, challenger "
          + b.length);
    }
    double overlap = a.length >= 2 ? topKOverlap(a, b, Math.min(topK, a.length)) : Double.NaN;
    synchronized (this) {
      for (int i = 0; i < a.length; i++) {
        double d = Math.abs(b[i] - a[i]);
        sumAbsDiff += d;
        maxAbsDiff = Math.max(maxAbsDiff, d);
        if (d > tolerance) {
          exceeding++;
        }
        championRing[next] = a[i];
        challengerRing[next] = b[i];
        next = (next + 1) % championRing.length;
        size = Math.min(size + 1, championRing.length);
      }
      rows += a.length;
      calls++;
      if (!Double.isNaN(overlap)) {
        rankedBatches++;
        overlapSum += overlap;
      }
    }
  }

  synchronized void dropped() {
    dropped++;
  }

  synchronized void failed() {
    failed++;
  }

  synchronized long rows() {
    return rows;
  }

  synchronized long dropped0() {
    return dropped;
  }

  synchronized long failed0() {
    return failed;
  }

  synchronized long calls() {
    return calls;
  }

  /** The report, recomputed only when rows were compared since the last one. */
  ShadowReport report() {
    ShadowReport last = cached;
    double[] a;
    double[] b;
    ShadowReport totals;
    synchronized (this) {
      if (last != null && last.comparedRows() == rows && last.droppedCalls() == dropped
          && last.failedCalls() == failed) {
        return last;
      }
      a = Arrays.copyOf(championRing, size);
      b = Arrays.copyOf(challengerRing, size);
      totals = new ShadowReport(champion, challenger, rows, calls, dropped, failed,
          rows == 0 ? 0 : sumAbsDiff / rows, maxAbsDiff, tolerance,
          rows == 0 ? 0 : (double) exceeding / rows,
          rankedBatches == 0 ? Double.NaN : overlapSum / rankedBatches, rankedBatches, size,
          noData(0));
    }
    FeatureDrift drift = drift(a, b);
    ShadowReport report = new ShadowReport(totals.champion(), totals.challenger(),
        totals.comparedRows(), totals.comparedCalls(), totals.droppedCalls(),
        totals.failedCalls(), totals.meanAbsDiff(), totals.maxAbsDiff(), totals.tolerance(),
        totals.exceedShare(), totals.topKOverlap(), totals.rankedBatches(),
        totals.windowRows(), drift);
    cached = report;
    return report;
  }

  private FeatureDrift drift(double[] championScores, double[] challengerScores) {
    boolean anyFinite = false;
    for (double v : championScores) {
      anyFinite |= Double.isFinite(v);
    }
    if (!anyFinite) {
      return noData(challengerScores.length);
    }
    return Baseline.builder().predictions(championScores).build()
        .predictionDrift(challengerScores, policy);
  }

  private FeatureDrift noData(long samples) {
    return new FeatureDrift("_prediction", samples, 0, 0, 0, 0, Map.of(), policy.numeric(),
        DriftStatus.NO_DATA);
  }

  /** |top-k of a ∩ top-k of b| / k; ties broken by row index. */
  static double topKOverlap(double[] a, double[] b, int k) {
    boolean[] inA = new boolean[a.length];
    for (int i : top(a, k)) {
      inA[i] = true;
    }
    int common = 0;
    for (int i : top(b, k)) {
      if (inA[i]) {
        common++;
      }
    }
    return (double) common / k;
  }

  private static int[] top(double[] scores, int k) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> {
      int c = Double.compare(scores[y], scores[x]);
      return c != 0 ? c : Integer.compare(x, y);
    });
    int[] out = new int[k];
    for (int i = 0; i < k; i++) {
      out[i] = order[i];
    }
    return out;
  }
}
