package io.modelmonitor.alert;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Sends alerts to a Prometheus Alertmanager ({@code POST /api/v2/alerts}) with their labels and
 * a {@code description} annotation. Firing alerts are re-sent after every evaluation, as
 * Prometheus does, so Alertmanager keeps them active; a resolved alert is sent with its
 * {@code endsAt}. Alertmanager then groups, routes, silences and notifies.
 */
public final class AlertmanagerSink implements AlertSink {

  private static final ObjectMapper JSON = new ObjectMapper();

  private static final java.util.regex.Pattern INVALID = java.util.regex.Pattern.compile(
      "[^A-Za-z0-9_]");

  private final URI alerts;
  private final Duration timeout;
  private final Duration validFor;
  private final HttpClient client;

  /**
   * Creates a sink for the Alertmanager at {@code baseUri}; firing alerts are sent valid for 2
   * minutes and refreshed every evaluation, which suits reporting intervals up to 30 seconds.
   *
   * @param baseUri such as {@code http://127.0.0.1:9093} or {@code https://host/alertmanager/}
   *     (a route prefix is kept)
   * @param timeout connect and request timeout
   */
  public AlertmanagerSink(URI baseUri, Duration timeout) {
    this(baseUri, timeout, Duration.ofMinutes(2));
  }

  /**
   * Creates a sink for the Alertmanager at {@code baseUri}.
   *
   * @param baseUri such as {@code http://127.0.0.1:9093} (a route prefix is kept)
   * @param timeout connect and request timeout
   * @param validFor how long Alertmanager keeps a firing alert without hearing of it again
   *     (its {@code endsAt}); make it several reporting intervals, as Prometheus sends four
   *     evaluation intervals, so that a dead process's alerts resolve soon but a live one's
   *     never lapse between refreshes
   * @throws IllegalArgumentException if a duration is not positive
   */
  public AlertmanagerSink(URI baseUri, Duration timeout, Duration validFor) {
    Objects.requireNonNull(baseUri, "baseUri");
    String base = baseUri.toString();
    this.alerts = URI.create(base.endsWith("/") ? base : base + "/").resolve("api/v2/alerts");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.validFor = Objects.requireNonNull(validFor, "validFor");
    if (timeout.isNegative() || timeout.isZero() || validFor.isNegative() || validFor.isZero()) {
      throw new IllegalArgumentException("timeout and validFor must be positive");
    }
    this.client = HttpClient.newBuilder().connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1).build();
  }

  /** Alertmanager accepts {@code [a-zA-Z_][a-zA-Z0-9_]*} only: {@code service.name} is sent as
   * {@code service_name}. */
  static String labelName(String name) {
    String clean = INVALID.matcher(name).replaceAll("_");
    return clean.isEmpty() || Character.isDigit(clean.charAt(0)) ? "_" + clean : clean;
  }

  @Override
  public String name() {
    return "alertmanager";
  }

  @Override
  public boolean refreshes() {
    return true;
  }

  @Override
  public void deliver(AlertEvent event) throws IOException, InterruptedException {
    post(List.of(event));
  }

  @Override
  public void refresh(List<AlertEvent> firing) throws IOException, InterruptedException {
    if (!firing.isEmpty()) {
      post(firing);
    }
  }

  private void post(List<AlertEvent> events) throws IOException, InterruptedException {
    ArrayNode body = JSON.createArrayNode();
    for (AlertEvent e : events) {
      ObjectNode alert = body.addObject();
      ObjectNode labels = alert.putObject("labels");
      e.labels().forEach((k, v) -> labels.put(labelName(k), v));
      ObjectNode annotations = alert.putObject("annotations");
      annotations.put("description", e.description());
      annotations.put("value", Double.toString(e.value()));
      alert.put("startsAt", e.startsAt().toString());
      alert.put("endsAt", (e.endsAt() != null ? e.endsAt()
          : java.time.Instant.now().plus(validFor)).toString());
    }
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException(ex);
    }
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(alerts).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(json)).build(),
        HttpResponse.BodyHandlers.ofString());
    if (response.statusCode() >= 300) {
      throw new IOException("Alertmanager " + alerts + " answered HTTP " + response.statusCode()
          + ": " + response.body());
    }
  }
}
