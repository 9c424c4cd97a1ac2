package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** {@link NumericProfile#binOf} against the plain binary search it replaced, value by value. */
class NumericProfileBinTest {

  /** The lookup as it was: {@link Arrays#binarySearch(double[], double)} over the edges. */
  private static int reference(double[] edges, double x) {
    if (Double.isNaN(x)) {
      return edges.length + 1;
    }
    int i = Arrays.binarySearch(edges, x + 0.0);
    if (i >= 0) {
      return i == 0 ? 1 : i;
    }
    int insertion = -i - 1;
    if (insertion == 0) {
      return 0;
    }
    return insertion == edges.length ? edges.length : insertion;
  }

  private static NumericProfile profile(double[] edges) {
    double[] shares = new double[edges.length + 2];
    shares[1] = 1;
    double[] quantiles = new double[NumericProfile.QUANTILE_LEVELS.size()];
    Arrays.fill(quantiles, edges[0]);
    return new NumericProfile(10, 0, edges[0], 0, edges, shares, quantiles);
  }

  /** Every edge, its neighbours one ulp away, the midpoints, the extremes and the specials. */
  private static List<Double> adversarial(double[] edges) {
    List<Double> xs = new ArrayList<>(List.of(Double.NaN, -Double.NaN,
        Double.longBitsToDouble(0x7ff0000000000123L), Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 0.0, -0.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, Double.MIN_NORMAL, -Double.MIN_NORMAL));
    for (int i = 0; i < edges.length; i++) {
      double e = edges[i];
      xs.add(e);
      xs.add(-e);
      xs.add(Math.nextUp(e));
      xs.add(Math.nextDown(e));
      xs.add(Math.nextUp(Math.nextUp(e)));
      xs.add(Math.nextDown(Math.nextDown(e)));
      if (i > 0) {
        xs.add((edges[i - 1] + e) / 2);
      }
    }
    return xs;
  }

  /** Compares every value; returns how many were compared, so a test sees it ran. */
  private static int assertSameBins(double[] edges, Iterable<Double> xs) {
    NumericProfile p = profile(edges);
    int compared = 0;
    for (double x : xs) {
      int expected = reference(edges, x);
      int actual = p.binOf(x);
      if (actual != expected) { // AssertJ only on a mismatch: millions of values are compared
        assertThat(actual).as("x=%s (bits %x) edges=%s", x, Double.doubleToRawLongBits(x),
            Arrays.toString(edges)).isEqualTo(expected);
      }
      compared++;
    }
    return compared;
  }

  private static double[] randomEdges(SplittableRandom r) {
    int n = 2 + r.nextInt(r.nextBoolean() ? 20 : 1_000);
    double[] edges = new double[n];
    int style = r.nextInt(4);
    for (int i = 0; i < n; i++) {
      edges[i] = switch (style) {
        case 0 -> r.nextGaussian();
        case 1 -> Math.exp(3 * r.nextGaussian()); // log-normal, as real features
        case 2 -> r.nextInt(5) - 2; // few distinct values: long runs of equal edges
        default -> r.nextInt(3) == 0 ? 0.0 : (r.nextDouble() - 0.5) * 1e300;
      };
    }
    Arrays.sort(edges);
    for (int i = 0; i < n; i++) {
      edges[i] += 0.0; // sort puts -0.0 first; a profile's edges are finite and ascending
    }
    return edges;
  }

  @Test
  void binOf_randomEdgesAndValues_equalsBinarySearchForEveryValue() {
    SplittableRandom r = new SplittableRandom(11);
    long compared = 0;
    for (int trial = 0; trial < 1_000; trial++) {
      double[] edges = randomEdges(r);
      List<Double> xs = adversarial(edges);
      double lo = edges[0];
      double hi = edges[edges.length - 1];
      double span = Math.max(1e-9, hi - lo);
      for (int j = 0; j < 500; j++) {
        xs.add(lo - span * 0.1 + r.nextDouble() * span * 1.2);
        xs.add(edges[r.nextInt(edges.length)]);
        xs.add(Double.longBitsToDouble(r.nextLong())); // any bit pattern: NaNs, subnormals
      }
      compared += assertSameBins(edges, xs);
    }
    assertThat(compared).isGreaterThan(1_000_000);
  }

  @Test
  void binOf_repeatedEdges_followBinarySearchsPickWithinTheRun() {
    double[][] cases = {
        {1, 1}, {1, 1, 1}, {0, 0, 1}, {0, 1, 1}, {0, 1, 1, 1, 1, 2}, {2, 2, 2, 2, 2, 2, 2},
        {-1, 0, 0, 0, 0, 0, 0, 0, 3}, {5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10},
    };
    for (double[] edges : cases) {
      assertThat(assertSameBins(edges, adversarial(edges))).isPositive();
    }
  }

  @Test
  void binOf_negativeZeroEdge_fallsBackToTheSearch_sameBins() {
    double[][] cases = {{-0.0, 1}, {-1, -0.0, 0.0, 1}, {-0.0, -0.0, 0.0}};
    for (double[] edges : cases) {
      assertThat(assertSameBins(edges, adversarial(edges))).isPositive();
    }
  }

  @Test
  void binOf_documentedBins_underflowEdgesOverflowMissing() {
    NumericProfile p = profile(new double[] {0, 1, 2, 4});
    assertThat(p.binOf(-1)).isZero();
    assertThat(p.binOf(0)).isEqualTo(1); // the first edge closes the first bin
    assertThat(p.binOf(0.5)).isEqualTo(1);
    assertThat(p.binOf(1)).isEqualTo(1);
    assertThat(p.binOf(1.5)).isEqualTo(2);
    assertThat(p.binOf(4)).isEqualTo(3);
    assertThat(p.binOf(Math.nextUp(4.0))).isEqualTo(4);
    assertThat(p.binOf(Double.POSITIVE_INFINITY)).isEqualTo(4);
    assertThat(p.binOf(Double.NEGATIVE_INFINITY)).isZero();
    assertThat(p.binOf(Double.NaN)).isEqualTo(5);
  }
}
