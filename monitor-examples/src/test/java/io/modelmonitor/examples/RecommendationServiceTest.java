package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.PredictionSpec;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** The recommendation API's answers to bad requests, over real HTTP on loopback. */
class RecommendationServiceTest {

  @Test
  void api_malformedPercentEscape_answers400() throws Exception {
    Catalogue catalogue = Catalogue.load();
    MonitorConfig config = MonitorConfig.custom().build();
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        CtrModel ctr = CtrModel.open(registry, config)) {
      ModelMonitor<RecommendationService.Request, RecommendationService.Recommendation>
          recommender = registry.<RecommendationService.Request,
              RecommendationService.Recommendation>monitorBuilder(
                  RecommendationService.RECOMMENDER, "test")
              .prediction(PredictionSpec.ranked(RecommendationService.Recommendation::itemIds,
                  new PredictionSpec.RankedOptions(catalogue.items.size(), 10_000, 10)))
              .requestId(RecommendationService.Request::id)
              .config(config)
              .build();
      try (RecommendationService service = new RecommendationService(catalogue, ctr,
          recommender, ScenarioClock.realTime(), 1)) {
        InetSocketAddress api = service.start(InetAddress.getLoopbackAddress(), 0);
        URI base = URI.create("http://127.0.0.1:" + api.getPort());
        HttpClient http = HttpClient.newHttpClient();
        // raw requests (the JDK's client refuses to build such URIs); the JDK's server already
        // answers 400 to a request line whose URI does not parse, so the service's own check
        // of the escapes (query(HttpExchange)) is defence in depth; this pins the behaviour
        assertThat(raw(api, "GET /recommend?user=%zz&n=3")).startsWith("HTTP/1.1 400");
        assertThat(raw(api, "POST /feedback?request=r-1%&item=1&event=click"))
            .startsWith("HTTP/1.1 400");
        HttpResponse<String> good = http.send(HttpRequest.newBuilder(
            base.resolve("/recommend?user=7&n=3")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(good.statusCode()).isEqualTo(200);
        assertThat(good.body()).contains("\"items\":[");
      }
    }
  }

  private static String raw(InetSocketAddress api, String requestLine) throws Exception {
    try (java.net.Socket socket = new java.net.Socket(InetAddress.getLoopbackAddress(),
        api.getPort())) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write((requestLine + " HTTP/1.1\r\nHost: localhost\r\n"
          + "Content-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return new String(socket.getInputStream().readAllBytes(),
          java.nio.charset.StandardCharsets.US_ASCII);
    }
  }
}
