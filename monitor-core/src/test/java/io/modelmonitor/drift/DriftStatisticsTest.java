package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** Each statistic against a value computed another way: closed forms, published values. */
class DriftStatisticsTest {

  @Test
  void psi_handComputedExample_andTheFleetExampleOfTheDesign() {
    double[] e = {0.25, 0.25, 0.25, 0.25};
    double[] a = {0.1, 0.2, 0.3, 0.4};
    // written out term by term
    double expected = -0.15 * Math.log(0.4) - 0.05 * Math.log(0.8) + 0.05 * Math.log(1.2)
        + 0.15 * Math.log(1.6);
    assertThat(DriftStatistics.psi(e, a)).isCloseTo(expected, within(1e-12));
    assertThat(DriftStatistics.psi(e, a)).isCloseTo(0.2282178, within(1e-6));
    // two replicas at 70/30 and 50/50 merge to 60/40 against a 50/50 baseline
    assertThat(DriftStatistics.psi(new double[] {0.5, 0.5}, new double[] {0.6, 0.4}))
        .isCloseTo(0.1 * Math.log(1.2) - 0.1 * Math.log(0.8), within(1e-15));
  }

  @Test
  void psi_emptyBins_useTheEpsilonRule_identicalIsZero() {
    double[] base = {0.5, 0.5, 0.0};
    double[] live = {0.4, 0.4, 0.2};
    double eps = DriftStatistics.PSI_EPSILON;
    double expected = -0.1 * Math.log(0.8) * 2 + (0.2 - eps) * Math.log(0.2 / eps);
    assertThat(DriftStatistics.psi(base, live)).isCloseTo(expected, within(1e-12));
    assertThat(DriftStatistics.psi(live, live)).isZero();
  }

  /** JS distance from entropies: sqrt(H(m) - (H(p) + H(q)) / 2), in bits. */
  private static double jsByEntropy(double[] p, double[] q) {
    double[] m = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      m[i] = (p[i] + q[i]) / 2;
    }
    return Math.sqrt(entropyBits(m) - (entropyBits(p) + entropyBits(q)) / 2);
  }

  private static double entropyBits(double[] p) {
    double h = 0;
    for (double x : p) {
      if (x > 0) {
        h -= x * Math.log(x) / Math.log(2);
      }
    }
    return h;
  }

  @Test
  void jensenShannon_publishedScipyValues_andEntropyForm() {
    // scipy.spatial.distance.jensenshannon([1,0,0], [0,1,0], base=2) == 1.0
    assertThat(DriftStatistics.jensenShannon(new double[] {1, 0, 0}, new double[] {0, 1, 0}))
        .isCloseTo(1.0, within(1e-12));
    // scipy: jensenshannon([1.0, 0.0], [0.5, 0.5]) == 0.46450140402245893 (natural log);
    // the base-2 distance divides it by sqrt(ln 2)
    assertThat(DriftStatistics.jensenShannon(new double[] {1, 0}, new double[] {0.5, 0.5}))
        .isCloseTo(0.46450140402245893 / Math.sqrt(Math.log(2)), within(1e-12));
    SplittableRandom r = new SplittableRandom(5);
    for (int trial = 0; trial < 100; trial++) {
      double[] p = randomShares(r, 12);
      double[] q = randomShares(r, 12);
      assertThat(DriftStatistics.jensenShannon(p, q)).isCloseTo(jsByEntropy(p, q), within(1e-9));
    }
    double[] same = randomShares(r, 5);
    assertThat(DriftStatistics.jensenShannon(same, same)).isZero();
  }

  @Test
  void ks_largestCumulativeGap() {
    assertThat(DriftStatistics.ks(new double[] {0.2, 0.3, 0.5}, new double[] {0.5, 0.3, 0.2}))
        .isCloseTo(0.3, within(1e-12));
    assertThat(DriftStatistics.ks(new double[] {1, 0}, new double[] {0, 1})).isEqualTo(1.0);
  }

  /** W1 as the integral of |Q_p(u) - Q_q(u)| over u, with piecewise-uniform quantiles. */
  private static double wassersteinByQuantiles(double[] b, double[] p, double[] q) {
    int steps = 2_000_000;
    double total = 0;
    for (int s = 0; s < steps; s++) {
      double u = (s + 0.5) / steps;
      total += Math.abs(quantile(b, p, u) - quantile(b, q, u));
    }
    return total / steps;
  }

  private static double quantile(double[] b, double[] p, double u) {
    double c = 0;
    for (int i = 0; i < p.length; i++) {
      if (p[i] > 0 && u <= c + p[i]) {
        return b[i] + (u - c) / p[i] * (b[i + 1] - b[i]);
      }
      c += p[i];
    }
    return b[b.length - 1];
  }

  @Test
  void wasserstein_uniformShift_isExact_andMatchesTheQuantileIntegral() {
    // U[0, 1] against U[0.5, 1.5]: W1 = 0.5 exactly
    double[] b = {0, 0.5, 1, 1.5};
    assertThat(DriftStatistics.wasserstein(b, new double[] {0.5, 0.5, 0},
        new double[] {0, 0.5, 0.5})).isCloseTo(0.5, within(1e-12));
    SplittableRandom r = new SplittableRandom(9);
    for (int trial = 0; trial < 5; trial++) {
      double[] bounds = new double[9];
      for (int i = 1; i < bounds.length; i++) {
        bounds[i] = bounds[i - 1] + 0.1 + r.nextDouble();
      }
      double[] p = randomShares(r, 8);
      double[] q = randomShares(r, 8);
      assertThat(DriftStatistics.wasserstein(bounds, p, q))
          .isCloseTo(wassersteinByQuantiles(bounds, p, q), within(1e-5));
    }
  }

  @Test
  void lInfinity_andCosine() {
    assertThat(DriftStatistics.lInfinity(new double[] {0.7, 0.2, 0.1},
        new double[] {0.3, 0.3, 0.4})).isCloseTo(0.4, within(1e-12));
    assertThat(DriftStatistics.cosineDistance(new double[] {1, 0}, new double[] {0, 1}))
        .isCloseTo(1, within(1e-12));
    assertThat(DriftStatistics.cosineDistance(new double[] {1, 1}, new double[] {2, 2}))
        .isCloseTo(0, within(1e-12));
    assertThat(DriftStatistics.cosineDistance(new double[] {1, 0}, new double[] {-1, 0}))
        .isCloseTo(2, within(1e-12));
  }

  @Test
  void chiSquare_statisticAndPValue_againstClosedFormsAndTables() {
    double x2 = DriftStatistics.chiSquare(new double[] {1 / 3.0, 1 / 3.0, 1 / 3.0},
        new long[] {10, 20, 30});
    assertThat(x2).isCloseTo(10.0, within(1e-9));
    // with 2 degrees of freedom the survival function is exp(-x/2)
    assertThat(DriftStatistics.chiSquarePValue(x2, 2)).isCloseTo(Math.exp(-5), within(1e-12));
    // table values: the 95th percentiles of chi-square with 1 and 5 dof
    assertThat(DriftStatistics.chiSquarePValue(3.841458820694124, 1)).isCloseTo(0.05,
        within(1e-9));
    assertThat(DriftStatistics.chiSquarePValue(11.070497693516351, 5)).isCloseTo(0.05,
        within(1e-9));
    assertThat(DriftStatistics.chiSquare(new double[] {0.5, 0.5}, new long[] {0, 0})).isZero();
  }

  private static double[] randomShares(SplittableRandom r, int n) {
    double[] p = new double[n];
    double s = 0;
    for (int i = 0; i < n; i++) {
      p[i] = r.nextInt(4) == 0 ? 0 : r.nextDouble();
      s += p[i];
    }
    if (s == 0) {
      p[0] = 1;
      s = 1;
    }
    for (int i = 0; i < n; i++) {
      p[i] /= s;
    }
    return p;
  }
}
