package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.CategoricalProfile;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.NumericProfile;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.testing.Allocations;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class DriftMonitoringTest {

  /** Input: price (numeric), category, embedding; output: a score. */
  record Request(double price, String category, float[] embedding) {}

  private static final FeatureSchema<Request> SCHEMA = FeatureSchema.forRecord(Request.class)
      .build();

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  private static List<Request> requests(int n, long seed, double shiftStd, String[] cats) {
    SplittableRandom r = new SplittableRandom(seed);
    List<Request> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(new Request(100 + 20 * (gaussian(r) + shiftStd), cats[r.nextInt(cats.length)],
          new float[] {(float) gaussian(r), 1f}));
    }
    return out;
  }

  private static final String[] CATS = {"shoes", "shoes", "bags", "watches"};

  private final FakeTicker ticker = new FakeTicker();

  private ModelMonitor<Request, Double> monitor(MonitorRegistry registry, Baseline baseline,
      MonitorConfig config) {
    return registry.<Request, Double>monitorBuilder("ctr", "v1").schema(SCHEMA).baseline(baseline)
        .prediction(PredictionSpec.score(Double::doubleValue)).config(config).build();
  }

  private static Baseline baseline(List<Request> training) {
    double[] scores = training.stream().mapToDouble(q -> q.price() / 200).toArray();
    return Baseline.builder().features(training, SCHEMA).predictions(scores).build();
  }

  private DriftReport window(MonitorRegistry registry, ModelMonitor<Request, Double> monitor,
      List<Request> live) {
    Function<Request, Double> model = monitor.decorateFunction(q -> q.price() / 200);
    for (Request q : live) {
      model.apply(q);
    }
    ticker.advance(Duration.ofSeconds(60));
    return registry.tickNow().get("ctr").windowDrift();
  }

  @Test
  void statistics_matchAnIndependentTwoPassComputation() {
    List<Request> training = requests(20_000, 1, 0, CATS);
    Baseline baseline = baseline(training);
    List<Request> live = requests(5_000, 2, 0.3, new String[] {"shoes", "bags", "bags", "hats"});
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      DriftReport report = window(registry, monitor(registry, baseline,
          MonitorConfig.ofDefaults()), live);

      // price: bin the raw live values against the baseline edges with a linear scan
      NumericProfile p = (NumericProfile) baseline.features().get("price");
      double[] edges = p.edges();
      double[] expected = p.shares();
      double[] actual = new double[expected.length];
      for (Request q : live) {
        double v = q.price();
        int bin = v < edges[0] ? 0 : v > edges[edges.length - 1] ? edges.length : 1;
        while (bin >= 1 && bin < edges.length - 1 && v > edges[bin]) {
          bin++;
        }
        actual[bin] += 1.0 / live.size();
      }
      double psi = 0;
      for (int i = 0; i < expected.length; i++) {
        double e = Math.max(expected[i], 1e-4);
        double a = Math.max(actual[i], 1e-4);
        psi += (a - e) * Math.log(a / e);
      }
      FeatureDrift price = report.feature("price").orElseThrow();
      assertThat(price.samples()).isEqualTo(5_000);
      assertThat(price.value(DriftStatistic.PSI)).isCloseTo(psi, within(1e-9));
      double mean = live.stream().mapToDouble(Request::price).average().orElseThrow();
      assertThat(price.mean()).isCloseTo(mean, within(1e-9));
      double var = live.stream().mapToDouble(q -> (q.price() - mean) * (q.price() - mean)).sum()
          / (live.size() - 1);
      assertThat(price.std()).isCloseTo(Math.sqrt(var), within(1e-9));

      // category: shares by counting strings; L-infinity and chi-square by hand
      CategoricalProfile c = (CategoricalProfile) baseline.features().get("category");
      double[] base = c.shares();
      long[] counts = new long[base.length];
      for (Request q : live) {
        int i = c.values().indexOf(q.category());
        counts[i < 0 ? c.values().size() : i]++;
      }
      double linf = 0;
      double chi = 0;
      double norm = 0;
      for (int i = 0; i < base.length; i++) { // bins empty on both sides are left out
        if (base[i] > 0 || counts[i] > 0) {
          norm += Math.max(base[i], 1e-4);
        }
      }
      for (int i = 0; i < base.length; i++) {
        linf = Math.max(linf, Math.abs(counts[i] / 5_000.0 - base[i]));
        if (base[i] > 0 || counts[i] > 0) {
          double e = 5_000 * Math.max(base[i], 1e-4) / norm;
          chi += (counts[i] - e) * (counts[i] - e) / e;
        }
      }
      FeatureDrift category = report.feature("category").orElseThrow();
      assertThat(category.value(DriftStatistic.L_INFINITY)).isCloseTo(linf, within(1e-12));
      assertThat(category.value(DriftStatistic.CHI_SQUARE)).isCloseTo(chi, within(1e-6));
      assertThat(category.value(DriftStatistic.CHI_SQUARE_P)).isLessThan(1e-10);
      assertThat(category.status()).isEqualTo(DriftStatus.WARN); // "hats" took ~25%
      assertThat(report.prediction().samples()).isEqualTo(5_000);
    }
  }

  @Test
  void identical_disjoint_andKnownShift_landInTheirBands() {
    List<Request> training = requests(50_000, 3, 0, CATS);
    Baseline baseline = baseline(training);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.ofDefaults());

      FeatureDrift same = window(registry, monitor, requests(50_000, 4, 0, CATS))
          .feature("price").orElseThrow();
      assertThat(same.value(DriftStatistic.PSI)).isLessThan(0.005);
      assertThat(same.value(DriftStatistic.KS)).isLessThan(0.02);
      assertThat(same.value(DriftStatistic.WASSERSTEIN)).isLessThan(0.03);
      assertThat(same.status()).isEqualTo(DriftStatus.OK);

      // a normal shifted by half a standard deviation: KS = 2 Phi(0.25) - 1 = 0.197,
      // W1 / std = 0.5, PSI near the symmetric KL divergence 0.25
      DriftReport shifted = window(registry, monitor, requests(50_000, 5, 0.5, CATS));
      FeatureDrift half = shifted.feature("price").orElseThrow();
      assertThat(half.value(DriftStatistic.KS)).isBetween(0.17, 0.23);
      assertThat(half.value(DriftStatistic.WASSERSTEIN)).isBetween(0.44, 0.56);
      assertThat(half.value(DriftStatistic.PSI)).isBetween(0.18, 0.32);
      assertThat(half.status()).isIn(DriftStatus.WARN, DriftStatus.ALERT);
      assertThat(shifted.prediction().value(DriftStatistic.KS)).isBetween(0.17, 0.23);

      FeatureDrift disjoint = window(registry, monitor, requests(5_000, 6, 50, CATS))
          .feature("price").orElseThrow();
      assertThat(disjoint.value(DriftStatistic.KS)).isCloseTo(1.0, within(1e-12));
      assertThat(disjoint.value(DriftStatistic.JENSEN_SHANNON)).isCloseTo(1.0, within(1e-12));
      assertThat(disjoint.value(DriftStatistic.PSI)).isGreaterThan(5);
      assertThat(disjoint.status()).isEqualTo(DriftStatus.ALERT);
    }
  }

  @Test
  void vectors_cosineOfMeans_andNormDrift() {
    List<Request> training = requests(10_000, 7, 0, CATS);
    Baseline baseline = baseline(training);
    List<Request> rotated = new ArrayList<>();
    for (Request q : requests(10_000, 8, 0, CATS)) {
      rotated.add(new Request(q.price(), q.category(), new float[] {1f, q.embedding()[0]}));
    }
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.ofDefaults());
      FeatureDrift same = window(registry, monitor, requests(10_000, 9, 0, CATS))
          .feature("embedding").orElseThrow();
      assertThat(same.value(DriftStatistic.COSINE_DISTANCE)).isLessThan(0.001);
      FeatureDrift turned = window(registry, monitor, rotated).feature("embedding")
          .orElseThrow();
      // baseline mean ~(0, 1), live mean ~(1, 0): orthogonal
      assertThat(turned.value(DriftStatistic.COSINE_DISTANCE)).isCloseTo(1.0, within(0.05));
      assertThat(turned.value(DriftStatistic.PSI)).isLessThan(0.02); // same norms
    }
  }

  @Test
  void emptyOrSmallWindows_yieldNoData_neverNaN() {
    Baseline baseline = baseline(requests(2_000, 10, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.custom().drift(DriftPolicy.DEFAULTS.withMinSamples(50)).build());
      DriftReport empty = window(registry, monitor, List.of());
      assertThat(empty.features()).allSatisfy(f -> {
        assertThat(f.status()).isEqualTo(DriftStatus.NO_DATA);
        assertThat(f.statistics()).isEmpty();
        assertThat(f.samples()).isZero();
        assertThat(f.mean()).isZero();
      });
      assertThat(empty.worst()).isEqualTo(DriftStatus.NO_DATA);
      DriftReport small = window(registry, monitor, requests(49, 11, 5, CATS));
      assertThat(small.feature("price").orElseThrow().status()).isEqualTo(DriftStatus.NO_DATA);
      assertThat(small.feature("price").orElseThrow().samples()).isEqualTo(49);
      DriftReport enough = window(registry, monitor, requests(50, 12, 5, CATS));
      assertThat(enough.feature("price").orElseThrow().status()).isEqualTo(DriftStatus.ALERT);
    }
  }

  @Test
  void aMillionDistinctCategories_fixedMemory_allCountedAsOther() {
    Baseline baseline = baseline(requests(2_000, 13, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.ofDefaults());
      Function<Request, Double> model = monitor.decorateFunction(q -> 0.5);
      float[] e = {0f, 1f};
      model.apply(new Request(100, "shoes", e)); // warm up the cell
      System.gc();
      long before = usedHeap();
      for (int i = 0; i < 1_000_000; i++) {
        model.apply(new Request(100, "sku-" + i, e));
      }
      System.gc();
      long grown = usedHeap() - before;
      ticker.advance(Duration.ofSeconds(60));
      FeatureDrift c = registry.tickNow().get("ctr").windowDrift().feature("category")
          .orElseThrow();
      assertThat(c.samples()).isEqualTo(1_000_001);
      // the "other" bin holds all of them: L-infinity is the jump of that share
      CategoricalProfile p = (CategoricalProfile) baseline.features().get("category");
      double otherShare = p.shares()[p.values().size()];
      assertThat(c.value(DriftStatistic.L_INFINITY)).isCloseTo(1 - otherShare, within(0.01));
      assertThat(grown).as("heap growth after a million distinct values").isLessThan(4 << 20);
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void rollingView_spansTheLastWindows() {
    Baseline baseline = baseline(requests(5_000, 22, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline, MonitorConfig.custom()
          .drift(DriftPolicy.DEFAULTS.withRollingWindows(3)).build());
      window(registry, monitor, requests(1_000, 23, 0, CATS));
      window(registry, monitor, requests(2_000, 24, 0, CATS));
      window(registry, monitor, requests(3_000, 25, 0, CATS));
      window(registry, monitor, requests(400, 26, 0, CATS));
      ModelSnapshot s = monitor.snapshot();
      assertThat(s.windowDrift().feature("price").orElseThrow().samples()).isEqualTo(400);
      assertThat(s.rollingDrift().feature("price").orElseThrow().samples())
          .isEqualTo(2_000 + 3_000 + 400);
      assertThat(s.totalDrift().feature("price").orElseThrow().samples()).isEqualTo(6_400);
    }
  }

  @Test
  void sampling_observesEveryNthCall_exactly() {
    Baseline baseline = baseline(requests(2_000, 14, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline, MonitorConfig.custom()
          .drift(DriftPolicy.DEFAULTS.withSampleRate(0.1).withMinSamples(1)).build());
      DriftReport r = window(registry, monitor, requests(10_000, 15, 0, CATS));
      assertThat(r.feature("price").orElseThrow().samples()).isEqualTo(1_000);
      assertThat(r.prediction().samples()).isEqualTo(1_000);
    }
  }

  @Test
  void concurrentThreads_binCountsExact_includingTheSharedCell() throws Exception {
    Baseline baseline = baseline(requests(2_000, 16, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .defaultConfig(MonitorConfig.custom().maxThreadCells(2).build()).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.custom().maxThreadCells(2).build());
      Function<Request, Double> model = monitor.decorateFunction(q -> 0.5);
      List<Request> inputs = requests(1_000, 17, 0, CATS);
      int threads = 6;
      int rounds = 20;
      CountDownLatch start = new CountDownLatch(1);
      AtomicBoolean done = new AtomicBoolean();
      Thread reader = new Thread(() -> {
        while (!done.get()) {
          monitor.snapshot();
        }
      });
      reader.start();
      List<Thread> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            start.await();
          } catch (InterruptedException ex) {
            return;
          }
          for (int k = 0; k < rounds; k++) {
            for (Request q : inputs) {
              model.apply(q);
            }
          }
        });
        workers.add(w);
        w.start();
      }
      start.countDown();
      for (Thread w : workers) {
        w.join();
      }
      done.set(true);
      reader.join();
      FeatureDrift price = monitor.snapshot().totalDrift().feature("price").orElseThrow();
      long n = (long) threads * rounds * inputs.size();
      assertThat(price.samples()).isEqualTo(n);
      double mean = inputs.stream().mapToDouble(Request::price).average().orElseThrow();
      assertThat(price.mean()).isCloseTo(mean, within(1e-6));
    }
  }

  @Test
  void fullMonitoring_validInput_allocatesNothing() {
    Baseline baseline = baseline(requests(2_000, 18, 0, CATS));
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.ofDefaults());
      Double score = 0.5;
      Function<Request, Double> model = monitor.decorateFunction(q -> score);
      Request q = requests(1, 19, 0, CATS).get(0);
      double[] sink = new double[1];
      assertThat(Allocations.allocatedBy(5, () -> {
        for (int i = 0; i < 200_000; i++) {
          sink[0] += model.apply(q);
        }
      })).isZero();
    }
  }

  @Test
  void prometheus_exportsDriftByFeatureAndStatistic() {
    Baseline baseline = baseline(requests(5_000, 20, 0, CATS));
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .meterRegistry(prometheus).build()) {
      ModelMonitor<Request, Double> monitor = monitor(registry, baseline,
          MonitorConfig.ofDefaults());
      String before = prometheus.scrape();
      assertThat(before).contains("model_drift_samples{feature=\"price\",model=\"ctr\","
          + "version=\"v1\"} 0.0");
      assertThat(before).doesNotContain("NaN");
      FeatureDrift price = window(registry, monitor, requests(5_000, 21, 1, CATS))
          .feature("price").orElseThrow();
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_drift{feature=\"price\",model=\"ctr\","
          + "statistic=\"psi\",version=\"v1\"} " + price.value(DriftStatistic.PSI));
      assertThat(scrape).contains("model_drift_status{feature=\"price\",model=\"ctr\","
          + "version=\"v1\"} 3.0"); // ALERT
      assertThat(scrape).contains("model_drift{feature=\"_prediction\"");
      assertThat(scrape).doesNotContain("NaN");
      assertThat(monitor.snapshot().windowDrift().features()).extracting(FeatureDrift::feature)
          .containsExactly("price", "category", "embedding");
      Map<DriftStatistic, Double> stats = price.statistics();
      assertThat(stats).containsKeys(DriftStatistic.PSI, DriftStatistic.JENSEN_SHANNON,
          DriftStatistic.KS, DriftStatistic.WASSERSTEIN);
    }
  }
}
