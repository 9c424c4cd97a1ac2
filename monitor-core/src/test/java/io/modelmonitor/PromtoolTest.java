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

  @Test
  void scrapeOfAFullyFeaturedRegistryPassesPromtool(@TempDir Path dir) throws Exception {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    FakeTicker ticker = new FakeTicker();
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    List<Request> training = requests(2_000, 1, 0);
    Baseline baseline = Baseline.builder().features(training, SCHEMA)
        .predictions(training.stream().mapToDouble(q -> q.price() / 200).toArray())
        .metric("test_auc", 0.75).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .ticker(ticker).commonTag("service", "search").alertWarmUp(Duration.ZERO)
        .alertRules(AlertRules.defaults())
        .alertRule(AlertRule.builder("PriceDrift").signal(Signals.drift("price",
            io.modelmonitor.drift.DriftStatistic.PSI)).above(0.25).build())
        .alertSink(e -> { })
        .build()) {
      ModelMonitor<Request, Double> monitor = registry.<Request, Double>monitorBuilder("ctr",
              "v1").schema(SCHEMA).baseline(baseline)
          .prediction(PredictionSpec.score(Double::doubleValue)).requestId(Request::id)
          .config(MonitorConfig.custom().feedback(FeedbackPolicy.DEFAULTS
              .withAttributionWindow(Duration.ofSeconds(5))).build())
          .build();
      Function<Request, Double> model = monitor.decorateFunction(q -> {
        if (q.price() > 159) {
          throw new IllegalStateException("too expensive");
        }
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

      String scrape = prometheus.scrape();
      Path file = dir.resolve("scrape.txt");
      Files.writeString(file, scrape);
      Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics")
          .redirectInput(file.toFile()).redirectErrorStream(true).start();
      String report = new String(promtool.getInputStream().readAllBytes(),
          StandardCharsets.UTF_8);
      assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(report).as("promtool check metrics").isEmpty();
      assertThat(promtool.exitValue()).isZero();
      // the scrape really holds every family
      assertThat(scrape).contains("model_prediction_latency_seconds_bucket{",
          "model_input_violations_total{", "model_drift{", "model_quality{",
          "model_feedback_total{", "model_alerts_firing{", "model_alert_deliveries_total{",
          "model_prediction_batch_items_total{");
    }
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
}
