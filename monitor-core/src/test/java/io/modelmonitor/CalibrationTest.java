package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.Calibration;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatistics;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.NumericProfile;
import io.modelmonitor.schema.FeatureSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class CalibrationTest {

  record Row(double x) {}

  private static List<Row> rows(int n, long seed, double shift) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Row(shift + Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
          * Math.cos(2 * Math.PI * r.nextDouble())));
    }
    return out;
  }

  private static final FeatureSchema<Row> SCHEMA = FeatureSchema.forRecord(Row.class).build();

  @Test
  void calibration_isTheChunkStatisticsMeanAndStd_computedIndependently() {
    List<Row> reference = rows(50_000, 1, 0);
    Baseline b = Baseline.builder().features(reference, SCHEMA).calibrate(5_000).build();
    Calibration psi = b.calibration().get("x").get(DriftStatistic.PSI);
    assertThat(psi.chunks()).isEqualTo(10);

    // the same thing by hand: bin each chunk against the profile, PSI, mean and sample std
    NumericProfile p = (NumericProfile) b.features().get("x");
    double[] values = new double[10];
    for (int c = 0; c < 10; c++) {
      double[] shares = new double[p.binCount()];
      for (Row row : reference.subList(c * 5_000, (c + 1) * 5_000)) {
        shares[p.binOf(row.x())] += 1 / 5_000.0;
      }
      values[c] = DriftStatistics.psi(p.shares(), shares);
    }
    double mean = java.util.Arrays.stream(values).average().orElseThrow();
    double ss = java.util.Arrays.stream(values).map(v -> (v - mean) * (v - mean)).sum();
    assertThat(psi.mean()).isCloseTo(mean, within(1e-9));
    assertThat(psi.std()).isCloseTo(Math.sqrt(ss / 9), within(1e-9));
    assertThat(psi.alert()).isCloseTo(mean + 3 * Math.sqrt(ss / 9), within(1e-9));
  }

  @Test
  void calibratedThresholds_catchASmallShiftFixedOnesMiss_andStayQuietOtherwise()
      throws Exception {
    List<Row> reference = rows(100_000, 2, 0);
    Baseline fixed = Baseline.fit(reference, SCHEMA);
    Baseline calibrated = Baseline.builder().features(reference, SCHEMA).calibrate(5_000)
        .build();
    assertThat(Baseline.fromJson(calibrated.toJson())).isEqualTo(calibrated);
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> a = registry.<Row, Double>monitorBuilder("fixed", "v1")
          .schema(SCHEMA).baseline(fixed).build();
      ModelMonitor<Row, Double> c = registry.<Row, Double>monitorBuilder("calibrated", "v1")
          .schema(SCHEMA).baseline(calibrated).build();
      Function<Row, Double> fa = a.decorateFunction(r -> 0.0);
      Function<Row, Double> fc = c.decorateFunction(r -> 0.0);
      for (Row r : rows(5_000, 3, 0.15)) { // a shift of 0.15 std
        fa.apply(r);
        fc.apply(r);
      }
      ticker.advance(Duration.ofSeconds(60));
      var snapshots = registry.tickNow();
      FeatureDrift viaFixed = snapshots.get("fixed").windowDrift().feature("x").orElseThrow();
      FeatureDrift viaCalibrated = snapshots.get("calibrated").windowDrift().feature("x")
          .orElseThrow();
      assertThat(viaFixed.status()).isEqualTo(DriftStatus.OK);
      assertThat(viaCalibrated.status()).isEqualTo(DriftStatus.ALERT);

      for (Row r : rows(5_000, 4, 0)) { // no shift
        fc.apply(r);
      }
      ticker.advance(Duration.ofSeconds(60));
      assertThat(registry.tickNow().get("calibrated").windowDrift().feature("x").orElseThrow()
          .status()).isEqualTo(DriftStatus.OK);
    }
  }
}
