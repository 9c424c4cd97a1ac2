package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.FeatureSkew;
import io.modelmonitor.drift.Scaling;
import io.modelmonitor.schema.FeatureSchema;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A missing or doubled normalisation step, caught from the live moments alone. */
class SkewTest {

  record Row(double price) {}

  private static final double MU = 250;
  private static final double SIGMA = 80;

  private static List<Row> rows(int n, long seed, DoubleUnaryOperator pipeline) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Row> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double raw = MU + SIGMA * Math.sqrt(-2 * Math.log(1 - r.nextDouble()))
          * Math.cos(2 * Math.PI * r.nextDouble());
      out.add(new Row(pipeline.applyAsDouble(raw)));
    }
    return out;
  }

  private static double scale(double raw) {
    return (raw - MU) / SIGMA;
  }

  @Test
  void servingPipelines_areDiagnosed() {
    FeatureSchema<Row> schema = FeatureSchema.forRecord(Row.class).build();
    Baseline baseline = Baseline.builder()
        .features(rows(5_000, 1, SkewTest::scale), schema) // the model saw scaled prices
        .standardScaler("price", MU, SIGMA)
        .build();
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Row, Double> monitor = registry.<Row, Double>monitorBuilder("ctr", "v1")
          .schema(schema).baseline(baseline).build();
      Function<Row, Double> model = monitor.decorateFunction(r -> 0.5);
      Object[][] cases = {
          {(DoubleUnaryOperator) SkewTest::scale, FeatureSkew.Verdict.OK},
          {(DoubleUnaryOperator) raw -> raw, FeatureSkew.Verdict.UNSCALED},
          {(DoubleUnaryOperator) raw -> scale(scale(raw)), FeatureSkew.Verdict.DOUBLE_SCALED},
          {(DoubleUnaryOperator) raw -> scale(raw) + 3, FeatureSkew.Verdict.SHIFTED}};
      long seed = 10;
      for (Object[] c : cases) {
        for (Row row : rows(2_000, seed++, (DoubleUnaryOperator) c[0])) {
          model.apply(row);
        }
        ticker.advance(Duration.ofSeconds(60));
        List<FeatureSkew> skew = registry.tickNow().get("ctr").windowDrift().skew();
        assertThat(skew).singleElement().satisfies(s -> {
          assertThat(s.feature()).isEqualTo("price");
          assertThat(s.scaling()).isEqualTo(new Scaling(MU, SIGMA));
          assertThat(s.verdict()).as("pipeline %s", c[1]).isEqualTo(c[1]);
          assertThat(s.samples()).isEqualTo(2_000);
        });
      }
      ticker.advance(Duration.ofSeconds(60));
      assertThat(registry.tickNow().get("ctr").windowDrift().skew().get(0).verdict())
          .isEqualTo(FeatureSkew.Verdict.NO_DATA);
    }
  }
}
