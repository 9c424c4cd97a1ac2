package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PercentileAccuracyTest {

  /**
   * The nearest-rank percentile of a sorted array: the exact reference, computed apart. The rank
   * is {@code ceil(permille * n / 1000)} in integer arithmetic, so no floating-point noise
   * (99.9 / 100 * 100000 is 99900.00000000001 in doubles) can move it by one.
   */
  private static long nearestRank(long[] sorted, int permille) {
    long rank = ((long) permille * sorted.length + 999) / 1000;
    return sorted[(int) Math.max(0, rank - 1)];
  }

  @ParameterizedTest(name = "{0} digits, seed {1}")
  @CsvSource({"1, 1", "2, 7", "2, 42", "3, 11"})
  void snapshot_lognormalLatencies_matchExactSortedReferenceWithinPrecision(int digits, long seed) {
    MonitorConfig config = MonitorConfig.custom().latencyPrecision(digits).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().defaultConfig(config).build()) {
      ModelMonitor<Object, Object> monitor = registry.monitor("ctr", "v1");
      SplittableRandom random = new SplittableRandom(seed);
      long[] values = new long[100_000];
      double sum = 0;
      for (int i = 0; i < values.length; i++) {
        // median about 2 ms, long right tail: what model latencies look like
        double gaussian = Math.sqrt(-2 * Math.log(random.nextDouble()))
            * Math.cos(2 * Math.PI * random.nextDouble());
        values[i] = Math.max(1_000, (long) (2e6 * Math.exp(0.8 * gaussian)));
        sum += values[i];
        monitor.record(values[i]);
      }
      long[] sorted = values.clone();
      Arrays.sort(sorted);

      LatencySummary s = monitor.snapshot().totalLatency();

      // HdrHistogram with d significant digits: relative error below 10^-d
      double tolerance = Math.pow(10, -digits);
      assertThat(s.count()).isEqualTo(values.length);
      assertWithin(s.p50Nanos(), nearestRank(sorted, 500), tolerance);
      assertWithin(s.p90Nanos(), nearestRank(sorted, 900), tolerance);
      assertWithin(s.p95Nanos(), nearestRank(sorted, 950), tolerance);
      assertWithin(s.p99Nanos(), nearestRank(sorted, 990), tolerance);
      assertWithin(s.p999Nanos(), nearestRank(sorted, 999), tolerance);
      assertWithin(s.maxNanos(), sorted[sorted.length - 1], tolerance);
      assertThat(s.meanNanos()).isCloseTo(sum / values.length,
          org.assertj.core.data.Percentage.withPercentage(tolerance * 100));
    }
  }

  @ParameterizedTest(name = "window of {0} calls")
  @CsvSource({"1", "3", "1000"})
  void window_smallSamples_areExactWithinPrecision(int n) {
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Object, Object> monitor = registry.monitor("ctr", "v1");
      long[] values = new long[n];
      for (int i = 0; i < n; i++) {
        values[i] = 1_000_000L + 37_000L * i;
        monitor.record(Duration.ofNanos(values[i]));
      }
      ticker.advance(Duration.ofSeconds(10));
      LatencySummary w = registry.tickNow().get("ctr").windowLatency();

      assertThat(w.count()).isEqualTo(n);
      assertWithin(w.p50Nanos(), nearestRank(values, 500), 0.01);
      assertWithin(w.p99Nanos(), nearestRank(values, 990), 0.01);
      assertWithin(w.maxNanos(), values[n - 1], 0.01);
    }
  }

  private static void assertWithin(long actual, long expected, double relative) {
    assertThat((double) actual)
        .as("expected %d within %.4f relative", expected, relative)
        .isBetween(expected * (1 - relative), expected * (1 + relative));
  }
}
