package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.BaselineFormatException;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatistics;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.NumericProfile;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.drift.RecommendationSummary;
import io.modelmonitor.drift.ScoreSummary;
import io.modelmonitor.schema.FeatureSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Inputs found by a second reader of the drift code; each once broke an invariant. */
class DriftEdgeCasesTest {

  record Row(double x, String c, boolean b, float[] v) {}

  private static final FeatureSchema<Row> SCHEMA = FeatureSchema.forRecord(Row.class).build();
  private final FakeTicker ticker = new FakeTicker();

  private static List<Row> rows(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Row(r.nextDouble(), "a", i % 2 == 0, new float[] {(float) r.nextDouble(), 1f}));
    }
    return out;
  }

  private DriftReport window(MonitorRegistry registry, ModelMonitor<Row, Double> m,
      List<Row> live) {
    Function<Row, Double> model = m.decorateFunction(r -> 0.5);
    live.forEach(model::apply);
    ticker.advance(Duration.ofSeconds(60));
    return registry.tickNow().get("m").windowDrift();
  }

  private ModelMonitor<Row, Double> monitor(MonitorRegistry registry, Baseline b,
      MonitorConfig config) {
    return registry.<Row, Double>monitorBuilder("m", "v1").schema(SCHEMA).baseline(b)
        .config(config).build();
  }

  @Test
  void hostileLiveValues_neverStopTheMonitor_neverLeakNonFiniteNumbers() {
    Baseline b = Baseline.fit(rows(2_000, 1), SCHEMA);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> m = monitor(registry, b, MonitorConfig.ofDefaults());
      List<Row> hostile = new ArrayList<>(rows(500, 2));
      for (int i = 0; i < 200; i++) {
        hostile.add(new Row(Double.MAX_VALUE, "a", true, new float[] {Float.NaN, 1f}));
        hostile.add(new Row(-Double.MAX_VALUE, "a", true, new float[] {1f, 2f, 3f}));
        hostile.add(new Row(Double.POSITIVE_INFINITY, "a", true,
            new float[] {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}));
      }
      DriftReport r = window(registry, m, hostile);
      for (FeatureDrift f : r.features()) {
        assertThat(f.statistics().values()).allSatisfy(v -> assertThat(v).isFinite());
        assertThat(f.mean()).isFinite();
        assertThat(f.std()).isFinite();
      }
      FeatureDrift x = r.feature("x").orElseThrow();
      assertThat(x.value(DriftStatistic.WASSERSTEIN)).isFinite().isGreaterThan(1e300);
      assertThat(x.status()).isEqualTo(DriftStatus.ALERT);
      FeatureDrift v = r.feature("v").orElseThrow();
      assertThat(v.missingShare()).isCloseTo(600 / 1_100.0, within(1e-12)); // bad vectors
      // and the next, clean window closes normally
      DriftReport next = window(registry, m, rows(500, 3));
      assertThat(next.feature("x").orElseThrow().status()).isEqualTo(DriftStatus.OK);
      assertThat(m.snapshot().totalDrift().features()).hasSize(4);
      assertThat(m.snapshot().monitorErrors()).isZero();
    }
  }

  @Test
  void referenceVectorsWithNaN_areMissing_notAPoisonedMean() throws Exception {
    List<Row> reference = new ArrayList<>(rows(100, 4));
    reference.add(new Row(0.5, "a", true, new float[] {Float.NaN, 1f}));
    Baseline b = Baseline.fit(reference, SCHEMA);
    assertThat(b.features().get("v").missing()).isEqualTo(1);
    assertThat(Baseline.fromJson(b.toJson())).isEqualTo(b);
  }

  @Test
  void batchSampling_decidesOncePerItem_forInputAndOutput() {
    Baseline b = Baseline.builder().features(rows(1_000, 5), SCHEMA)
        .predictions(new SplittableRandom(6).doubles(1_000).toArray()).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> m = registry.<Row, Double>monitorBuilder("m", "v1")
          .schema(SCHEMA).baseline(b).prediction(PredictionSpec.score(Double::doubleValue))
          .config(MonitorConfig.custom().drift(DriftPolicy.DEFAULTS.withSampleRate(0.5)
              .withMinSamples(1)).build()).build();
      Function<List<Row>, List<Double>> batch = m.decorateBatchFunction(
          in -> in.stream().map(r -> 0.5).collect(java.util.stream.Collectors.toList()));
      for (Row row : rows(2_000, 7)) {
        batch.apply(List.of(row)); // batches of one at rate 0.5: inputs used to get no samples
      }
      ticker.advance(Duration.ofSeconds(60));
      DriftReport r = registry.tickNow().get("m").windowDrift();
      assertThat(r.feature("x").orElseThrow().samples()).isEqualTo(1_000);
      assertThat(r.prediction().samples()).isEqualTo(1_000);
    }
  }

  @Test
  void calibratedThresholdsOfZero_identicalTrafficStaysOk() {
    List<Row> reference = rows(5_000, 8); // c is always "a": L-infinity is 0 on every chunk
    Baseline b = Baseline.builder().features(reference, SCHEMA).calibrate(500).build();
    assertThat(b.calibration().get("c").get(DriftStatistic.L_INFINITY).alert()).isZero();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> m = monitor(registry, b, MonitorConfig.ofDefaults());
      assertThat(window(registry, m, rows(500, 9)).feature("c").orElseThrow().status())
          .isEqualTo(DriftStatus.OK);
    }
  }

  @Test
  void wasserstein_lowCardinality_isPointMasses() {
    Baseline b = Baseline.fit(rows(10_000, 10), SCHEMA); // b: exactly 50/50
    NumericProfile p = (NumericProfile) b.features().get("b");
    List<Row> allTrue = new ArrayList<>();
    for (Row r : rows(1_000, 11)) {
      allTrue.add(new Row(r.x(), r.c(), true, r.v()));
    }
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> m = monitor(registry, b, MonitorConfig.ofDefaults());
      // exact W1 between 50/50 on {0,1} and all mass on 1: 0.5, divided by the sample std
      assertThat(window(registry, m, allTrue).feature("b").orElseThrow()
          .value(DriftStatistic.WASSERSTEIN)).isCloseTo(0.5 / p.std(), within(1e-9));
    }
  }

  @Test
  void negativeZero_isZero_inFittingAndBinning() {
    NumericProfile p = (NumericProfile) Baseline.builder().bins(10)
        .predictions(new double[] {0, 0, 1, 2, -0.0}).build().prediction().orElseThrow();
    assertThat(p.edges()).containsExactly(0, 0, 1, 2);
    assertThat(p.binOf(-0.0)).isEqualTo(p.binOf(0.0)).isEqualTo(1);
  }

  @Test
  void hugeReferenceValues_fitFiniteMoments_andRoundTrip() throws Exception {
    double[] huge = {1e300, -1e300, 5e299, 0, 1e308};
    Baseline b = Baseline.builder().predictions(huge).build();
    NumericProfile p = (NumericProfile) b.prediction().orElseThrow();
    double mean = Arrays.stream(huge).map(v -> v / 5).sum();
    assertThat(p.mean()).isFinite().isCloseTo(mean, within(1e293));
    assertThat(p.std()).isFinite().isPositive();
    assertThat(Baseline.fromJson(b.toJson())).isEqualTo(b);
  }

  @Test
  void gini_ofAHugeCatalogue_needsNoArrayOfItsSize() {
    assertThat(RecommendationSummary.gini(new long[] {5}, Long.MAX_VALUE))
        .isCloseTo(1.0, within(1e-9));
    assertThat(RecommendationSummary.gini(new long[] {1, 1}, 4))
        .isCloseTo(RecommendationSummary.gini(new long[] {0, 0, 1, 1}), within(1e-15));
  }

  @Test
  void scoreSummary_sharesStayWithinOne_withNonFiniteScores() {
    Baseline b = Baseline.builder().predictions(new SplittableRandom(12).doubles(1_000)
        .toArray()).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Double, Double> m = registry.<Double, Double>monitorBuilder("s", "v1")
          .baseline(b).prediction(PredictionSpec.score(Double::doubleValue)).build();
      Function<Double, Double> model = m.decorateFunction(x -> x);
      for (int i = 0; i < 200; i++) {
        model.apply(0.5);
      }
      for (int i = 0; i < 600; i++) {
        model.apply(i % 2 == 0 ? Double.NEGATIVE_INFINITY : Double.NaN);
      }
      ticker.advance(Duration.ofSeconds(60));
      ScoreSummary s = registry.tickNow().get("s").windowDrift().scores();
      assertThat(s.samples()).isEqualTo(200);
      assertThat(s.belowBaselineP1()).isBetween(0.0, 1.0);
      assertThat(s.repeatShare()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void chiSquare_leavesOutBinsEmptyOnBothSides() {
    // labels 540/460 against a 50/50 baseline; the other and missing bins are empty
    double[] base = {0.5, 0.5, 0, 0};
    long[] live = {540, 460, 0, 0};
    double chi = DriftStatistics.chiSquare(base, live);
    assertThat(chi).isCloseTo(6.4, within(1e-9));
    assertThat(DriftStatistics.chiSquareDegreesOfFreedom(base, live)).isEqualTo(1);
    // P(chi2_1 > 6.4) = 2 (1 - Phi(2.5298)) = 0.011412
    assertThat(DriftStatistics.chiSquarePValue(chi, 1)).isCloseTo(0.011412, within(1e-6));
  }

  @Test
  void reader_refusesInconsistentProfiles() {
    String head = "{\"format\":\"modelmonitor-baseline\",\"version\":1,\"features\":{\"p\":"
        + "{\"type\":\"numeric\",\"count\":10,\"missing\":0,";
    String tail = "\"edges\":[0,1],\"shares\":[0,1,0,0],\"quantiles\":{\"0.01\":0,\"0.05\":0,"
        + "\"0.25\":0,\"0.5\":0,\"0.75\":1,\"0.95\":1,\"0.99\":1}}}}";
    assertThatThrownBy(() -> Baseline.fromJson(head + "\"mean\":1,\"std\":-1," + tail))
        .isInstanceOf(BaselineFormatException.class).hasMessageContaining("features.p");
    assertThatThrownBy(() -> Baseline.fromJson(head + "\"mean\":1,\"std\":1,"
        + tail.replace("\"0.99\":1", "\"0.99\":0")))
        .isInstanceOf(BaselineFormatException.class).hasMessageContaining("non-decreasing");
    assertThatThrownBy(() -> Baseline.fromJson(head + "\"mean\":1,\"std\":1,"
        + tail.replace("[0,1,0,0]", "[0,0,0,0]")))
        .isInstanceOf(BaselineFormatException.class).hasMessageContaining("summing to 1");
    assertThat(Map.of()).isEmpty();
  }
}
