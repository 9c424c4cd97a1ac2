package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.micrometer.core.instrument.Clock;
import io.micrometer.registry.otlp.OtlpConfig;
import io.micrometer.registry.otlp.OtlpMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * OTLP export is a matter of swapping the Micrometer registry: the monitor's meters reach an
 * OTLP/HTTP receiver (a loopback server standing in for an OpenTelemetry collector).
 */
class OtlpExportTest {

  @Test
  void modelMetersArePublishedOverOtlpHttp() throws Exception {
    List<byte[]> bodies = new CopyOnWriteArrayList<>();
    List<String> contentTypes = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext("/v1/metrics", exchange -> {
      bodies.add(exchange.getRequestBody().readAllBytes());
      contentTypes.add(exchange.getRequestHeaders().getFirst("Content-Type"));
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    collector.start();
    String url = "http://127.0.0.1:" + collector.getAddress().getPort() + "/v1/metrics";
    OtlpConfig config = new OtlpConfig() {
      @Override
      public String get(String key) {
        return null;
      }

      @Override
      public String url() {
        return url;
      }

      @Override
      public Map<String, String> resourceAttributes() {
        return Map.of("service.name", "search");
      }
    };
    OtlpMeterRegistry otlp = new OtlpMeterRegistry(config, Clock.SYSTEM);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(otlp).build()) {
      Function<Integer, Integer> model = registry.<Integer, Integer>monitor("ctr", "v1")
          .decorateFunction(x -> {
            if (x < 0) {
              throw new IllegalArgumentException();
            }
            return x;
          });
      for (int i = 0; i < 50; i++) {
        try {
          model.apply(i % 10 == 0 ? -1 : i);
        } catch (IllegalArgumentException expected) {
          // counted
        }
      }
      otlp.close(); // publishes once more, synchronously
    } finally {
      collector.stop(0);
    }
    assertThat(bodies).isNotEmpty();
    assertThat(contentTypes).allMatch(t -> t.startsWith("application/x-protobuf"));
    // protobuf carries names and attribute values as UTF-8 strings
    String all = new String(bodies.get(bodies.size() - 1), StandardCharsets.ISO_8859_1);
    assertThat(all).contains("model.predictions", "model.prediction.latency",
        "model.predictions.active", "ctr", "v1", "outcome", "success", "error", "search");
  }
}
