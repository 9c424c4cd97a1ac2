package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.http.MonitorHttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Static model facts: in every snapshot, in the JSON API, as model_info and gauges. */
class ModelInfoTest {

  private static ModelInfo info() {
    return ModelInfo.builder()
        .label("producer", "pytorch")
        .label("graph", "ctr_graph")
        .attribute("training_run", "run-42 <nightly>")
        .measurement(MetricNames.ONNX_SIZE, "bytes", "Size of the model", 1234)
        .measurement(MetricNames.ONNX_THREADS, null, "Configured threads", 2,
            MetricNames.TAG_KIND, "intra_op")
        .measurement(MetricNames.ONNX_MEMORY_FOOTPRINT, "bytes", "Footprint", Double.NaN)
        .build();
  }

  @Test
  void snapshot_monitorWithInfo_carriesItUnchanged() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Object, Object> m = registry.monitorBuilder("ctr", "v1").info(info()).build();
      assertThat(m.snapshot().info()).isEqualTo(info());
      assertThat(m.snapshot().info().measurement(MetricNames.ONNX_THREADS, MetricNames.TAG_KIND,
          "intra_op")).isEqualTo(2);
      assertThat(registry.monitor("plain", "v1").snapshot().info()).isSameAs(ModelInfo.EMPTY);
    }
  }

  @Test
  void build_existingMonitor_keepsTheInfoItWasCreatedWith() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Object, Object> first = registry.monitorBuilder("ctr", "v1").info(info())
          .build();
      ModelMonitor<Object, Object> again = registry.monitorBuilder("ctr", "v1")
          .info(ModelInfo.builder().label("producer", "other").build()).build();
      assertThat(again).isSameAs(first);
      assertThat(again.snapshot().info()).isEqualTo(info());
    }
  }

  @Test
  void scrape_monitorWithInfo_exportsInfoGaugeWithLabelsAndMeasurementsWithUnits() {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .commonTag("service", "search").build()) {
      registry.monitorBuilder("ctr", "v1").info(info()).build();
      registry.monitor("plain", "v1");
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("# HELP model_info ")
          .contains("model_info{graph=\"ctr_graph\",model=\"ctr\",producer=\"pytorch\","
              + "service=\"search\",version=\"v1\"} 1")
          .contains("model_onnx_size_bytes{model=\"ctr\",service=\"search\",version=\"v1\"} "
              + "1234.0")
          .contains("model_onnx_threads{kind=\"intra_op\",model=\"ctr\",service=\"search\","
              + "version=\"v1\"} 2.0")
          .contains("model_onnx_memory_footprint_bytes{model=\"ctr\",service=\"search\","
              + "version=\"v1\"} NaN")
          .doesNotContain("run-42") // attributes never become labels
          .doesNotContain("model=\"plain\",version=\"v1\"} 1\n# HELP");
      assertThat(scrape.lines().filter(l -> l.startsWith("model_info{"))).hasSize(1);
    }
    assertThat(prometheus.scrape()).doesNotContain("model_info"); // removed on close
  }

  @Test
  void build_labelKeyTakenByACommonTag_refusedWithTheKey() {
    try (MonitorRegistry registry = MonitorRegistry.builder()
        .meterRegistry(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT))
        .commonTag("service", "search").build()) {
      MonitorRegistry.MonitorBuilder<Object, Object> b = registry.monitorBuilder("ctr", "v1")
          .info(ModelInfo.builder().label("service", "other").build());
      assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'service'");
      assertThat(registry.find("ctr")).isEmpty();
    }
  }

  @Test
  void builder_invalidKeysAndValues_refusedWithTheValue() {
    assertThatThrownBy(() -> ModelInfo.builder().label("Producer", "x"))
        .hasMessageContaining("'Producer'");
    assertThatThrownBy(() -> ModelInfo.builder().label("model", "x"))
        .hasMessageContaining("reserved");
    assertThatThrownBy(() -> ModelInfo.builder().label("producer", " "))
        .hasMessageContaining("non-blank");
    assertThatThrownBy(() -> ModelInfo.builder().measurement("onnx.size", "bytes", "d", 1))
        .hasMessageContaining("'onnx.size'");
    assertThatThrownBy(() -> ModelInfo.builder().measurement(MetricNames.INFO, null, "d", 1))
        .hasMessageContaining(MetricNames.INFO);
    assertThatThrownBy(() -> ModelInfo.builder().measurement(MetricNames.ONNX_SIZE, null, "d",
        1, "kind")).hasMessageContaining("alternate");
    assertThatThrownBy(() -> ModelInfo.builder().measurement(MetricNames.ONNX_SIZE, null, "d", 1)
        .measurement(MetricNames.ONNX_SIZE, null, "d", 2).build())
        .hasMessageContaining("twice");
    assertThat(new ModelInfo(Map.of(), Map.of(), List.of())).isEqualTo(ModelInfo.EMPTY);
  }

  @Test
  void jsonApi_modelWithInfo_showsLabelsAttributesAndMeasurementsNaNAsNull() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      registry.monitorBuilder("ctr", "v1").info(info()).build();
      try (MonitorHttpServer server = MonitorHttpServer.builder(registry).start()) {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/models/ctr")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).doesNotContain("NaN").doesNotContain("<nightly>");
        JsonNode info = new ObjectMapper().readTree(response.body()).get("info");
        assertThat(info.fieldNames()).toIterable()
            .containsExactly("labels", "attributes", "measurements");
        assertThat(info.get("labels").get("producer").asText()).isEqualTo("pytorch");
        assertThat(info.get("attributes").get("training_run").asText())
            .isEqualTo("run-42 <nightly>");
        assertThat(info.get("measurements")).hasSize(3);
        assertThat(info.get("measurements").get(0).get("name").asText())
            .isEqualTo(MetricNames.ONNX_SIZE);
        assertThat(info.get("measurements").get(0).get("value").asDouble()).isEqualTo(1234);
        assertThat(info.get("measurements").get(1).get("tags").get("kind").asText())
            .isEqualTo("intra_op");
        assertThat(info.get("measurements").get(2).get("value").isNull()).isTrue();
      }
    }
  }
}
