package io.modelmonitor.drift;

import java.util.Objects;
import org.apache.commons.statistics.distribution.ChiSquaredDistribution;

/**
 * The drift statistics as pure functions of binned distributions. Shares are fractions of one
 * distribution per bin, in the same bin order for both arguments; they need not sum exactly to 1
 * (they are used as given). All methods are thread-safe and allocation-free.
 */
public final class DriftStatistics {

  /** Smallest share PSI works with: empty bins count as this share (Evidently's rule). */
  public static final double PSI_EPSILON = 1e-4;

  private static final double LN2 = Math.log(2);

  private DriftStatistics() {}

  private static void sameLength(double[] a, double[] b) {
    Objects.requireNonNull(a, "expected");
    Objects.requireNonNull(b, "actual");
    if (a.length != b.length) {
      throw new IllegalArgumentException("distributions have " + a.length + " and " + b.length
          + " bins");
    }
  }

  /**
   * Population stability index.
   *
   * @param expected baseline shares
   * @param actual live shares
   * @return {@code sum (a_i - e_i) ln(a_i / e_i)} with shares floored at {@link #PSI_EPSILON}
   */
  public static double psi(double[] expected, double[] actual) {
    sameLength(expected, actual);
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      double e = Math.max(expected[i], PSI_EPSILON);
      double a = Math.max(actual[i], PSI_EPSILON);
      sum += (a - e) * Math.log(a / e);
    }
    return sum;
  }

  /**
   * Jensen-Shannon distance, base 2: {@code sqrt(KL(p||m)/2 + KL(q||m)/2)} with
   * {@code m = (p+q)/2} and {@code 0 log 0 = 0}; 0 for identical, 1 for disjoint distributions.
   *
   * @param p one distribution's shares
   * @param q the other's
   * @return the distance in [0, 1]
   */
  public static double jensenShannon(double[] p, double[] q) {
    sameLength(p, q);
    double divergence = 0;
    for (int i = 0; i < p.length; i++) {
      double m = (p[i] + q[i]) / 2;
      if (p[i] > 0) {
        divergence += p[i] * Math.log(p[i] / m);
      }
      if (q[i] > 0) {
        divergence += q[i] * Math.log(q[i] / m);
      }
    }
    double bits = divergence / 2 / LN2;
    return Math.sqrt(Math.min(1, Math.max(0, bits)));
  }

  /**
   * Kolmogorov-Smirnov statistic of two binned distributions: the largest absolute difference
   * of their cumulative shares at the bin boundaries.
   *
   * @param p one distribution's shares, bins in ascending value order
   * @param q the other's
   * @return the statistic
   */
  public static double ks(double[] p, double[] q) {
    sameLength(p, q);
    double cp = 0;
    double cq = 0;
    double max = 0;
    for (int i = 0; i < p.length; i++) {
      cp += p[i];
      cq += q[i];
      max = Math.max(max, Math.abs(cp - cq));
    }
    return max;
  }

  /**
   * Wasserstein-1 distance of two binned distributions whose mass is spread uniformly within
   * each bin: the integral of the absolute difference of their (piecewise linear) cumulative
   * distribution functions.
   *
   * @param boundaries {@code n+1} ascending bin boundaries; bin {@code i} spans
   *     {@code [boundaries[i], boundaries[i+1]]}
   * @param p one distribution's shares of the {@code n} bins (normalised to sum to 1 here)
   * @param q the other's
   * @return the distance, in the unit of the values
   */
  public static double wasserstein(double[] boundaries, double[] p, double[] q) {
    sameLength(p, q);
    if (boundaries.length != p.length + 1) {
      throw new IllegalArgumentException(p.length + " bins need " + (p.length + 1)
          + " boundaries, got " + boundaries.length);
    }
    double sp = sum(p);
    double sq = sum(q);
    if (sp <= 0 || sq <= 0) {
      return 0;
    }
    double cp = 0;
    double cq = 0;
    double total = 0;
    for (int i = 0; i < p.length; i++) {
      double d0 = cp - cq;
      cp += p[i] / sp;
      cq += q[i] / sq;
      double d1 = cp - cq;
      double width = boundaries[i + 1] - boundaries[i];
      if (width <= 0) {
        continue;
      }
      if (d0 * d1 >= 0) {
        total += (Math.abs(d0) + Math.abs(d1)) / 2 * width;
      } else { // the difference crosses zero inside the bin: two triangles
        total += (d0 * d0 + d1 * d1) / (2 * (Math.abs(d0) + Math.abs(d1))) * width;
      }
    }
    return total;
  }

  /**
   * L-infinity distance: the largest absolute difference of shares.
   *
   * @param p one distribution's shares
   * @param q the other's
   * @return the distance
   */
  public static double lInfinity(double[] p, double[] q) {
    sameLength(p, q);
    double max = 0;
    for (int i = 0; i < p.length; i++) {
      max = Math.max(max, Math.abs(p[i] - q[i]));
    }
    return max;
  }

  /**
   * Pearson chi-square statistic of observed counts against expected shares. Categories that
   * are empty on both sides are left out; a category whose expected share is 0 but which was
   * observed is given {@link #PSI_EPSILON}, so an unseen category raises the statistic instead
   * of dividing by zero.
   *
   * @param expected baseline shares
   * @param observed live counts
   * @return the statistic, 0 when there are no observations
   */
  public static double chiSquare(double[] expected, long[] observed) {
    Objects.requireNonNull(expected, "expected");
    Objects.requireNonNull(observed, "observed");
    if (expected.length != observed.length) {
      throw new IllegalArgumentException("distributions have " + expected.length + " and "
          + observed.length + " bins");
    }
    long n = 0;
    for (long o : observed) {
      n += o;
    }
    if (n == 0) {
      return 0;
    }
    double norm = 0;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] > 0 || observed[i] > 0) {
        norm += Math.max(expected[i], PSI_EPSILON);
      }
    }
    double sum = 0;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] > 0 || observed[i] > 0) {
        double e = n * Math.max(expected[i], PSI_EPSILON) / norm;
        double d = observed[i] - e;
        sum += d * d / e;
      }
    }
    return sum;
  }

  /**
   * Degrees of freedom of {@link #chiSquare}: the categories used (non-empty on either side)
   * minus one, at least 1.
   *
   * @param expected baseline shares
   * @param observed live counts
   * @return the degrees of freedom
   */
  public static int chiSquareDegreesOfFreedom(double[] expected, long[] observed) {
    int used = 0;
    for (int i = 0; i < expected.length; i++) {
      if (expected[i] > 0 || observed[i] > 0) {
        used++;
      }
    }
    return Math.max(1, used - 1);
  }

  /**
   * Upper-tail probability of a chi-square statistic.
   *
   * @param statistic the statistic, at least 0
   * @param degreesOfFreedom at least 1
   * @return the p-value
   */
  public static double chiSquarePValue(double statistic, int degreesOfFreedom) {
    if (degreesOfFreedom < 1) {
      throw new IllegalArgumentException("degrees of freedom must be >= 1: " + degreesOfFreedom);
    }
    return ChiSquaredDistribution.of(degreesOfFreedom).survivalProbability(statistic);
  }

  /**
   * Cosine distance {@code 1 - a.b / (|a| |b|)}; 0 when either vector is zero.
   *
   * @param a one vector
   * @param b the other, same length
   * @return the distance in [0, 2]
   */
  public static double cosineDistance(double[] a, double[] b) {
    sameLength(a, b);
    double dot = 0;
    double na = 0;
    double nb = 0;
    for (int i = 0; i < a.length; i++) {
      dot += a[i] * b[i];
      na += a[i] * a[i];
      nb += b[i] * b[i];
    }
    if (na == 0 || nb == 0) {
      return 0;
    }
    return Math.max(0, Math.min(2, 1 - dot / Math.sqrt(na * nb)));
  }

  private static double sum(double[] a) {
    double s = 0;
    for (double v : a) {
      s += v;
    }
    return s;
  }
}
