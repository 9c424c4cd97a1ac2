package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertRules;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.testing.Promtool;
import io.modelmonitor.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real scrape of a registry using every feature (schema, baseline drift, score distribution,
 * delayed feedback, alerts) passes Prometheus' own linter, {@code promtool check metrics}.
 */
class PromtoolTest {

  record Request(String id, double price, String category, float[] embedding) {}

  private static final FeatureSchema<Request> SCHEMA = FeatureSchema.forRecord(Request.class)
      .exclude("id").build();

  private static List<Request> requests(int n, long seed, double priceShift) {
    SplittableRandom r = new SplittableRandom(seed);
    String[] cats = {"shoes", "bags", "watches"};
    List<Request> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(new Request(seed + "-" + i, 100 + priceShift + 20 * r.nextDouble(),
          cats[r.nextInt(cats.length)], new float[] {(float) r.nextDouble(), 1f}));
    }
    return out;
  }

  /**
   * The scrape of a registry using every feature: schema, baseline drift, score distribution,
   * delayed feedback, batches, errors, a firing alert, saturation and the JVM binders.
   */
  static String fullScrape() {
    FakeTicker ticker = new FakeTicker();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Request> training = requests(2_000, 1, 0);
    Baseline baseline = Baseline.builder().features(training, SCHEMA)
        .predictions(training.stream().mapToDouble(q -> q.price() / 200).toArray())
        .metric("test_auc", 0.75).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .ticker(ticker).commonTag("service", "search").alertWarmUp(Duration.ZERO)
        .jvmMetrics()
        .alertRules(AlertRules.defaults())
        .alertRule(AlertRule.builder("PriceDrift").signal(Signals.drift("price",
            io.modelmonitor.drift.DriftStatistic.PSI)).above(0.25).build())
        .alertSink(e -> { })
        .build()) {
      ModelMonitor<Request, Double> monitor = registry.<Request, Double>monitorBuilder("ctr",
              "v1").schema(SCHEMA).baseline(baseline)
          .prediction(PredictionSpec.score(Double::doubleValue)).requestId(Request::id)
          .stages("input", "inference")
          .info(ModelInfo.builder().label("producer", "pytorch").label("graph", "ctr")
              .attribute("note", "free text")
              .measurement(MetricNames.ONNX_SIZE, "bytes", "Size of the model", 1234)
              .measurement(MetricNames.ONNX_MEMORY_FOOTPRINT, "bytes", "Footprint", Double.NaN)
              .measurement(MetricNames.ONNX_THREADS, null, "Threads", 2, MetricNames.TAG_KIND,
                  "intra_op").build())
          .config(MonitorConfig.custom().concurrencyLimit(8).feedback(FeedbackPolicy.DEFAULTS
              .withAttributionWindow(Duration.ofSeconds(5))).build())
          .build();
      Function<Request, Double> model = monitor.decorateFunction(q -> {
        if (q.price() > 159) {
          throw new IllegalStateException("too expensive");
        }
        monitor.recordStage(0, 2_000);
        monitor.recordStage(1, 30_000);
        return q.price() / 200;
      });
      for (Request q : requests(3_000, 2, 40)) {
        try {
          model.apply(q);
        } catch (IllegalStateException expected) {
          // counted as an error
        }
        monitor.feedback(q.id(), q.price() > 130);
      }
      ticker.advance(Duration.ofSeconds(10));
      registry.tickNow();
      registry.<float[], Float>monitor("reranker", "v3").decorateBatchFunction(
          (List<float[]> batch) -> List.of(0.5f)).apply(List.of(new float[] {1}));
      ticker.advance(Duration.ofSeconds(10));
      registry.tickNow();
      assertThat(registry.activeAlerts()).isNotEmpty();
      return prometheus.scrape();
    }
  }

  @Test
  void scrapeOfAFullyFeaturedRegistryPassesPromtool(@TempDir Path dir) throws Exception {
    String scrape = fullScrape();
    Promtool.Result promtool = Promtool.checkMetrics(scrape, dir);
    // every problem promtool finds must be in a meter of Micrometer's own JVM binders (it
    // objects to process_cpu_time_ns_total), none in ours; exit code 3 = lint findings only
    List<String> problems = promtool.report().lines().filter(l -> !l.isBlank()).toList();
    assertThat(problems).as("promtool check metrics").allMatch(l -> l.startsWith("process_")
        || l.startsWith("jvm_") || l.startsWith("system_"));
    assertThat(promtool.exitCode()).isIn(0, problems.isEmpty() ? 0 : 3);
    // the scrape really holds every family
    assertThat(scrape).contains("model_prediction_latency_seconds_bucket{",
        "model_input_violations_total{", "model_drift{", "model_quality{",
        "model_feedback_total{", "model_alerts_firing{", "model_alert_deliveries_total{",
        "model_prediction_batch_items_total{", "model_predictions_saturation{",
        "model_stage_latency_seconds_count{", "model_stage_latency_seconds_sum{",
        "model_info{", "model_onnx_size_bytes{", "model_onnx_threads{",
        "jvm_memory_used_bytes{");
    assertThat(scrape).contains("# HELP model_stage_latency_seconds Duration of one stage")
        .contains("stage=\"inference\"");
  }

  private static final Path RULES = Path.of("../deploy/prometheus");

  private static String promtool(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/promtool"));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).directory(RULES.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool %s:%n%s", String.join(" ", args), out).isZero();
    return out;
  }

  @Test
  void shippedAlertingRulesPassPromtoolAndTheirUnitTests() throws Exception {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    assertThat(promtool("check", "rules", "modelmonitor-alerts.yml"))
        .contains("SUCCESS: 7 rules found");
    assertThat(promtool("check", "rules", "modelmonitor-drift.yml"))
        .contains("SUCCESS: 5 rules found");
    assertThat(promtool("test", "rules", "modelmonitor-alerts.test.yml")).contains("SUCCESS");
  }

  @Test
  void shippedAlertingRulesMirrorTheInProcessDefaults() throws Exception {
    String yaml = Files.readString(RULES.resolve("modelmonitor-alerts.yml"));
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("- alert: (\\w+)")
        .matcher(yaml);
    List<String> shipped = new ArrayList<>();
    while (m.find()) {
      shipped.add(m.group(1));
    }
    assertThat(shipped).containsExactlyInAnyOrderElementsOf(AlertRules.defaults().stream()
        .map(AlertRule::name).toList());
    String tests = Files.readString(RULES.resolve("modelmonitor-alerts.test.yml"));
    for (String name : shipped) {
      assertThat(tests).as("a promtool test case for %s", name)
          .contains("alertname: " + name);
    }
  }

  /** A replica's registry: the ctr model with the test baseline, fed {@code traffic}. */
  private static String replicaScrape(Baseline baseline, List<Request> traffic,
      MonitorRegistry[] keep) {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .commonTag("service", "search").build();
    keep[0] = registry;
    ModelMonitor<Request, Double> monitor = registry.<Request, Double>monitorBuilder("ctr", "v1")
        .schema(SCHEMA).baseline(baseline)
        .prediction(PredictionSpec.score(Double::doubleValue)).build();
    Function<Request, Double> model = monitor.decorateFunction(q -> q.price() / 200);
    traffic.forEach(model::apply);
    return prometheus.scrape();
  }

  @Test
  void fleetPsiRecordingRuleEqualsTheLibrarysPsiOfTheSameData(@TempDir Path dir)
      throws Exception {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    List<Request> training = requests(4_000, 1, 0);
    Baseline baseline = Baseline.builder().features(training, SCHEMA)
        .predictions(training.stream().mapToDouble(q -> q.price() / 200).toArray()).build();
    List<Request> a = requests(3_000, 7, 0);
    List<Request> b = requests(2_000, 8, 12); // this replica sees a price shift
    List<Request> union = new ArrayList<>(a);
    union.addAll(b);
    MonitorRegistry[] ra = new MonitorRegistry[1];
    MonitorRegistry[] rb = new MonitorRegistry[1];
    MonitorRegistry[] ru = new MonitorRegistry[1];
    try {
      String scrapeA = replicaScrape(baseline, a, ra);
      String scrapeB = replicaScrape(baseline, b, rb);
      replicaScrape(baseline, union, ru);
      io.modelmonitor.drift.DriftReport all = ru[0].find("ctr").orElseThrow().snapshot()
          .totalDrift();

      StringBuilder yaml = new StringBuilder("rule_files:\n  - ")
          .append(RULES.toAbsolutePath().resolve("modelmonitor-drift.yml"))
          .append("\nevaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n");
      java.util.regex.Pattern line = java.util.regex.Pattern.compile(
          "(?m)^(model_drift_bin_observations_total|model_drift_baseline_share)\\{([^}]*)} (\\S+)$");
      int series = 0;
      for (String[] replica : new String[][] {{"a", scrapeA}, {"b", scrapeB}}) {
        java.util.regex.Matcher m = line.matcher(replica[1]);
        while (m.find()) {
          boolean counter = m.group(1).endsWith("_total");
          yaml.append("      - series: '").append(m.group(1)).append('{').append(m.group(2))
              .append(",instance=\"").append(replica[0]).append("\"}'\n        values: '")
              .append(counter ? "0 " : m.group(3) + " ").append(m.group(3)).append("'\n");
          series++;
        }
      }
      assertThat(series).isGreaterThan(20);
      yaml.append("    promql_expr_test:\n");
      for (String feature : List.of("price", "category", "embedding", "_prediction")) {
        double psi = "_prediction".equals(feature) ? all.prediction().value(
            io.modelmonitor.drift.DriftStatistic.PSI) : all.feature(feature).orElseThrow()
            .value(io.modelmonitor.drift.DriftStatistic.PSI);
        yaml.append("      - expr: 'abs(model:drift_psi:1h{feature=\"").append(feature)
            .append("\"} - ").append(psi).append(") < bool 1e-9'\n")
            .append("        eval_time: 1m\n        exp_samples:\n")
            .append("          - labels: '{feature=\"").append(feature)
            .append("\", model=\"ctr\", version=\"v1\"}'\n            value: 1\n");
      }
      double pricePsi = all.feature("price").orElseThrow()
          .value(io.modelmonitor.drift.DriftStatistic.PSI);
      assertThat(pricePsi).as("the shifted replica moves the fleet's price").isGreaterThan(0.1);
      Path test = dir.resolve("fleet-psi.test.yml");
      Files.writeString(test, yaml);
      Process p = new ProcessBuilder("/usr/bin/promtool", "test", "rules", test.toString())
          .redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
      assertThat(p.exitValue()).as("promtool test rules:%n%s%n%s", out, yaml).isZero();
    } finally {
      for (MonitorRegistry[] r : List.of(ra, rb, ru)) {
        if (r[0] != null) {
          r[0].close();
        }
      }
    }
  }

  @Test
  void sensitiveFeaturesExportNoBinCounts() {
    FeatureSchema<Request> schema = FeatureSchema.forRecord(Request.class).exclude("id")
        .categorical("category", f -> f.sensitive()).build();
    List<Request> training = requests(1_000, 1, 0);
    Baseline baseline = Baseline.builder().features(training, schema).build();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .build()) {
      Function<Request, Double> model = registry.<Request, Double>monitorBuilder("ctr", "v1")
          .schema(schema).baseline(baseline).build().decorateFunction(q -> 0.5);
      model.apply(training.get(0));
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_drift_bin_observations_total{bin=\"missing\","
          + "feature=\"price\"");
      assertThat(scrape).doesNotContain("model_drift_bin_observations_total{bin=\"0\","
          + "feature=\"category\"").doesNotContain("feature=\"category\",model=\"ctr\","
          + "version=\"v1\"} 1.0");
    }
  }
}
