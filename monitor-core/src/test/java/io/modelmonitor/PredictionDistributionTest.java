package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.NumericProfile;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.drift.RecommendationSummary;
import io.modelmonitor.drift.ScoreSummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class PredictionDistributionTest {

  private final FakeTicker ticker = new FakeTicker();

  private static double[] uniform(int n, long seed) {
    return new SplittableRandom(seed).doubles(n).toArray();
  }

  private ScoreSummary scores(double[] live, Baseline baseline) {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Double, Double> m = registry.<Double, Double>monitorBuilder("ctr", "v1")
          .baseline(baseline).prediction(PredictionSpec.score(Double::doubleValue)).build();
      Function<Double, Double> model = m.decorateFunction(x -> x);
      for (double x : live) {
        model.apply(x);
      }
      ticker.advance(Duration.ofSeconds(60));
      return registry.tickNow().get("ctr").windowDrift().scores();
    }
  }

  @Test
  void scores_percentilesTailsAndRepeats_matchIndependentCounts() {
    Baseline baseline = Baseline.builder().predictions(uniform(50_000, 1)).build();
    double[] live = uniform(20_000, 2);
    for (int i = 0; i < live.length; i++) {
      live[i] = Math.min(1, live[i] * 1.05); // a little more mass at the top
    }
    ScoreSummary s = scores(live, baseline);

    double[] sorted = live.clone();
    Arrays.sort(sorted);
    assertThat(s.samples()).isEqualTo(20_000);
    assertThat(s.p50()).isCloseTo(sorted[9_999], within(0.02));
    assertThat(s.p90()).isCloseTo(sorted[17_999], within(0.02));
    assertThat(s.p99()).isCloseTo(sorted[19_799], within(0.02));
    NumericProfile p = (NumericProfile) baseline.prediction().orElseThrow();
    double p1 = p.quantiles()[0];
    double p99 = p.quantiles()[6];
    long below = Arrays.stream(live).filter(x -> x < p1).count();
    long above = Arrays.stream(live).filter(x -> x > p99).count();
    assertThat(s.belowBaselineP1()).isCloseTo(below / 20_000.0, within(1e-12));
    assertThat(s.aboveBaselineP99()).isCloseTo(above / 20_000.0, within(1e-12));
    long repeats = 0;
    for (int i = 1; i < live.length; i++) {
      if (live[i] == live[i - 1]) {
        repeats++;
      }
    }
    assertThat(s.repeatShare()).isCloseTo(repeats / 20_000.0, within(1e-12));
    assertThat(repeats).as("the clamp at 1 repeats 1.0 now and then").isPositive();
    assertThat(s.mean()).isCloseTo(Arrays.stream(live).average().orElseThrow(), within(1e-9));
  }

  @Test
  void aStuckModel_repeatsNearlyEveryScore() {
    Baseline baseline = Baseline.builder().predictions(uniform(10_000, 3)).build();
    double[] live = new double[5_000];
    Arrays.fill(live, 0.7);
    ScoreSummary s = scores(live, baseline);
    assertThat(s.repeatShare()).isCloseTo(4_999 / 5_000.0, within(1e-12));
    assertThat(s.p50()).isCloseTo(0.7, within(0.1));
    assertThat(s.std()).isZero();
  }

  @Test
  void gauges_exportScoreRecommendationAndSkewStatistics() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    record Row(double price) {}
    io.modelmonitor.schema.FeatureSchema<Row> schema =
        io.modelmonitor.schema.FeatureSchema.forRecord(Row.class).build();
    List<Row> rows = new ArrayList<>();
    for (double x : uniform(1_000, 6)) {
      rows.add(new Row(x));
    }
    Baseline baseline = Baseline.builder().features(rows, schema)
        .predictions(uniform(1_000, 7)).standardScaler("price", 0.5, 0.29).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .meterRegistry(prometheus).build()) {
      ModelMonitor<Row, Double> scored = registry.<Row, Double>monitorBuilder("ctr", "v1")
          .schema(schema).baseline(baseline)
          .prediction(PredictionSpec.score(Double::doubleValue)).build();
      ModelMonitor<Integer, List<String>> ranked = registry
          .<Integer, List<String>>monitorBuilder("ranker", "v1")
          .prediction(PredictionSpec.ranked(l -> l, PredictionSpec.RankedOptions.DEFAULTS))
          .build();
      for (Row row : rows) {
        scored.executeFunction(q -> 0.7, row);
      }
      ranked.executeFunction(i -> List.of("a", "a", "b"), 1);
      ticker.advance(Duration.ofSeconds(60));
      registry.tickNow();
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_prediction_score{model=\"ctr\","
          + "statistic=\"repeat_share\",version=\"v1\"} 0.999");
      assertThat(scrape).contains("model_recommendations{model=\"ranker\","
          + "statistic=\"distinct\",version=\"v1\"} 2.0");
      // uniform(0,1) prices are exactly the raw values of a (0.5, 0.29) scaler: unscaled
      assertThat(scrape).contains("model_skew_status{feature=\"price\",model=\"ctr\","
          + "version=\"v1\"} 2.0");
      assertThat(scrape).doesNotContain("NaN");
    }
  }

  /** G = sum_i sum_j |x_i - x_j| / (2 n^2 mean): the textbook form, apart from the code's. */
  private static double giniByMeanDifference(long[] x) {
    double sum = 0;
    double total = 0;
    for (long a : x) {
      total += a;
      for (long b : x) {
        sum += Math.abs(a - b);
      }
    }
    return total == 0 ? 0 : sum / (2.0 * x.length * x.length * (total / x.length));
  }

  @Test
  void gini_againstTheMeanDifferenceForm() {
    assertThat(RecommendationSummary.gini(new long[] {1, 2, 3, 4})).isCloseTo(0.25,
        within(1e-12));
    assertThat(RecommendationSummary.gini(new long[] {0, 0, 0, 8})).isCloseTo(0.75,
        within(1e-12));
    assertThat(RecommendationSummary.gini(new long[] {5, 5, 5})).isZero();
    long[] random = new SplittableRandom(4).longs(200, 0, 1_000).sorted().toArray();
    assertThat(RecommendationSummary.gini(random)).isCloseTo(giniByMeanDifference(random),
        within(1e-12));
  }

  @Test
  void rankedOutputs_itemSharesCoverageConcentrationAndOverflow_matchIndependentCounts() {
    int catalogue = 1_000;
    SplittableRandom r = new SplittableRandom(5);
    List<List<String>> outputs = new ArrayList<>();
    Map<String, Long> expected = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      List<String> list = new ArrayList<>();
      for (int k = 0; k < 10; k++) { // popular items dominate: a skewed, Zipf-like pick
        String item = "sku-" + (int) Math.floor(catalogue * Math.pow(r.nextDouble(), 3));
        list.add(item);
        expected.merge(item, 1L, Long::sum);
      }
      outputs.add(list);
    }
    int maxItems = 300;
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Integer, List<String>> m = registry
          .<Integer, List<String>>monitorBuilder("ranker", "v1")
          .prediction(PredictionSpec.ranked(list -> list, PredictionSpec.RankedOptions.DEFAULTS
              .catalogueSize(catalogue).maxItems(maxItems)))
          .build();
      Function<Integer, List<String>> model = m.decorateFunction(outputs::get);
      for (int i = 0; i < outputs.size(); i++) {
        model.apply(i);
      }
      ticker.advance(Duration.ofSeconds(60));
      RecommendationSummary s = registry.tickNow().get("ranker").windowRecommendations();

      // the tracked vocabulary is the first maxItems distinct items in arrival order
      List<String> arrival = new ArrayList<>();
      for (List<String> list : outputs) {
        for (String item : list) {
          if (!arrival.contains(item) && arrival.size() < maxItems) {
            arrival.add(item);
          }
        }
      }
      long tracked = arrival.stream().mapToLong(expected::get).sum();
      assertThat(s.lists()).isEqualTo(3_000);
      assertThat(s.recommendations()).isEqualTo(30_000);
      assertThat(s.distinct()).isEqualTo(arrival.size());
      assertThat(s.overflowShare()).isCloseTo((30_000 - tracked) / 30_000.0, within(1e-12));
      assertThat(s.coverage()).isCloseTo(arrival.size() / (double) catalogue, within(1e-12));
      String topItem = arrival.stream().max((a, b) -> Long.compare(expected.get(a),
          expected.get(b))).orElseThrow();
      assertThat(s.top().get(0).item()).isEqualTo(topItem);
      assertThat(s.top().get(0).share()).isCloseTo(expected.get(topItem) / 30_000.0,
          within(1e-12));
      assertThat(s.top()).hasSize(10);
      long[] counts = new long[catalogue];
      int j = catalogue - arrival.size();
      long[] trackedCounts = arrival.stream().mapToLong(expected::get).sorted().toArray();
      System.arraycopy(trackedCounts, 0, counts, j, trackedCounts.length);
      assertThat(s.gini()).isCloseTo(giniByMeanDifference(counts), within(1e-9));
      assertThat(s.gini()).isGreaterThan(0.7); // concentrated on the popular items

      ticker.advance(Duration.ofSeconds(60));
      RecommendationSummary empty = registry.tickNow().get("ranker").windowRecommendations();
      assertThat(empty.recommendations()).isZero();
      assertThat(empty.gini()).isZero();
    }
  }
}
