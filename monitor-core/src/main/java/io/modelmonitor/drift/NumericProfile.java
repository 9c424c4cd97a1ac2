package io.modelmonitor.drift;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The reference distribution of a numeric feature: bin edges at the reference quantiles
 * (equal-mass bins), the share of each bin, moments and a quantile summary.
 *
 * <p>Bins, in order: underflow (below the reference minimum), one bin per pair of consecutive
 * {@link #edges()} (the first closed on both sides, the others right-closed), overflow (above
 * the reference maximum), and missing (absent, null or NaN). {@link #shares()} has one entry per
 * bin and sums to 1. Immutable.
 */
public final class NumericProfile implements FeatureProfile {

  /** The quantile levels of {@link #quantiles()}. */
  public static final List<Double> QUANTILE_LEVELS =
      List.of(0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99);

  private final long count;
  private final long missing;
  private final double mean;
  private final double std;
  private final double[] edges;
  private final double[] shares;
  private final double[] quantiles;
  /**
   * The bin of a value equal to {@code edges[k]}, where k is the first edge of that value: what
   * {@link Arrays#binarySearch(double[], double)} gave for it (with repeated edges, the search's
   * own pick); null when an edge is -0.0, then {@link #binOf} searches as before.
   */
  private final int[] edgeBins;

  /**
   * Creates a profile.
   *
   * @param count reference rows, missing included
   * @param missing rows without a finite or infinite value
   * @param mean mean of the non-missing finite values
   * @param std sample standard deviation of the non-missing finite values
   * @param edges ascending bin edges, first the minimum, last the maximum; at least 2
   * @param shares the share of each bin: {@code edges.length + 2} values
   * @param quantiles the values at {@link #QUANTILE_LEVELS}
   * @throws IllegalArgumentException if the arrays are inconsistent
   */
  public NumericProfile(long count, long missing, double mean, double std, double[] edges,
      double[] shares, double[] quantiles) {
    Objects.requireNonNull(edges, "edges");
    Objects.requireNonNull(shares, "shares");
    Objects.requireNonNull(quantiles, "quantiles");
    if (count < 0 || missing < 0 || missing > count) {
      throw new IllegalArgumentException("invalid counts: count=" + count + ", missing="
          + missing);
    }
    if (edges.length < 2) {
      throw new IllegalArgumentException("a numeric profile needs at least 2 edges, got "
          + edges.length);
    }
    for (int i = 0; i < edges.length; i++) {
      if (!Double.isFinite(edges[i]) || (i > 0 && edges[i] < edges[i - 1])) {
        throw new IllegalArgumentException("edges must be finite and ascending: "
            + Arrays.toString(edges));
      }
    }
    if (shares.length != edges.length + 2) {
      throw new IllegalArgumentException(edges.length + " edges need " + (edges.length + 2)
          + " shares (underflow, bins, overflow, missing), got " + shares.length);
    }
    for (double s : shares) {
      if (!(s >= 0 && s <= 1)) {
        throw new IllegalArgumentException("shares must be in [0, 1]: " + Arrays.toString(shares));
      }
    }
    if (quantiles.length != QUANTILE_LEVELS.size()) {
      throw new IllegalArgumentException("expected " + QUANTILE_LEVELS.size() + " quantiles, got "
          + quantiles.length);
    }
    for (int i = 0; i < quantiles.length; i++) {
      if (!Double.isFinite(quantiles[i]) || (i > 0 && quantiles[i] < quantiles[i - 1])) {
        throw new IllegalArgumentException("quantiles must be finite and non-decreasing: "
            + Arrays.toString(quantiles));
      }
    }
    if (!Double.isFinite(mean) || !(std >= 0) || Double.isInfinite(std)) {
      throw new IllegalArgumentException("mean and std must be finite, std >= 0: mean=" + mean
          + ", std=" + std);
    }
    this.count = count;
    this.missing = missing;
    this.mean = mean;
    this.std = std;
    this.edges = edges.clone();
    this.shares = shares.clone();
    this.quantiles = quantiles.clone();
    this.edgeBins = edgeBins(this.edges);
  }

  private static int[] edgeBins(double[] edges) {
    int[] bins = new int[edges.length];
    for (int k = 0; k < edges.length; k++) {
      if (Double.doubleToRawLongBits(edges[k]) == Double.doubleToRawLongBits(-0.0)) {
        return null; // the search tells -0.0 from 0.0, comparisons do not
      }
      bins[k] = searchBin(edges, edges[k]);
    }
    return bins;
  }

  @Override
  public long count() {
    return count;
  }

  @Override
  public long missing() {
    return missing;
  }

  @Override
  public int binCount() {
    return shares.length;
  }

  /**
   * Returns the mean of the reference values.
   *
   * @return the mean
   */
  public double mean() {
    return mean;
  }

  /**
   * Returns the sample standard deviation of the reference values.
   *
   * @return the standard deviation
   */
  public double std() {
    return std;
  }

  /**
   * Returns the smallest reference value.
   *
   * @return the minimum
   */
  public double min() {
    return edges[0];
  }

  /**
   * Returns the largest reference value.
   *
   * @return the maximum
   */
  public double max() {
    return edges[edges.length - 1];
  }

  /**
   * Returns the bin edges.
   *
   * @return a copy
   */
  public double[] edges() {
    return edges.clone();
  }

  /**
   * Returns the reference share of every bin (underflow, bins, overflow, missing).
   *
   * @return a copy
   */
  public double[] shares() {
    return shares.clone();
  }

  /**
   * Returns the reference values at {@link #QUANTILE_LEVELS}.
   *
   * @return a copy
   */
  public double[] quantiles() {
    return quantiles.clone();
  }

  /**
   * Returns the bin of {@code x}: 0 underflow, 1.. the edge bins, then overflow, then missing
   * (NaN). Allocation-free and the same bin as a binary search over the edges, found without
   * data-dependent branches (up to 16 edges by comparing all of them, else by a branch-free
   * binary search).
   *
   * @param x the value
   * @return the bin index
   */
  public int binOf(double x) {
    if (x != x) {
      return edges.length + 1;
    }
    int[] hit = edgeBins;
    if (hit == null) {
      return searchBin(edges, x);
    }
    double v = x + 0.0; // -0.0 is 0.0 here, as in numpy
    double[] e = edges;
    int k = e.length <= LINEAR_EDGES ? countBelow(e, v) : searchBelow(e, v);
    // not an edge: k is binarySearch's insertion point, which is the bin (0 below, length above)
    return k < e.length && e[k] == v ? hit[k] : k;
  }

  /** Up to this many edges (the default 10 bins have 11), {@link #binOf} counts them all. */
  private static final int LINEAR_EDGES = 16;

  /**
   * The number of edges below {@code v}, by comparing every edge: the comparisons do not depend
   * on each other (no chain of loads as in a search) and none is a branch to mispredict.
   */
  private static int countBelow(double[] e, double v) {
    int k = 0;
    for (double edge : e) {
      k += edge < v ? 1 : 0;
    }
    return k;
  }

  /**
   * The number of edges below {@code v} in log2(n) steps whose only branch is the loop's: the
   * comparison selects the next base (a conditional move), so no step mispredicts.
   */
  private static int searchBelow(double[] e, double v) {
    int base = 0;
    int n = e.length;
    while (n > 1) {
      int half = n >>> 1;
      base = e[base + half - 1] < v ? base + half : base;
      n -= half;
    }
    return e[base] < v ? base + 1 : base;
  }

  /** The bin by {@link Arrays#binarySearch(double[], double)}, for any x but NaN. */
  private static int searchBin(double[] edges, double x) {
    int i = Arrays.binarySearch(edges, x + 0.0); // + 0.0: -0.0 is 0.0 here, as in numpy
    if (i >= 0) {
      return i == 0 ? 1 : i; // an edge value belongs to the bin it closes
    }
    int insertion = -i - 1;
    if (insertion == 0) {
      return 0;
    }
    return insertion == edges.length ? edges.length : insertion;
  }

  int missingBin() {
    return edges.length + 1;
  }

  double[] edgesView() {
    return edges;
  }

  double[] sharesView() {
    return shares;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof NumericProfile && ((NumericProfile) o).count == count
        && ((NumericProfile) o).missing == missing
        && Double.compare(((NumericProfile) o).mean, mean) == 0
        && Double.compare(((NumericProfile) o).std, std) == 0
        && Arrays.equals(((NumericProfile) o).edges, edges)
        && Arrays.equals(((NumericProfile) o).shares, shares)
        && Arrays.equals(((NumericProfile) o).quantiles, quantiles);
  }

  @Override
  public int hashCode() {
    return Objects.hash(count, missing, mean, std, Arrays.hashCode(edges),
        Arrays.hashCode(shares), Arrays.hashCode(quantiles));
  }

  @Override
  public String toString() {
    return "NumericProfile{count=" + count + ", missing=" + missing + ", mean=" + mean + ", std="
        + std + ", edges=" + Arrays.toString(edges) + '}';
  }

  /** Fits a profile to reference values (NaN counts as missing) with {@code bins} quantile bins. */
  static NumericProfile fit(double[] values, long extraMissing, int bins) {
    double[] finite = Arrays.stream(values).filter(Double::isFinite).map(v -> v + 0.0).sorted()
        .toArray();
    long nan = Arrays.stream(values).filter(Double::isNaN).count();
    long count = values.length + extraMissing;
    long missing = nan + extraMissing;
    if (finite.length == 0) {
      throw new IllegalArgumentException("no finite values to profile");
    }
    double[] distinct = Arrays.stream(finite).distinct().toArray();
    double[] edges;
    if (distinct.length <= bins) {
      // few distinct values (booleans, small counts): one bin per value, the first edge
      // doubled so the smallest value gets the closed bin [v0, v0] of its own
      edges = new double[distinct.length + 1];
      edges[0] = distinct[0];
      System.arraycopy(distinct, 0, edges, 1, distinct.length);
    } else {
      edges = new double[bins + 1];
      int n = 0;
      edges[n++] = finite[0];
      for (int j = 1; j < bins; j++) {
        double q = nearestRank(finite, (double) j / bins);
        if (q > edges[n - 1] && q < finite[finite.length - 1]) {
          edges[n++] = q;
        }
      }
      edges[n++] = finite[finite.length - 1];
      edges = Arrays.copyOf(edges, n);
    }
    // scaled so that no sum overflows, whatever the magnitudes (tools/baseline.py does the same,
    // in the same order, so both agree to the last bit)
    double scale = Math.max(Math.abs(finite[0]), Math.abs(finite[finite.length - 1]));
    double mean = 0;
    double std = 0;
    if (scale > 0) {
      for (double v : finite) {
        mean += v / finite.length;
      }
      double ss = 0;
      for (double v : finite) {
        double d = v / scale - mean / scale;
        ss += d * d;
      }
      std = finite.length > 1 ? scale * Math.sqrt(ss / (finite.length - 1)) : 0;
    }
    double[] quantiles = new double[QUANTILE_LEVELS.size()];
    for (int i = 0; i < quantiles.length; i++) {
      quantiles[i] = nearestRank(finite, QUANTILE_LEVELS.get(i));
    }
    NumericProfile shape = new NumericProfile(count, missing, mean, std, edges,
        new double[edges.length + 2], quantiles);
    long[] counts = new long[edges.length + 2];
    for (double v : values) {
      counts[shape.binOf(v)]++;
    }
    counts[shape.missingBin()] += extraMissing;
    double[] shares = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      shares[i] = count == 0 ? 0 : (double) counts[i] / count;
    }
    return new NumericProfile(count, missing, mean, std, edges, shares, quantiles);
  }

  /** Nearest-rank quantile of sorted values. */
  static double nearestRank(double[] sorted, double level) {
    int rank = (int) Math.ceil(level * sorted.length - 1e-9);
    return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))];
  }
}
