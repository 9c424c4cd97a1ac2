package io.modelmonitor.alert;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.Ticker;
import io.modelmonitor.testing.SystemTools;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A monitored model's alert reaches a real Prometheus Alertmanager (Debian's
 * {@code prometheus-alertmanager}, started on a free loopback port), is listed there while it
 * fires, and disappears once it resolves.
 */
class AlertmanagerSinkTest {

  private static final String BINARY = "/usr/bin/prometheus-alertmanager";
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir
  Path dir;
  private Process alertmanager;
  private URI base;

  @BeforeEach
  void startAlertmanager() throws Exception {
    SystemTools.require("Prometheus Alertmanager", "apt-get install prometheus-alertmanager",
        BINARY, "--version");
    Path config = dir.resolve("alertmanager.yml");
    Files.writeString(config, String.join("\n",
        "route:",
        "  receiver: nobody",
        "  group_wait: 1s",
        "receivers:",
        "  - name: nobody",
        ""));
    int port;
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort();
    }
    base = URI.create("http://127.0.0.1:" + port);
    alertmanager = new ProcessBuilder(BINARY, "--config.file=" + config,
        "--storage.path=" + dir.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
        "--cluster.listen-address=").redirectErrorStream(true)
        .redirectOutput(dir.resolve("alertmanager.log").toFile()).start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (true) {
      try {
        if (get("/-/ready").statusCode() == 200) {
          break;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      assertThat(alertmanager.isAlive()).as("alertmanager exited: "
          + Files.readString(dir.resolve("alertmanager.log"))).isTrue();
      assertThat(System.nanoTime()).as("alertmanager not ready in 30 s").isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  @AfterEach
  void stopAlertmanager() throws Exception {
    if (alertmanager != null) {
      alertmanager.destroy();
      if (!alertmanager.waitFor(10, TimeUnit.SECONDS)) {
        alertmanager.destroyForcibly();
      }
    }
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    return HTTP.send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(5))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The alerts Alertmanager lists for model ctr. */
  private List<JsonNode> listed() throws Exception {
    JsonNode all = new ObjectMapper().readTree(get("/api/v2/alerts").body());
    List<JsonNode> out = new ArrayList<>();
    for (JsonNode a : all) {
      if ("ctr".equals(a.path("labels").path("model").asText())) {
        out.add(a);
      }
    }
    return out;
  }

  private List<JsonNode> awaitListed(int count) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    List<JsonNode> alerts = listed();
    while (alerts.size() != count && System.nanoTime() < deadline) {
      Thread.sleep(50);
      alerts = listed();
    }
    return alerts;
  }

  /** 100 calls, a quarter of them failing. */
  private static void failQuarter(Function<Integer, Integer> model) {
    for (int i = 0; i < 100; i++) {
      try {
        model.apply(i % 4 == 0 ? -1 : 1);
      } catch (IllegalArgumentException expected) {
        // 25% errors
      }
    }
  }

  @Test
  void firingAndResolvedAlertsReachAlertmanager() throws Exception {
    AtomicLong nanos = new AtomicLong();
    Ticker ticker = nanos::get;
    AlertRule rule = AlertRule.builder("ModelErrorRate").signal(Signals.errorRate()).above(0.1)
        .severity(Severity.CRITICAL).label("team", "ranking")
        .description("{model} fails {value} of calls").build();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .reportingInterval(Duration.ofSeconds(10)).alertWarmUp(Duration.ZERO)
        .commonTag("service.name", "search").alertRule(rule)
        .alertSink(new AlertmanagerSink(base, Duration.ofSeconds(5))).build()) {
      ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1");
      Function<Integer, Integer> model = monitor.decorateFunction(x -> {
        if (x < 0) {
          throw new IllegalArgumentException("bad");
        }
        return x;
      });
      failQuarter(model);
      nanos.addAndGet(Duration.ofSeconds(10).toNanos());
      registry.tickNow();

      List<JsonNode> firing = awaitListed(1);
      assertThat(firing).hasSize(1);
      JsonNode alert = firing.get(0);
      assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("ModelErrorRate");
      assertThat(alert.path("labels").path("severity").asText()).isEqualTo("critical");
      assertThat(alert.path("labels").path("team").asText()).isEqualTo("ranking");
      // Alertmanager refuses dots in label names: the sink sends service_name
      assertThat(alert.path("labels").path("service_name").asText()).isEqualTo("search");
      java.time.Instant endsAt = java.time.Instant.parse(alert.path("endsAt").asText());
      assertThat(endsAt).as("valid for a while, refreshed every window")
          .isAfter(java.time.Instant.now().plusSeconds(60));

      // another breaching window refreshes it; still one alert, still active
      failQuarter(model);
      nanos.addAndGet(Duration.ofSeconds(10).toNanos());
      registry.tickNow();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (registry.alertSinkStats().get(0).delivered() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(registry.alertSinkStats().get(0).delivered()).isGreaterThanOrEqualTo(2);
      assertThat(listed()).singleElement().satisfies(a ->
          assertThat(a.path("status").path("state").asText()).isEqualTo("active"));
      assertThat(alert.path("labels").path("version").asText()).isEqualTo("v1");
      assertThat(alert.path("annotations").path("description").asText())
          .isEqualTo("ctr fails 0.2500 of calls");
      assertThat(alert.path("status").path("state").asText()).isEqualTo("active");

      for (int i = 0; i < 100; i++) {
        model.apply(1);
      }
      nanos.addAndGet(Duration.ofSeconds(10).toNanos());
      registry.tickNow();
      assertThat(awaitListed(0)).isEmpty();
      assertThat(registry.alertSinkStats()).singleElement().satisfies(s -> {
        assertThat(s.sink()).isEqualTo("alertmanager");
        assertThat(s.failed()).isZero();
        assertThat(s.dropped()).isZero();
      });
    }
  }
}
