package io.modelmonitor.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.schema.FeatureSchema;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP endpoint end to end over a real socket: binding, the token, every route, strict JSON
 * (no NaN, no duplicate keys) from the first request on, values against the monitor's own
 * snapshot and against counts the test made itself, and no input value in any response.
 */
class MonitorHttpServerTest {

  private static final Duration WINDOW = Duration.ofSeconds(10);
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final List<AutoCloseable> closeables = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (int i = closeables.size() - 1; i >= 0; i--) {
      closeables.get(i).close();
    }
  }

  private MonitorRegistry registry(MonitorRegistry.Builder builder) {
    MonitorRegistry registry = builder.ticker(nanos::get).reportingInterval(WINDOW)
        .alertWarmUp(Duration.ZERO).build();
    closeables.add(registry);
    return registry;
  }

  private MonitorHttpServer start(MonitorHttpServer.Builder builder) throws IOException {
    MonitorHttpServer server = builder.start();
    closeables.add(server);
    return server;
  }

  /** A model that takes 3 ms on the fake ticker and fails on negative inputs. */
  private Function<Integer, Integer> model(ModelMonitor<Integer, Integer> monitor) {
    return monitor.decorateFunction(x -> {
      nanos.addAndGet(3_000_000L);
      if (x < 0) {
        throw new IllegalStateException("model failure");
      }
      return x;
    });
  }

  private static void callQuietly(Function<Integer, Integer> model, int x) {
    try {
      model.apply(x);
    } catch (IllegalStateException expected) {
      // the model's own failure
    }
  }

  private HttpResponse<String> send(MonitorHttpServer server, String method, String path,
      String token) throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10))
        .method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> get(MonitorHttpServer server, String path)
      throws IOException, InterruptedException {
    return send(server, "GET", path, null);
  }

  /** Parses strictly and checks the headers every JSON response carries. */
  private static JsonNode json(HttpResponse<String> response) throws IOException {
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    assertThat(response.headers().firstValue("Cache-Control")).contains("no-store");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    assertThat(response.body()).doesNotContain("NaN").doesNotContain("Infinity");
    return STRICT.readTree(response.body());
  }

  @Test
  void start_defaults_bindsLoopbackOnAFreePort() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
    assertThat(server.port()).isPositive().isEqualTo(server.address().getPort());
    assertThat(get(server, "/api/models").statusCode()).isEqualTo(200);
  }

  @Test
  void close_running_refusesFurtherConnections() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer server = MonitorHttpServer.builder(registry).start();
    assertThat(get(server, "/api/models").statusCode()).isEqualTo(200);

    server.close();
    server.close();

    assertThatThrownBy(() -> get(server, "/api/models")).isInstanceOf(IOException.class);
  }

  @Test
  void builder_badValues_failAtOnceWithoutEchoingTheToken() {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer.Builder b = MonitorHttpServer.builder(registry);

    assertThatThrownBy(() -> b.port(70_000)).hasMessageContaining("70000");
    assertThatThrownBy(() -> b.threads(0)).hasMessageContaining("0");
    assertThatThrownBy(() -> b.bearerToken("two words"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("two words");
    assertThatThrownBy(() -> b.bearerToken("")).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void bearerToken_configured_enforcedOnEveryRoute() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    registry.monitor("ctr", "v1");
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry).bearerToken("s3cr3t-T0ken"));

    for (String path : List.of("/api/models", "/api/models/ctr", "/api/alerts", "/metrics")) {
      HttpResponse<String> none = send(server, "GET", path, null);
      assertThat(none.statusCode()).as(path).isEqualTo(401);
      assertThat(none.headers().firstValue("WWW-Authenticate")).contains("Bearer");
      json(none);
      HttpResponse<String> wrong = send(server, "GET", path, "s3cr3t-T0kem");
      assertThat(wrong.statusCode()).as(path).isEqualTo(401);
      assertThat(send(server, "GET", path, "s3cr3t").statusCode()).as(path).isEqualTo(401);
    }
    // unauthenticated clients learn nothing, not even which methods exist
    assertThat(send(server, "POST", "/api/models", null).statusCode()).isEqualTo(401);

    assertThat(send(server, "GET", "/api/models", "s3cr3t-T0ken").statusCode()).isEqualTo(200);
    assertThat(send(server, "GET", "/api/models/ctr", "s3cr3t-T0ken").statusCode())
        .isEqualTo(200);
    assertThat(send(server, "GET", "/api/alerts", "s3cr3t-T0ken").statusCode()).isEqualTo(200);
  }

  @Test
  void models_noCallsYet_strictJsonWithZeros() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    registry.monitor("ctr", "v1");
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    JsonNode models = json(get(server, "/api/models"));
    assertThat(models.isArray()).isTrue();
    assertThat(models).hasSize(1);
    JsonNode ctr = models.get(0);
    assertThat(ctr.get("name").asText()).isEqualTo("ctr");
    assertThat(ctr.get("version").asText()).isEqualTo("v1");
    assertThat(ctr.get("window_calls").asLong()).isZero();
    assertThat(ctr.get("total_calls").asLong()).isZero();
    assertThat(ctr.get("window_error_rate").asDouble()).isZero();
    assertThat(ctr.get("p99_seconds").asDouble()).isZero();
    assertThat(ctr.get("drift_status").asText()).isEqualTo("NO_DATA");
    assertThat(ctr.get("firing_alerts").asLong()).isZero();

    JsonNode full = json(get(server, "/api/models/ctr"));
    assertThat(full.get("model").asText()).isEqualTo("ctr");
    assertThat(full.get("window_seconds").asDouble()).isZero();
    assertThat(full.get("total_latency").get("count").asLong()).isZero();
    assertThat(full.get("window_quality").isNull()).isTrue();
    assertThat(full.get("window_drift").get("features")).isEmpty();
  }

  @Test
  void modelDocument_declaredStages_windowAndTotalStagesBySnakeCaseName() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    ModelMonitor<Integer, Integer> monitor = registry.<Integer, Integer>monitorBuilder("ctr",
        "v1").stages("input", "inference").build();
    Function<Integer, Integer> ctr = monitor.decorateFunction(x -> {
      nanos.addAndGet(2_000_000L);
      monitor.recordStage(0, 2_000_000L);
      nanos.addAndGet(7_000_000L);
      monitor.recordStage(1, 7_000_000L);
      return x;
    });
    for (int i = 0; i < 3; i++) {
      ctr.apply(i);
    }
    nanos.addAndGet(WINDOW.toNanos());
    registry.tickNow();
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    JsonNode full = json(get(server, "/api/models/ctr"));
    JsonNode total = full.get("total_stages");
    assertThat(total.fieldNames()).toIterable().containsExactly("input", "inference");
    assertThat(total.get("inference").get("count").asLong()).isEqualTo(3);
    assertThat(total.get("inference").get("max_nanos").asLong())
        .isBetween(6_930_000L, 7_070_000L); // 2 significant digits
    assertThat(full.get("window_stages").get("input").get("count").asLong()).isEqualTo(3);
    assertThat(full.get("total_latency").get("count").asLong()).isEqualTo(3);
  }

  @Test
  void models_afterCalls_valuesMatchTheCallsMade() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    Function<Integer, Integer> ctr = model(registry.monitor("ctr", "v1"));
    registry.monitor("zeta", "v2");
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));
    for (int i = 0; i < 7; i++) {
      callQuietly(ctr, i < 2 ? -1 : i);
    }
    nanos.addAndGet(WINDOW.toNanos());
    ModelSnapshot closed = registry.tickNow().get("ctr");
    callQuietly(ctr, 1); // since start only

    JsonNode models = json(get(server, "/api/models"));
    assertThat(models).extracting(n -> n.get("name").asText()).containsExactly("ctr", "zeta");
    JsonNode summary = models.get(0);
    assertThat(summary.get("window_calls").asLong()).isEqualTo(7);
    assertThat(summary.get("total_calls").asLong()).isEqualTo(8);
    assertThat(summary.get("window_error_rate").asDouble()).isCloseTo(2 / 7.0, within(1e-12));
    assertThat(summary.get("total_error_rate").asDouble()).isCloseTo(2 / 8.0, within(1e-12));
    // every call took 3 ms on the fake ticker; HdrHistogram keeps 2 significant digits
    assertThat(summary.get("p50_seconds").asDouble()).isCloseTo(0.003, within(0.00005));
    assertThat(summary.get("p99_seconds").asDouble()).isCloseTo(0.003, within(0.00005));
    assertThat(summary.get("p99_seconds").asDouble())
        .isEqualTo(closed.windowLatency().p99Nanos() / 1e9);
    assertThat(summary.get("window_seconds").asDouble())
        .isEqualTo(closed.window().toNanos() / 1e9);
    assertThat(summary.get("in_flight").asLong()).isZero();

    JsonNode full = json(get(server, "/api/models/ctr"));
    assertThat(full.get("version").asText()).isEqualTo("v1");
    assertThat(full.get("window_outcomes").get("success").asLong()).isEqualTo(5);
    assertThat(full.get("window_outcomes").get("errors").asLong()).isEqualTo(2);
    assertThat(full.get("window_outcomes").get("errors_by_type").get("IllegalStateException")
        .asLong()).isEqualTo(2);
    assertThat(full.get("total_outcomes").get("success").asLong()).isEqualTo(6);
    assertThat(full.get("window_latency").get("count").asLong()).isEqualTo(7);
    assertThat(full.get("total_latency").get("count").asLong()).isEqualTo(8);
    assertThat(full.get("window_latency").get("p50_nanos").asLong())
        .isEqualTo(closed.windowLatency().p50Nanos());
    assertThat(full.get("window_seconds").asDouble())
        .isEqualTo(closed.window().toNanos() / 1e9);
    assertThat(Instant.parse(full.get("timestamp").asText())).isNotNull();
  }

  @Test
  void modelByName_percentEncoded_decodedAndLookedUpOnly() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    registry.monitor("team/ctr", "v1");
    registry.monitor("ctr", "v1");
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    assertThat(json(get(server, "/api/models/team%2Fctr")).get("model").asText())
        .isEqualTo("team/ctr");
    assertThat(json(get(server, "/api/models/c%74r")).get("model").asText()).isEqualTo("ctr");
    for (String path : List.of("/api/models/team/ctr", "/api/models/..%2F..%2Fetc%2Fpasswd",
        "/api/models/%C3%28", "/api/models/", "/api/models/c+r", "/api/models/ctr%00", "/nothing")) {
      HttpResponse<String> r = get(server, path);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(json(r).get("error").isTextual()).as(path).isTrue();
    }
  }

  @Test
  void decode_segments_percentDecodedPlusKeptMalformedOrNestedRefused() {
    assertThat(Routes.decode("team%2Fctr")).contains("team/ctr");
    assertThat(Routes.decode("a+b")).contains("a+b");
    assertThat(Routes.decode("caf%C3%A9")).contains("caf\u00e9");
    assertThat(Routes.decode("%zz")).isEmpty();
    assertThat(Routes.decode("%")).isEmpty();
    assertThat(Routes.decode("a/b")).isEmpty();
    assertThat(Routes.decode("")).isEmpty();
  }

  @Test
  void unknownModel_get_404WithJsonError() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    HttpResponse<String> r = get(server, "/api/models/missing");

    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(json(r).get("error").asText()).isEqualTo("unknown model");
  }

  @Test
  void methods_otherThanGetOrHead_405() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    registry.monitor("ctr", "v1");
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    for (String method : List.of("POST", "PUT", "DELETE", "PATCH")) {
      HttpResponse<String> r = send(server, method, "/api/models/ctr", null);
      assertThat(r.statusCode()).as(method).isEqualTo(405);
      assertThat(r.headers().firstValue("Allow")).contains("GET, HEAD");
      json(r);
    }
    HttpResponse<String> head = send(server, "HEAD", "/api/models/ctr", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void metrics_prometheusBound_servesTheScrape() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MonitorRegistry registry = registry(MonitorRegistry.builder().meterRegistry(prometheus));
    Function<Integer, Integer> ctr = model(registry.monitor("ctr", "v1"));
    for (int i = 0; i < 3; i++) {
      ctr.apply(i);
    }
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry).prometheus(prometheus));

    HttpResponse<String> r = get(server, "/metrics");

    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("Content-Type"))
        .contains("text/plain; version=0.0.4; charset=utf-8");
    assertThat(r.body()).contains("model_predictions_total")
        .containsPattern("model_predictions_total\\{[^}]*model=\"ctr\"[^}]*} 3");
  }

  @Test
  void metrics_noPrometheus_404() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    HttpResponse<String> r = get(server, "/metrics");

    assertThat(r.statusCode()).isEqualTo(404);
    json(r);
  }

  @Test
  void alerts_firingRule_listedActiveAndRecent() throws Exception {
    AlertRule highErrors = AlertRule.builder("HighErrors").signal(Signals.errorRate())
        .above(0.10).minSamples(1).build();
    MonitorRegistry registry = registry(MonitorRegistry.builder().alertRule(highErrors));
    Function<Integer, Integer> ctr = model(registry.monitor("ctr", "v1"));
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));
    JsonNode before = json(get(server, "/api/alerts"));
    assertThat(before.get("active")).isEmpty();
    assertThat(before.get("recent")).isEmpty();

    for (int i = 0; i < 10; i++) {
      callQuietly(ctr, i < 5 ? -1 : 1);
    }
    nanos.addAndGet(WINDOW.toNanos());
    registry.tickNow();

    JsonNode alerts = json(get(server, "/api/alerts"));
    assertThat(alerts.get("active")).hasSize(1);
    JsonNode active = alerts.get("active").get(0);
    assertThat(active.get("rule").asText()).isEqualTo("HighErrors");
    assertThat(active.get("model").asText()).isEqualTo("ctr");
    assertThat(active.get("state").asText()).isEqualTo("FIRING");
    assertThat(active.get("value").asDouble()).isCloseTo(0.5, within(1e-12));
    assertThat(active.get("threshold").asDouble()).isEqualTo(0.10);
    assertThat(Instant.parse(active.get("starts_at").asText())).isNotNull();
    assertThat(active.get("ends_at").isNull()).isTrue();
    assertThat(alerts.get("recent")).hasSize(1);
    assertThat(alerts.get("recent").get(0).get("fingerprint").asText())
        .isEqualTo(active.get("fingerprint").asText());
    assertThat(json(get(server, "/api/models")).get(0).get("firing_alerts").asLong())
        .isEqualTo(1);
  }

  @Test
  void sensitiveFeature_andMarkupInInputs_neverInAnyResponse() throws Exception {
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .numeric("salary", f -> f.range(0, 1_000).sensitive())
        .categorical("city", f -> f.vocabulary("paris", "oslo"))
        .build();
    List<Map<String, ?>> training = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      training.add(Map.of("salary", 100.0 + i, "city", i % 2 == 0 ? "paris" : "oslo"));
    }
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    ModelMonitor<Map<String, ?>, Double> monitor = registry.<Map<String, ?>, Double>
        monitorBuilder("pricing", "v1").schema(schema).baseline(Baseline.fit(training, schema))
        .build();
    Function<Map<String, ?>, Double> model = monitor.decorateFunction(in -> 0.5);
    model.apply(Map.of("salary", 777.125, "city", "<script>alert(1)</script>"));
    model.apply(Map.of("salary", 987_654.25, "city", "paris"));
    nanos.addAndGet(WINDOW.toNanos());
    registry.tickNow();
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry));

    JsonNode full = json(get(server, "/api/models/pricing"));
    assertThat(full.get("total_violations").get("invalid_inputs").asLong()).isEqualTo(2);
    assertThat(full.get("total_violations").get("by_feature").get("salary")
        .get("OUT_OF_RANGE").asLong()).isEqualTo(1);
    JsonNode salary = null;
    for (JsonNode f : full.get("total_drift").get("features")) {
      if (f.get("feature").asText().equals("salary")) {
        salary = f;
      }
    }
    assertThat(salary).as("salary is tracked for drift").isNotNull();
    assertThat(salary.get("samples").asLong()).isPositive();
    assertThat(salary.get("mean").isNull()).isTrue();
    assertThat(salary.get("std").isNull()).isTrue();
    assertThat(salary.get("sensitive").asBoolean()).isTrue();

    for (String path : List.of("/api/models", "/api/models/pricing", "/api/alerts")) {
      String body = get(server, path).body();
      assertThat(body).as(path).doesNotContain("777.125").doesNotContain("777,125")
          .doesNotContain("987654").doesNotContain("script").doesNotContain("<")
          .doesNotContain("alert(1)");
    }
  }

  @Test
  void slowClient_holdingAConnection_othersStillServed() throws Exception {
    MonitorRegistry registry = registry(MonitorRegistry.builder());
    MonitorHttpServer server = start(MonitorHttpServer.builder(registry).threads(2));
    try (java.net.Socket slow = new java.net.Socket("127.0.0.1", server.port())) {
      // half a request line, then silence: this holds one request thread
      slow.getOutputStream().write("GET /api/mod".getBytes(StandardCharsets.US_ASCII));
      slow.getOutputStream().flush();

      for (int i = 0; i < 5; i++) {
        assertThat(get(server, "/api/models").statusCode()).isEqualTo(200);
      }
    }
  }

  @Test
  void withoutPrometheusOnTheClassPath_serverStartsAndServesJson() throws Throwable {
    String classPath = System.getProperty("surefire.test.class.path",
        System.getProperty("java.class.path"));
    List<java.net.URL> urls = new ArrayList<>();
    for (String entry : classPath.split(java.io.File.pathSeparator)) {
      if (!entry.isEmpty() && !entry.contains("prometheus")) {
        urls.add(java.nio.file.Path.of(entry).toUri().toURL());
      }
    }
    try (java.net.URLClassLoader isolated = new java.net.URLClassLoader(
        urls.toArray(new java.net.URL[0]), ClassLoader.getPlatformClassLoader())) {
      assertThatThrownBy(() -> isolated.loadClass(
          "io.micrometer.prometheusmetrics.PrometheusMeterRegistry"))
          .isInstanceOf(ClassNotFoundException.class);
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> registryType = isolated.loadClass("io.modelmonitor.MonitorRegistry");
      Class<?> registryBuilder = isolated.loadClass("io.modelmonitor.MonitorRegistry$Builder");
      Class<?> serverType = isolated.loadClass("io.modelmonitor.http.MonitorHttpServer");
      Class<?> serverBuilder = isolated.loadClass(
          "io.modelmonitor.http.MonitorHttpServer$Builder");
      // method handles resolve one method each, as compiled code does (reflection would
      // resolve every signature of the class)
      Object builder = lookup.findStatic(registryType, "builder",
          MethodType.methodType(registryBuilder)).invoke();
      AutoCloseable isolatedRegistry = (AutoCloseable) lookup.findVirtual(registryBuilder,
          "build", MethodType.methodType(registryType)).invoke(builder);
      closeables.add(isolatedRegistry);
      Object b = lookup.findStatic(serverType, "builder",
          MethodType.methodType(serverBuilder, registryType)).invoke(isolatedRegistry);
      AutoCloseable isolatedServer = (AutoCloseable) lookup.findVirtual(serverBuilder, "start",
          MethodType.methodType(serverType)).invoke(b);
      closeables.add(isolatedServer);
      int port = (int) lookup.findVirtual(serverType, "port", MethodType.methodType(int.class))
          .invoke(isolatedServer);

      HttpResponse<String> models = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/api/models")).build(),
          HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> metrics = client.send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
          HttpResponse.BodyHandlers.ofString());

      assertThat(models.statusCode()).isEqualTo(200);
      assertThat(json(models)).isEmpty();
      assertThat(metrics.statusCode()).isEqualTo(404);
      // close while the isolated loader is open: closing may load more classes
      closeables.remove(isolatedServer);
      isolatedServer.close();
      closeables.remove(isolatedRegistry);
      isolatedRegistry.close();
    }
  }

  @Test
  void jsonViews_nonFiniteNumbers_writtenAsNull() throws Exception {
    JsonNode tree = STRICT.readTree("{\"a\":[1.5,2],\"b\":{\"c\":3}}");
    ((com.fasterxml.jackson.databind.node.ArrayNode) tree.get("a")).add(Double.NaN);
    ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("b"))
        .put("d", Double.POSITIVE_INFINITY);

    String text = new String(JsonViews.bytes(JsonViews.finite(tree)), StandardCharsets.UTF_8);

    assertThat(text).isEqualTo("{\"a\":[1.5,2,null],\"b\":{\"c\":3,\"d\":null}}");
  }

  @Test
  void onLoopback_aForeignHostHeader_isRefused() throws Exception {
    MonitorHttpServer server = MonitorHttpServer.builder(MonitorRegistry.builder().build())
        .start();
    closeables.add(server);
    try (java.net.Socket s = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
        server.port())) {
      s.getOutputStream().write(("GET /api/models HTTP/1.1\r\nHost: attacker.example:"
          + server.port() + "\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(response).startsWith("HTTP/1.1 421");
    }
    assertThat(Routes.loopbackHost("127.0.0.1:8080")).isTrue();
    assertThat(Routes.loopbackHost("LOCALHOST")).isTrue();
    assertThat(Routes.loopbackHost("[::1]:9")).isTrue();
    assertThat(Routes.loopbackHost("127.0.0.1.attacker.example")).isFalse();
    assertThat(Routes.loopbackHost(null)).isFalse();
  }
}
