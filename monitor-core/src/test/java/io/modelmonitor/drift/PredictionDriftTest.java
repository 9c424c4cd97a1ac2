package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import java.time.Duration;
import java.util.Arrays;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/** Baseline.predictionDrift: two samples compared as a monitor compares a window. */
class PredictionDriftTest {

  private static double[] repeat(double[] values, int[] counts) {
    double[] out = new double[Arrays.stream(counts).sum()];
    int k = 0;
    for (int i = 0; i < values.length; i++) {
      for (int c = 0; c < counts[i]; c++) {
        out[k++] = values[i];
      }
    }
    return out;
  }

  @Test
  void predictionDrift_fourValues_psiAndKsEqualTheHandComputation() {
    double[] values = {0.1, 0.2, 0.3, 0.4};
    Baseline reference = Baseline.builder().predictions(repeat(values, new int[] {25, 25, 25,
        25})).build();

    FeatureDrift d = reference.predictionDrift(repeat(values, new int[] {40, 30, 20, 10}),
        DriftPolicy.DEFAULTS);

    // one bin per distinct value: shares 0.25 each against 0.4, 0.3, 0.2, 0.1
    double psi = 0.15 * Math.log(0.4 / 0.25) + 0.05 * Math.log(0.3 / 0.25)
        - 0.05 * Math.log(0.2 / 0.25) - 0.15 * Math.log(0.1 / 0.25);
    assertThat(d.value(DriftStatistic.PSI)).isCloseTo(psi, within(1e-12));
    assertThat(d.value(DriftStatistic.KS)).isCloseTo(0.2, within(1e-12)); // 0.15, 0.2, 0.15, 0
    assertThat(d.samples()).isEqualTo(100);
    assertThat(d.baselineCount()).isEqualTo(100);
    assertThat(d.mean()).isCloseTo(0.2, within(1e-12));
    assertThat(d.feature()).isEqualTo("_prediction");
  }

  @Test
  void predictionDrift_sameSample_zeroAndOk() {
    double[] sample = new SplittableRandom(3).doubles(5_000).toArray();
    FeatureDrift d = Baseline.builder().predictions(sample).build()
        .predictionDrift(sample, DriftPolicy.DEFAULTS);
    assertThat(d.value(DriftStatistic.PSI)).isZero();
    assertThat(d.value(DriftStatistic.KS)).isZero();
    assertThat(d.value(DriftStatistic.JENSEN_SHANNON)).isZero();
    assertThat(d.status()).isEqualTo(DriftStatus.OK);
  }

  @Test
  void predictionDrift_equalsWhatAMonitorReportsForTheSameScores() {
    SplittableRandom r = new SplittableRandom(11);
    double[] reference = r.doubles(4_000).toArray();
    double[] live = r.doubles(3_000).map(x -> Math.min(1, x * 1.2)).toArray();
    Baseline baseline = Baseline.builder().predictions(reference).build();
    AtomicLong nanos = new AtomicLong();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(nanos::get).build()) {
      ModelMonitor<Double, Double> m = registry.<Double, Double>monitorBuilder("ctr", "v1")
          .baseline(baseline).prediction(PredictionSpec.score(Double::doubleValue))
          .config(MonitorConfig.ofDefaults()).build();
      DoubleUnaryOperator model = x -> m.decorateFunction((Double y) -> y).apply(x);
      Arrays.stream(live).forEach(model::applyAsDouble);
      nanos.addAndGet(Duration.ofSeconds(10).toNanos());
      FeatureDrift monitored = registry.tickNow().get("ctr").windowDrift().prediction();

      FeatureDrift direct = baseline.predictionDrift(live, DriftPolicy.DEFAULTS);

      assertThat(direct.statistics()).isEqualTo(monitored.statistics());
      assertThat(direct.status()).isEqualTo(monitored.status());
      assertThat(direct.value(DriftStatistic.PSI)).isGreaterThan(0.01);
    }
  }

  @Test
  void predictionDrift_baselineWithoutPrediction_refused() {
    Baseline none = Baseline.builder().build();
    assertThatThrownBy(() -> none.predictionDrift(new double[] {1}, DriftPolicy.DEFAULTS))
        .isInstanceOf(IllegalStateException.class).hasMessageContaining("prediction profile");
  }
}
