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

  private final URI alerts;
  private final Duration timeout;
  private final HttpClient client;

  /**
   * Creates a sink for the Alertmanager at {@code baseUri}.
   *
   * @param baseUri such as {@code http://127.0.0.1:9093}
   * @param timeout connect and request timeout
   */
  public AlertmanagerSink(URI baseUri, Duration timeout) {
    Objects.requireNonNull(baseUri, "baseUri");
    this.alerts = baseUri.resolve("/api/v2/alerts");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.client = HttpClient.newBuilder().connectTimeout(timeout)
        .version(HttpClient.Version.HTTP_1_1).build();
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
      e.labels().forEach(labels::put);
      ObjectNode annotations = alert.putObject("annotations");
      annotations.put("description", e.description());
      annotations.put("value", Double.toString(e.value()));
      alert.put("startsAt", e.startsAt().toString());
      if (e.endsAt() != null) {
        alert.put("endsAt", e.endsAt().toString());
      }
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
