package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.ViolationKind;
import org.junit.jupiter.api.Test;

class SnippetsTest {

  @Test
  void alertsSnippet_buildsARegistryWithEverySink() {
    try (MonitorRegistry monitors = Snippets.alerts(java.net.URI.create("http://127.0.0.1:1"),
        java.net.URI.create("http://127.0.0.1:1/hook"), new byte[] {1, 2, 3})) {
      assertThat(monitors.alertSinkStats()).extracting(io.modelmonitor.alert.SinkStats::sink)
          .containsExactly("log", "alertmanager", "webhook", "listener");
      assertThat(monitors.activeAlerts()).isEmpty();
    }
  }

  @Test
  void httpSnippet_servesModelsWithTheToken() throws Exception {
    var prometheus = new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    String token = java.util.UUID.randomUUID().toString();
    try (MonitorRegistry monitors = MonitorRegistry.builder().meterRegistry(prometheus).build();
        var http = Snippets.http(monitors, prometheus, 0, token)) {
      monitors.monitor("ctr", "v1");
      var client = java.net.http.HttpClient.newHttpClient();
      var request = java.net.http.HttpRequest.newBuilder(
          java.net.URI.create("http://127.0.0.1:" + http.port() + "/api/models"))
          .header("Authorization", "Bearer " + token).build();

      var response = client.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());

      assertThat(http.address().getAddress().isLoopbackAddress()).isTrue();
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).contains("\"name\":\"ctr\"");
    }
  }

  @Test
  void annotatedSnippet_monitorsAndRemembersThroughTheProxy() {
    try (MonitorRegistry monitors = MonitorRegistry.builder().build()) {
      FeatureSchema<float[]> schema = FeatureSchema.forFloatArray("a", "b")
          .numeric("a", f -> f.range(0, 1)).numeric("b", f -> f.range(0, 0.5)).build();
      Snippets.CtrScorer scorer = Snippets.annotated(monitors, schema,
          (features, id) -> features[0] + features[1]);
      assertThat(scorer.score(new float[] {0.1f, 0.2f}, "req-43")).isCloseTo(0.3,
          org.assertj.core.data.Offset.offset(1e-6));
      ModelSnapshot s = monitors.find("ctr").orElseThrow().snapshot();
      assertThat(s.totalOutcomes().success()).isEqualTo(2);
      assertThat(s.totalViolations().count("b", ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
      assertThat(s.totalQuality().joins().remembered()).isEqualTo(2);
    }
  }

  @Test
  void quickstart_runs_andRecordsTheCall() {
    Snippets.CtrModel model = new Snippets.CtrModel();
    float[] features = {1f, 2f, 3f};

    ModelSnapshot s = Snippets.quickstart(model, features);

    assertThat(s.model()).isEqualTo("ctr");
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalLatency().count()).isEqualTo(1);
  }

  @Test
  void schemaSnippets_declareCountAndInfer(@org.junit.jupiter.api.io.TempDir Path dir)
      throws IOException {
    try (MonitorRegistry monitors = MonitorRegistry.builder().build()) {
      java.util.Map<String, Object> request = new java.util.HashMap<>();
      request.put("price", 250_000.0);
      request.put("position", 3);
      request.put("category", "shoes");
      request.put("user_embedding", new float[64]);
      request.put("user_id", "u1");
      ModelSnapshot s = Snippets.declaredSchema(monitors, request);
      assertThat(s.totalViolations().count("price",
          io.modelmonitor.schema.ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
      assertThat(s.totalViolations().count("user_embedding",
          io.modelmonitor.schema.ViolationKind.OUT_OF_RANGE)).isEqualTo(1); // norm 0
    }
    List<java.util.Map<String, ?>> rows = List.of(
        java.util.Map.of("price", 10.0, "category", "bags", "request_id", "r1"),
        java.util.Map.of("price", 20.0, "category", "shoes", "request_id", "r2"));
    io.modelmonitor.schema.FeatureSchema<java.util.Map<String, ?>> loaded =
        Snippets.inferredSchema(rows, dir);
    assertThat(loaded.features()).hasSize(2);
    assertThat(loaded.validate(java.util.Map.of("price", 15.0, "category", "bags",
        "request_id", "r3"))).isEmpty();
  }

  @Test
  void driftSnippet_flagsAShiftedPrice() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(1);
    List<Snippets.Request> training = new java.util.ArrayList<>();
    List<Snippets.Request> traffic = new java.util.ArrayList<>();
    for (int i = 0; i < 5_000; i++) {
      training.add(new Snippets.Request(100 + 50 * r.nextDouble(), "shoes", new float[] {1, 0}));
      traffic.add(new Snippets.Request(130 + 50 * r.nextDouble(), "shoes", new float[] {1, 0}));
    }
    double[] scores = training.stream().mapToDouble(q -> q.price() / 1_000).toArray();
    try (MonitorRegistry monitors = MonitorRegistry.builder().build()) {
      ModelSnapshot s = Snippets.drift(monitors, training, scores, traffic);
      assertThat(s.windowDrift().feature("price").orElseThrow().status())
          .isEqualTo(io.modelmonitor.drift.DriftStatus.ALERT);
      assertThat(s.windowDrift().prediction().samples()).isEqualTo(5_000);
    }
  }

  @Test
  void feedbackSnippet_measuresOnlineQuality() {
    java.util.SplittableRandom r = new java.util.SplittableRandom(2);
    List<Snippets.Impression> impressions = new java.util.ArrayList<>();
    java.util.Set<String> clicked = new java.util.HashSet<>();
    for (int i = 0; i < 2_000; i++) {
      float x = (float) r.nextDouble();
      impressions.add(new Snippets.Impression("q" + i, new float[] {x}));
      if (r.nextDouble() < x * 0.2) {
        clicked.add("q" + i);
      }
    }
    try (MonitorRegistry monitors = MonitorRegistry.builder().build()) {
      ModelSnapshot s = Snippets.feedback(monitors, f -> f[0] * 0.2, impressions, clicked);
      assertThat(s.windowQuality().labelled()).isEqualTo(2_000);
      assertThat(s.windowQuality().positives()).isEqualTo(clicked.size());
      assertThat(s.windowQuality().auc()).isGreaterThan(0.6);
    }
  }

  @Test
  void logsSnippet_addsTheReporterAndConfiguresTheSampledLog() {
    try (MonitorRegistry monitors = MonitorRegistry.builder().build();
        io.modelmonitor.testing.CapturedLog log = new io.modelmonitor.testing.CapturedLog()) {
      MonitorConfig config = Snippets.logs(monitors);
      assertThat(config.predictionLog().sampleRate()).isEqualTo(0.01);
      assertThat(config.predictionLog().alwaysLogErrors()).isTrue();
      assertThat(config.predictionLog().sensitive())
          .isEqualTo(io.modelmonitor.report.PredictionLogPolicy.Sensitive.HASH);
      monitors.monitor("ctr", "v7", config).record(1_000_000);
      monitors.tickNow();
      assertThat(log.info("io.modelmonitor.report")).singleElement().asString()
          .startsWith("model=ctr version=v7 ").contains(" calls=1 ");
    }
  }

  @Test
  void readme_containsEverySnippetVerbatim() throws IOException {
    String source = Files.readString(
        Path.of("src/test/java/io/modelmonitor/Snippets.java"));
    String readme = Files.readString(Path.of("../README.md"));
    Matcher m = Pattern.compile("// tag::(\\w+)\\[]\\n(.*?)\\n\\s*// end::\\1\\[]", Pattern.DOTALL)
        .matcher(source);
    int found = 0;
    while (m.find()) {
      found++;
      assertThat(readme).as("README holds snippet '%s' verbatim", m.group(1))
          .contains(dedent(m.group(2)));
    }
    assertThat(found).isPositive();
  }

  private static String dedent(String block) {
    List<String> lines = block.lines().collect(Collectors.toList());
    int indent = lines.stream().filter(l -> !l.isBlank())
        .mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
    return lines.stream().map(l -> l.isBlank() ? "" : l.substring(indent))
        .collect(Collectors.joining("\n"));
  }
}
