package io.modelmonitor.alert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The webhook sink against a real HTTP server on loopback. */
class WebhookSinkTest {

  private static final byte[] SECRET = "s3cret".getBytes(StandardCharsets.UTF_8);

  /** What the receiver saw of one request. */
  private record Received(String delivery, String signature, String body) {}

  private final List<Received> requests = new CopyOnWriteArrayList<>();
  private HttpServer server;

  private URI serve(int... statuses) throws IOException {
    AtomicInteger n = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      record(exchange);
      int i = n.getAndIncrement();
      int status = statuses[Math.min(i, statuses.length - 1)];
      if (status == 429) {
        exchange.getResponseHeaders().add("Retry-After", "0");
      }
      exchange.sendResponseHeaders(status, -1);
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  private void record(HttpExchange exchange) throws IOException {
    String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
    requests.add(new Received(exchange.getRequestHeaders().getFirst("X-ModelMonitor-Delivery"),
        exchange.getRequestHeaders().getFirst("X-ModelMonitor-Signature"), body));
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private static AlertEvent event() {
    return new AlertEvent("HighErrors", "ctr", "v1", AlertEvent.State.FIRING, false,
        Severity.CRITICAL, 0.2, 0.1, Map.of("alertname", "HighErrors", "model", "ctr"),
        "ctr fails 0.2 of calls", Instant.parse("2026-11-29T10:00:00Z"), null,
        "f1d2d2f9-24e8-3d8b-a5a4-1a0b2c3d4e5f", false);
  }

  private static String hmac(String body) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(SECRET, "HmacSHA256"));
    return "sha256=" + HexFormat.of().formatHex(mac.doFinal(body.getBytes(
        StandardCharsets.UTF_8)));
  }

  @Test
  void serverErrorsAreRetriedWithTheSameDeliveryIdAndASignedBody() throws Exception {
    URI uri = serve(500, 503, 200);
    WebhookSink sink = WebhookSink.builder(uri).hmacSecret(SECRET).maxAttempts(5)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build();
    sink.deliver(event());

    assertThat(requests).hasSize(3);
    assertThat(sink.retries()).isEqualTo(2);
    assertThat(requests).extracting(Received::delivery).doesNotContainNull()
        .containsOnly(requests.get(0).delivery());
    assertThat(requests).extracting(Received::body).containsOnly(requests.get(0).body());
    for (Received r : requests) {
      assertThat(r.signature()).isEqualTo(hmac(r.body()));
    }
    JsonNode body = new ObjectMapper().readTree(requests.get(0).body());
    assertThat(body.get("deliveryId").asText()).isEqualTo(requests.get(0).delivery());
    assertThat(body.get("alert").asText()).isEqualTo("HighErrors");
    assertThat(body.get("state").asText()).isEqualTo("firing");
    assertThat(body.get("value").asDouble()).isEqualTo(0.2);
    assertThat(body.get("startsAt").asText()).isEqualTo("2026-11-29T10:00:00Z");
    assertThat(body.has("endsAt")).isFalse();
    assertThat(body.get("labels").get("model").asText()).isEqualTo("ctr");
  }

  @Test
  void clientErrorsAreNotRetried() throws Exception {
    URI uri = serve(400, 200);
    WebhookSink sink = WebhookSink.builder(uri).maxAttempts(5)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(10)).build();
    assertThatThrownBy(() -> sink.deliver(event())).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 400");
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).signature()).isNull();
  }

  @Test
  void tooManyRequestsIsRetriedAfterTheServersDelay() throws Exception {
    URI uri = serve(429, 200);
    WebhookSink sink = WebhookSink.builder(uri).maxAttempts(3)
        .backoff(Duration.ofMillis(1), Duration.ofSeconds(1)).build();
    sink.deliver(event());
    assertThat(requests).hasSize(2);
  }

  @Test
  void givesUpAfterMaxAttempts() throws Exception {
    URI uri = serve(502);
    WebhookSink sink = WebhookSink.builder(uri).maxAttempts(3)
        .backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    assertThatThrownBy(() -> sink.deliver(event())).isInstanceOf(IOException.class)
        .hasMessageContaining("HTTP 502");
    assertThat(requests).hasSize(3);
  }

  @Test
  void aHangingReceiverTimesOut() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
    server.createContext("/hook", exchange -> {
      record(exchange);
      try {
        release.await(); // never answers until the test ends
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      exchange.close();
    });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    WebhookSink sink = WebhookSink.builder(uri).requestTimeout(Duration.ofMillis(200))
        .maxAttempts(2).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    try {
      assertThatThrownBy(() -> sink.deliver(event())).isInstanceOf(HttpTimeoutException.class);
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (requests.size() < 2 && System.nanoTime() < deadline) {
        Thread.sleep(5); // the server records the second request on its own thread
      }
      assertThat(requests).hasSize(2);
    } finally {
      release.countDown();
    }
  }

  @Test
  void retryAfterIsReadAsSecondsOrAnHttpDate() {
    Instant now = Instant.parse("2026-11-29T10:00:00Z");
    assertThat(WebhookSink.retryAfterMillis("120", now)).contains(120_000L);
    assertThat(WebhookSink.retryAfterMillis(" 0 ", now)).contains(0L);
    assertThat(WebhookSink.retryAfterMillis("-1", now)).contains(0L);
    assertThat(WebhookSink.retryAfterMillis("99999999999999999", now)).contains(Long.MAX_VALUE);
    assertThat(WebhookSink.retryAfterMillis("Sun, 29 Nov 2026 10:00:03 GMT", now))
        .contains(3_000L);
    assertThat(WebhookSink.retryAfterMillis("Sun, 29 Nov 2026 09:59:00 GMT", now))
        .contains(0L);
    assertThat(WebhookSink.retryAfterMillis("soon", now)).isEmpty();
    assertThat(WebhookSink.retryAfterMillis(null, now)).isEmpty();
  }

  @Test
  void aRetryAfterLongerThanTheMaximumBackoffIsNotWaitedFor() throws Exception {
    AtomicInteger n = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      record(exchange);
      exchange.getResponseHeaders().add("Retry-After", n.getAndIncrement() == 0 ? "3600" : "0");
      exchange.sendResponseHeaders(429, -1);
      exchange.close();
    });
    server.start();
    URI uri = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
    WebhookSink sink = WebhookSink.builder(uri).maxAttempts(5)
        .backoff(Duration.ofMillis(1), Duration.ofSeconds(1)).build();
    assertThatThrownBy(() -> sink.deliver(event())).isInstanceOf(IOException.class)
        .hasMessageContaining("3600000 ms");
    assertThat(requests).hasSize(1);
  }

  @Test
  void theServersRetryAfterDelayIsWaited() throws Exception {
    URI uri = serveWithRetryAfter("1");
    WebhookSink sink = WebhookSink.builder(uri).maxAttempts(3)
        .backoff(Duration.ofMillis(1), Duration.ofSeconds(5)).build();
    List<Long> waits = new CopyOnWriteArrayList<>();
    sink.sleeper = waits::add; // record the wait instead of spending it
    sink.deliver(event());
    assertThat(requests).hasSize(2);
    assertThat(waits).as("waited the server's 1 s, not a backoff").containsExactly(1_000L);
  }

  private URI serveWithRetryAfter(String value) throws IOException {
    AtomicInteger n = new AtomicInteger();
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/hook", exchange -> {
      record(exchange);
      if (n.getAndIncrement() == 0) {
        exchange.getResponseHeaders().add("Retry-After", value);
        exchange.sendResponseHeaders(503, -1);
      } else {
        exchange.sendResponseHeaders(204, -1);
      }
      exchange.close();
    });
    server.start();
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/hook");
  }

  @Test
  void aRefusedConnectionIsRetriedThenFails() throws Exception {
    int port;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      port = s.getLocalPort(); // closed again: nothing listens there
    }
    WebhookSink sink = WebhookSink.builder(URI.create("http://127.0.0.1:" + port + "/hook"))
        .maxAttempts(3).backoff(Duration.ofMillis(1), Duration.ofMillis(5)).build();
    assertThatThrownBy(() -> sink.deliver(event())).isInstanceOf(java.net.ConnectException.class);
    assertThat(sink.retries()).isEqualTo(2);
  }

  @Test
  void theBuilderRejectsNonsense() {
    URI uri = URI.create("http://127.0.0.1:1/hook");
    assertThatThrownBy(() -> WebhookSink.builder(uri).requestTimeout(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookSink.builder(uri).backoff(Duration.ofSeconds(2),
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> WebhookSink.builder(uri).backoff(Duration.ofMillis(-1),
        Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
  }
}
