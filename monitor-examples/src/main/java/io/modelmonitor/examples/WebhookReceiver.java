package io.modelmonitor.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.modelmonitor.alert.WebhookSink;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * A stand-in for the team's incident tool: a loopback HTTP endpoint that receives the alerts
 * {@link WebhookSink} posts, checks their HMAC signature, drops redelivered ones by their
 * delivery id and keeps them in arrival order.
 */
final class WebhookReceiver implements AutoCloseable {

  /** One alert as it arrived. */
  record Delivery(String alert, String model, String state, String startsAt, double value) {}

  private final byte[] secret;
  private final HttpServer server;
  private final List<Delivery> deliveries = new ArrayList<>();
  private final Set<String> seen = ConcurrentHashMap.newKeySet();
  private final ObjectMapper json = new ObjectMapper();
  private final Consumer<Delivery> listener;

  WebhookReceiver(byte[] secret, Consumer<Delivery> listener) throws IOException {
    this.secret = secret.clone();
    this.listener = listener;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
    server.createContext("/alerts", this::handle);
    server.start();
  }

  URI uri() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/alerts");
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String signature = exchange.getRequestHeaders().getFirst("X-ModelMonitor-Signature");
      if (signature == null || !java.security.MessageDigest.isEqual(
          signature.getBytes(StandardCharsets.UTF_8),
          WebhookSink.signature(secret, body).getBytes(StandardCharsets.UTF_8))) {
        exchange.sendResponseHeaders(401, -1);
        return;
      }
      String id = exchange.getRequestHeaders().getFirst("X-ModelMonitor-Delivery");
      if (id == null || seen.add(id)) {
        JsonNode alert = json.readTree(body);
        Delivery d = new Delivery(alert.path("alert").asText(), alert.path("model").asText(),
            alert.path("state").asText(), alert.path("startsAt").asText(),
            alert.path("value").asDouble());
        synchronized (deliveries) {
          deliveries.add(d);
        }
        listener.accept(d);
      }
      exchange.sendResponseHeaders(204, -1);
    }
  }

  List<Delivery> deliveries() {
    synchronized (deliveries) {
      return List.copyOf(deliveries);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
