package io.modelmonitor.onnx;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * The state of one shadow comparison: totals since start and a ring of the last
 * {@code window} (champion, challenger) score pairs; memory fixed at construction. Writers and
 * readers take this object's lock only to add a batch or copy the state; statistics are computed
 * outside it, under a second lock so that concurrent readers compute a report once.
 *
 * <p>A row with NaN on either side is counted in {@code nanRows} and kept out of the sums, the
 * largest difference and the window of pairs (so out of the drift samples); a NaN on one side
 * only counts as disagreeing.
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
  private long nanRows;
  private long rankedBatches;
  private double overlapSum;
  private long dropped;
  private long failed;
  /** The last report and when it was computed; reports are cached until rows change. */
  private volatile Cached cached;
  /** Held while a report is computed, never while {@code this} is. */
  private final Object computing = new Object();
  private final LongSupplier nanoClock;
  private final long gaugeMaxAgeNanos;
  /** Reports computed so far; for tests. */
  final AtomicLong computations = new AtomicLong();

  private record Cached(ShadowReport report, long atNanos) {}

  ShadowComparison(String champion, String challenger, double tolerance, int window, int topK,
      DriftPolicy policy) {
    this(champion, challenger, tolerance, window, topK, policy, System::nanoTime,
        1_000_000_000L);
  }

  /**
   * Creates a comparison whose gauge cache reads {@code nanoClock}.
   *
   * @param nanoClock the clock of {@link #gaugeReport()}'s cache
   * @param gaugeMaxAgeNanos how long {@link #gaugeReport()} serves a report while rows arrive
   */
  ShadowComparison(String champion, String challenger, double tolerance, int window, int topK,
      DriftPolicy policy, LongSupplier nanoClock, long gaugeMaxAgeNanos) {
    this.nanoClock = nanoClock;
    this.gaugeMaxAgeNanos = gaugeMaxAgeNanos;
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
        boolean nanA = Double.isNaN(a[i]);
        boolean nanB = Double.isNaN(b[i]);
        if (nanA || nanB) {
          nanRows++;
          if (nanA != nanB) { // a score against none: they disagree
            exceeding++;
          }
          continue;
        }
        double d = a[i] == b[i] ? 0 : Math.abs(b[i] - a[i]); // equal infinities agree
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

  /**
   * The report for the meters: the last one while it is younger than the gauges' maximum age,
   * so one scrape of every gauge computes it at most once however fast rows arrive.
   */
  ShadowReport gaugeReport() {
    Cached last = cached;
    if (last != null && nanoClock.getAsLong() - last.atNanos < gaugeMaxAgeNanos) {
      return last.report;
    }
    return report();
  }

  /** The report, recomputed only when rows were compared since the last one. */
  ShadowReport report() {
    synchronized (computing) {
      ShadowReport last = cached == null ? null : cached.report;
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
        long numeric = rows - nanRows;
        totals = new ShadowReport(champion, challenger, rows, calls, dropped, failed,
            numeric == 0 ? 0 : sumAbsDiff / numeric, maxAbsDiff, tolerance,
            rows == 0 ? 0 : (double) exceeding / rows, nanRows,
            rankedBatches == 0 ? Double.NaN : overlapSum / rankedBatches, rankedBatches, size,
            noData(0));
      }
      computations.incrementAndGet();
      FeatureDrift drift = drift(a, b);
      ShadowReport report = new ShadowReport(totals.champion(), totals.challenger(),
          totals.comparedRows(), totals.comparedCalls(), totals.droppedCalls(),
          totals.failedCalls(), totals.meanAbsDiff(), totals.maxAbsDiff(), totals.tolerance(),
          totals.exceedShare(), totals.nanRows(), totals.topKOverlap(), totals.rankedBatches(),
          totals.windowRows(), drift);
      cached = new Cached(report, nanoClock.getAsLong());
      return report;
    }
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
