package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.MetricNames;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.FeatureDrift;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** NaN scores in a shadow comparison, and the one report the meters share per scrape. */
class ShadowComparisonTest {

  private static ShadowComparison comparison(double tolerance) {
    return new ShadowComparison("ctr:v3", "ctr-shadow:v4", tolerance, 10_000, 10,
        DriftPolicy.DEFAULTS);
  }

  @Test
  void compare_nanOnEitherSide_countedApartOneSidedDisagreesAndKeptOutOfSums() {
    ShadowComparison c = comparison(0.1);
    c.compare(new double[] {0.1, 0.2, Double.NaN, 0.4, Double.NaN, 0.6},
        new double[] {0.15, 0.2, 0.3, Double.NaN, Double.NaN, 0.9});

    ShadowReport r = c.report();
    assertThat(r.comparedRows()).isEqualTo(6);
    assertThat(r.nanRows()).isEqualTo(3);
    // rows 0, 1, 5 differ by 0.05, 0, 0.3
    assertThat(r.meanAbsDiff()).isCloseTo((0.05 + 0 + 0.3) / 3, within(1e-12));
    assertThat(r.maxAbsDiff()).isCloseTo(0.3, within(1e-12));
    // disagreeing: row 5 (0.3 > 0.1), rows 2 and 3 (NaN on one side); row 4 (both NaN) agrees
    assertThat(r.exceedShare()).isEqualTo(3 / 6.0);
    assertThat(r.windowRows()).isEqualTo(3);
  }

  @Test
  void report_nanRowsAmongMany_driftEqualsTheNanFreePairsAlone() {
    SplittableRandom random = new SplittableRandom(7);
    int n = 2_000;
    double[] a = new double[n];
    double[] b = new double[n];
    List<Double> cleanA = new ArrayList<>();
    List<Double> cleanB = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      a[i] = random.nextDouble();
      b[i] = Math.min(1, a[i] + 0.05 * random.nextDouble());
      if (i % 7 == 3) {
        b[i] = Double.NaN;
      } else if (i % 11 == 5) {
        a[i] = Double.NaN;
      } else {
        cleanA.add(a[i]);
        cleanB.add(b[i]);
      }
    }
    ShadowComparison c = comparison(0.04);
    c.compare(a, b);
    ShadowReport r = c.report();

    double[] ra = cleanA.stream().mapToDouble(Double::doubleValue).toArray();
    double[] rb = cleanB.stream().mapToDouble(Double::doubleValue).toArray();
    FeatureDrift expected = Baseline.builder().predictions(ra).build()
        .predictionDrift(rb, DriftPolicy.DEFAULTS);
    double sum = 0;
    double max = 0;
    long exceeding = n - ra.length; // every NaN row here is one-sided
    for (int i = 0; i < ra.length; i++) {
      double d = Math.abs(rb[i] - ra[i]);
      sum += d;
      max = Math.max(max, d);
      exceeding += d > 0.04 ? 1 : 0;
    }
    assertThat(r.nanRows()).isEqualTo(n - ra.length);
    assertThat(r.windowRows()).isEqualTo(ra.length);
    assertThat(r.meanAbsDiff()).isCloseTo(sum / ra.length, within(1e-12));
    assertThat(r.maxAbsDiff()).isEqualTo(max);
    assertThat(r.exceedShare()).isCloseTo((double) exceeding / n, within(1e-12));
    for (DriftStatistic s : List.of(DriftStatistic.PSI, DriftStatistic.JENSEN_SHANNON,
        DriftStatistic.KS, DriftStatistic.WASSERSTEIN)) {
      assertThat(r.drift().value(s)).as(s.tag()).isEqualTo(expected.value(s)).isNotNaN();
    }
  }

  @Test
  void gauges_oneScrapeWhileRowsArrive_reportComputedOnceThenAgainAfterMaxAge()
      throws Exception {
    AtomicLong clock = new AtomicLong();
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession v3 = MonitoredOnnxSession.open(registry, "ctr", "v3",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
        MonitoredOnnxSession v4 = MonitoredOnnxSession.open(registry, "ctr-shadow", "v4",
            MonitoredOnnxSessionTest.model("ctr_logreg_challenger.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(v3, v4).synchronous()
            .meterRegistry(meters).nanoClock(clock::get).build()) {
      List<Map<String, Object>> rows = OnnxMetadataTest.traffic(50, 11, 1, 200);
      List<Gauge> gauges = new ArrayList<>(meters.find(MetricNames.SHADOW_DISAGREEMENT)
          .gauges());
      gauges.addAll(meters.find(MetricNames.SHADOW_DRIFT).gauges());
      assertThat(gauges).hasSize(8);

      int i = 0;
      for (Gauge g : gauges) { // rows are compared between the gauges of one scrape
        shadow.score(rows.get(i++));
        g.value();
      }
      assertThat(shadow.comparison().computations.get()).isEqualTo(1);

      clock.addAndGet(ShadowOnnxSession.GAUGE_MAX_AGE_NANOS);
      shadow.score(rows.get(i++));
      for (Gauge g : gauges) {
        g.value();
      }
      assertThat(shadow.comparison().computations.get()).isEqualTo(2);
      // the report() API stays fresh: it sees every row compared so far
      assertThat(shadow.report().comparedRows()).isEqualTo(i);
      assertThat(meters.get(MetricNames.SHADOW_DISAGREEMENT)
          .tag(MetricNames.TAG_STATISTIC, "nan_share").gauge().value()).isZero();
    }
  }
}
