package io.modelmonitor.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.testing.SystemTools;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard: its files over HTTP (open without the token, strict content security policy,
 * Chart.js from the webjar), {@code /api/process}, and the page itself rendered by a real
 * headless Chromium against a registry with traffic, drift, violations and a firing alert whose
 * description carries markup.
 */
class DashboardTest {

  private static final Duration WINDOW = Duration.ofSeconds(60);
  private static final String TOKEN = "s3cret-token";
  private static final String MARKUP = "<script>alert(1)</script>";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final HttpClient client = HttpClient.newBuilder()
      .connectTimeout(Duration.ofSeconds(5)).build();
  private MonitorRegistry registry;
  private MonitorHttpServer server;

  @BeforeEach
  void startRegistryWithTrafficAndServer() throws IOException {
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 1_000))
        .categorical("category", f -> f.vocabulary("shoes", "bags", "watches"))
        .build();
    SplittableRandom random = new SplittableRandom(7);
    String[] categories = {"shoes", "bags", "watches"};
    List<Map<String, ?>> training = new ArrayList<>();
    double[] trainingScores = new double[2_000];
    for (int i = 0; i < trainingScores.length; i++) {
      double price = 100 + 50 * random.nextDouble();
      training.add(Map.of("price", price, "category", categories[random.nextInt(3)]));
      trainingScores[i] = price / 200;
    }
    Baseline baseline = Baseline.builder().features(training, schema)
        .predictions(trainingScores).build();
    registry = MonitorRegistry.builder().ticker(nanos::get).reportingInterval(WINDOW)
        .alertWarmUp(Duration.ZERO)
        .alertRule(AlertRule.builder("HighErrors").signal(Signals.errorRate()).above(0.1)
            .description(MARKUP + " {model} fails {value} of calls").build())
        .build();
    ModelMonitor<Map<String, ?>, Double> monitor = registry.<Map<String, ?>, Double>
        monitorBuilder("ctr", "v1").schema(schema).baseline(baseline)
        .prediction(PredictionSpec.score(Double::doubleValue)).build();
    Function<Map<String, ?>, Double> model = monitor.decorateFunction(in -> {
      nanos.addAndGet(2_000_000L + 1_000L * (long) ((Double) in.get("price")).doubleValue());
      double price = (Double) in.get("price");
      if (price > 170) {
        throw new IllegalStateException("too expensive");
      }
      return price / 200;
    });
    for (int i = 0; i < 1_000; i++) {
      // prices moved up by 30: drift, and about 20% of calls fail
      double price = i % 100 == 0 ? 5_000.0 : 130 + 50 * random.nextDouble();
      String category = i % 50 == 0 ? "hats" : categories[random.nextInt(3)];
      try {
        model.apply(Map.of("price", price, "category", category));
      } catch (IllegalStateException expected) {
        // counted as an error
      }
    }
    nanos.addAndGet(WINDOW.toNanos());
    registry.tickNow();
    assertThat(registry.activeAlerts()).as("the error-rate alert fires").hasSize(1);
    server = MonitorHttpServer.builder(registry).bearerToken(TOKEN).start();
  }

  @AfterEach
  void close() {
    if (server != null) {
      server.close();
    }
    registry.close();
  }

  private HttpResponse<byte[]> send(String method, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder b = HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + path))
        .timeout(Duration.ofSeconds(10)).method(method, HttpRequest.BodyPublishers.noBody());
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String text(HttpResponse<byte[]> response) {
    return new String(response.body(), StandardCharsets.UTF_8);
  }

  @Test
  void root_withoutToken_servesThePageUnderAStrictPolicy() throws Exception {
    HttpResponse<byte[]> page = send("GET", "/", null);

    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
    String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
    assertThat(csp.split("; ")).contains("default-src 'self'", "script-src 'self'",
        "style-src 'self'", "object-src 'none'", "frame-ancestors 'none'");
    assertThat(csp).doesNotContain("unsafe");
    String html = text(page);
    assertThat(html).startsWith("<!DOCTYPE html>").contains("<pre id=\"errors\">");
    // no inline script or style: every script element has a src and is empty
    Matcher scripts = Pattern.compile("<script([^>]*)>(.*?)</script>", Pattern.DOTALL)
        .matcher(html);
    List<String> sources = new ArrayList<>();
    while (scripts.find()) {
      assertThat(scripts.group(2)).as("inline script").isEmpty();
      sources.add(scripts.group(1));
    }
    assertThat(sources).hasSize(2).allMatch(attributes -> attributes.contains(" src=\"static/"));
    assertThat(html).doesNotContain("<style").doesNotContain("style=")
        .doesNotContainPattern("\\son[a-z]+=");
  }

  @Test
  void staticFiles_withoutToken_servedWithTheirTypes() throws Exception {
    HttpResponse<byte[]> chart = send("GET", "/static/chart.umd.js", null);
    assertThat(chart.statusCode()).isEqualTo(200);
    assertThat(chart.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    byte[] webjar;
    try (InputStream in = getClass().getClassLoader().getResourceAsStream(
        "META-INF/resources/webjars/chart.js/4.4.1/dist/chart.umd.js")) {
      assertThat(in).as("the webjar is on the test class path").isNotNull();
      webjar = in.readAllBytes();
    }
    assertThat(chart.body()).isEqualTo(webjar);
    assertThat(text(chart)).startsWith("/*!\n * Chart.js v4.4.1");

    HttpResponse<byte[]> js = send("GET", "/static/dashboard.js", null);
    assertThat(js.statusCode()).isEqualTo(200);
    assertThat(js.headers().firstValue("Content-Type"))
        .contains("text/javascript; charset=utf-8");
    assertThat(text(js)).contains("textContent").doesNotContain("innerHTML");
    HttpResponse<byte[]> css = send("GET", "/static/dashboard.css", null);
    assertThat(css.headers().firstValue("Content-Type")).contains("text/css; charset=utf-8");

    HttpResponse<byte[]> head = send("HEAD", "/static/chart.umd.js", null);
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
  }

  @Test
  void otherPaths_withoutToken_stillUnauthorized() throws Exception {
    for (String path : List.of("/api/models", "/api/process", "/api/alerts", "/static/",
        "/static/other.js", "/static/../api/models", "/index.html", "/metrics")) {
      assertThat(send("GET", path, null).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(send("GET", "/static/other.js", TOKEN).statusCode()).isEqualTo(404);
    assertThat(send("POST", "/", null).statusCode()).isEqualTo(405);
  }

  @Test
  void process_withToken_reportsHeapAndCpu() throws Exception {
    HttpResponse<byte[]> response = send("GET", "/api/process", TOKEN);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type"))
        .contains("application/json; charset=utf-8");
    JsonNode p = JSON.readTree(response.body());
    long max = Runtime.getRuntime().maxMemory();
    assertThat(p.get("heap_used_bytes").asLong()).isPositive()
        .isLessThanOrEqualTo(p.get("heap_committed_bytes").asLong());
    assertThat(p.get("heap_max_bytes").asLong()).isEqualTo(max);
    assertThat(p.get("process_cpu_load").asDouble()).isBetween(0.0, 1.0);
    assertThat(p.get("available_processors").asInt())
        .isEqualTo(Runtime.getRuntime().availableProcessors());
    assertThat(p.get("uptime_seconds").asDouble()).isPositive();
  }

  @Test
  void alerts_descriptionWithMarkup_escapedInJson() throws Exception {
    String body = text(send("GET", "/api/alerts", TOKEN));

    assertThat(body).doesNotContain("<").doesNotContain(">")
        .contains("\\u003Cscript\\u003Ealert(1)\\u003C/script\\u003E");
    JsonNode firing = JSON.readTree(body).get("active").get(0);
    assertThat(firing.get("rule").asText()).isEqualTo("HighErrors");
    assertThat(firing.get("description").asText()).startsWith(MARKUP + " ctr fails 0.");
  }

  @Test
  void dashboard_inHeadlessChromium_drawsEveryChartAndShowsMarkupAsText(@TempDir Path profile)
      throws Exception {
    SystemTools.require("Chromium", "apt-get install chromium", "/usr/bin/chromium",
        "--version");
    String url = "http://127.0.0.1:" + server.port() + "/#token=" + TOKEN;

    String dom = chromium(profile.resolve("dump"), "--dump-dom", url);

    assertThat(attribute(dom, "data-rendered")).as("charts drawn with data in %s", dom)
        .isEqualTo("5");
    assertThat(Integer.parseInt(attribute(dom, "data-refreshes"))).isPositive();
    Matcher errors = Pattern.compile("<pre id=\"errors\">(.*?)</pre>", Pattern.DOTALL)
        .matcher(dom);
    assertThat(errors.find()).isTrue();
    assertThat(errors.group(1)).as("errors recorded by the page").isEmpty();
    String alerts = between(dom, "<table id=\"alerts\">", "</table>");
    assertThat(alerts).contains("HighErrors", "&lt;script&gt;alert(1)&lt;/script&gt; ctr fails")
        .doesNotContain("<script");
    // the page's own two scripts, and no third one from the data
    assertThat(Pattern.compile("<script").matcher(dom).results().count()).isEqualTo(2);
    String models = between(dom, "<table id=\"models\">", "</table>");
    assertThat(models).contains("<td>ctr</td>", "<td>v1</td>", "<td>1000</td>");
    String violations = between(dom, "<table id=\"violations\">", "</table>");
    assertThat(violations).contains("<td>price</td><td>OUT_OF_RANGE</td><td>10</td>",
        "<td>category</td><td>UNSEEN_CATEGORY</td><td>20</td>");

    Path png = Path.of("target", "dashboard.png").toAbsolutePath();
    Files.deleteIfExists(png);
    chromium(profile.resolve("shot"), "--screenshot=" + png, "--window-size=1400,1000", url);
    assertThat(png).exists();
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  /** Runs Chromium with a fresh profile; returns its standard output. */
  private static String chromium(Path profile, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/chromium", "--headless",
        "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--virtual-time-budget=5000", "--user-data-dir=" + profile));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("chromium", ".out");
    Process p = new ProcessBuilder(command).redirectOutput(out.toFile())
        .redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      assertThat(p.waitFor(60, TimeUnit.SECONDS)).as("chromium finished in 60 s").isTrue();
      assertThat(p.exitValue()).as("chromium exit code").isZero();
      return Files.readString(out);
    } finally {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      Files.deleteIfExists(out);
    }
  }

  private static String attribute(String dom, String name) {
    Matcher m = Pattern.compile("<body[^>]*\\s" + name + "=\"([^\"]*)\"").matcher(dom);
    assertThat(m.find()).as(name + " on <body>").isTrue();
    return m.group(1);
  }

  private static String between(String dom, String start, String end) {
    int from = dom.indexOf(start);
    assertThat(from).as(start).isNotNegative();
    return dom.substring(from, dom.indexOf(end, from));
  }
}
