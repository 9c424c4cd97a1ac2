package io.modelmonitor.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one handler behind every path: authentication, then the method, then the route.
 *
 * <p>Order matters: apart from the dashboard's fixed files (which hold no data, see
 * {@link Dashboard}), an unauthenticated client learns nothing, not even which paths exist (401
 * before 404 or 405). Model names are looked up in the registry only, never used as paths, so
 * a name such as {@code ../x} is simply unknown.
 */
final class Routes implements HttpHandler {

  static final String JSON = "application/json; charset=utf-8";
  static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String MODELS = "/api/models";
  private static final Logger LOG = LoggerFactory.getLogger("io.modelmonitor.http");

  private final MonitorRegistry registry;
  private final Supplier<String> scrape;
  /** SHA-256 of the expected header value, or null without a token. */
  private final byte[] expectedAuthorization;

  /** Whether only loopback host names are accepted (the server listens on loopback). */
  private final boolean loopbackOnly;

  Routes(MonitorRegistry registry, Supplier<String> scrape, String bearerToken,
      boolean loopbackOnly) {
    this.registry = registry;
    this.scrape = scrape;
    this.expectedAuthorization = bearerToken == null ? null : sha256(bearerToken);
    this.loopbackOnly = loopbackOnly;
  }

  /**
   * Whether the request's {@code Host} names this machine's loopback. A server on loopback
   * answers only to {@code 127.0.0.1}, {@code localhost} and {@code [::1]}, so a web page whose
   * own host name was rebound to 127.0.0.1 (DNS rebinding) cannot read it from the browser.
   */
  static boolean loopbackHost(String host) {
    if (host == null) {
      return false;
    }
    String name = host.trim().toLowerCase(java.util.Locale.ROOT);
    if (name.startsWith("[")) {
      int end = name.indexOf(']');
      name = end < 0 ? name : name.substring(0, end + 1);
    } else if (name.indexOf(':') >= 0) {
      name = name.substring(0, name.indexOf(':'));
    }
    return name.equals("127.0.0.1") || name.equals("localhost") || name.equals("[::1]");
  }

  @Override
  public void handle(HttpExchange exchange) throws IOException {
    try {
      Headers h = exchange.getResponseHeaders();
      h.set("Cache-Control", "no-store");
      h.set("X-Content-Type-Options", "nosniff");
      String path = exchange.getRequestURI().getRawPath();
      if (loopbackOnly && !loopbackHost(exchange.getRequestHeaders().getFirst("Host"))) {
        send(exchange, 421, JsonViews.error("this server answers to 127.0.0.1, localhost and "
            + "[::1] only"));
        return;
      }
      Dashboard.File file = Dashboard.find(path);
      if (file == null && !authorized(exchange.getRequestHeaders().getFirst("Authorization"))) {
        h.set("WWW-Authenticate", "Bearer");
        send(exchange, 401, JsonViews.error("unauthorized"));
        return;
      }
      String method = exchange.getRequestMethod();
      if (!method.equals("GET") && !method.equals("HEAD")) {
        h.set("Allow", "GET, HEAD");
        send(exchange, 405, JsonViews.error("method not allowed"));
        return;
      }
      if (file != null) {
        h.set("Content-Security-Policy", Dashboard.CONTENT_SECURITY_POLICY);
        send(exchange, 200, file.contentType(), file.body());
      } else {
        route(exchange, path);
      }
    } catch (RuntimeException e) {
      LOG.warn("ModelMonitor HTTP endpoint: {} {} failed", exchange.getRequestMethod(),
          exchange.getRequestURI().getRawPath(), e);
      if (exchange.getResponseCode() == -1) {
        send(exchange, 500, JsonViews.error("internal error"));
      }
    } finally {
      exchange.close();
    }
  }

  private void route(HttpExchange exchange, String path) throws IOException {
    if (path.equals("/metrics")) {
      if (scrape == null) {
        send(exchange, 404, JsonViews.error("no Prometheus registry bound"));
      } else {
        send(exchange, 200, PROMETHEUS_TEXT, scrape.get().getBytes(StandardCharsets.UTF_8));
      }
    } else if (path.equals(MODELS)) {
      send(exchange, 200, JsonViews.models(registry.monitors(), registry.activeAlerts()));
    } else if (path.startsWith(MODELS + '/')) {
      Optional<ModelMonitor<?, ?>> monitor = decode(path.substring(MODELS.length() + 1))
          .flatMap(registry::find);
      if (monitor.isPresent()) {
        send(exchange, 200, JsonViews.snapshot(monitor.get()));
      } else {
        send(exchange, 404, JsonViews.error("unknown model"));
      }
    } else if (path.equals("/api/process")) {
      send(exchange, 200, JsonViews.process());
    } else if (path.equals("/api/alerts")) {
      send(exchange, 200, JsonViews.alerts(registry.activeAlerts(), registry.alertHistory()));
    } else {
      send(exchange, 404, JsonViews.error("not found"));
    }
  }

  /** Percent-decodes one path segment ({@code +} stays a plus); empty if malformed. */
  static Optional<String> decode(String rawSegment) {
    if (rawSegment.isEmpty() || rawSegment.indexOf('/') >= 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(URLDecoder.decode(rawSegment.replace("+", "%2B"),
          StandardCharsets.UTF_8));
    } catch (IllegalArgumentException malformed) {
      return Optional.empty();
    }
  }

  /** Compares hashes, so the time taken depends neither on the token nor on its length. */
  private boolean authorized(String header) {
    if (expectedAuthorization == null) {
      return true;
    }
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(expectedAuthorization, sha256(header.substring(7).strip()));
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required on every Java platform", e);
    }
  }

  private static void send(HttpExchange exchange, int status, JsonNode body) throws IOException {
    send(exchange, status, JSON, JsonViews.bytes(body));
  }

  private static void send(HttpExchange exchange, int status, String contentType, byte[] body)
      throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(body);
    }
  }
}
