package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.MetricNames;
import io.modelmonitor.ModelInfo;
import io.modelmonitor.MonitorRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Load time, size, threads and resident memory: in resources(), the snapshot and a scrape. */
class OnnxResourcesTest {

  @Test
  void resources_ctrModel_sizeLoadTimeThreadsAndMemoryAreSane() throws Exception {
    Path file = model("ctr_logreg.onnx");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1", file)
            .intraOpThreads(2).interOpThreads(1).open()) {
      OnnxResources r = ctr.resources();

      assertThat(r.sizeBytes()).isEqualTo(Files.size(file));
      assertThat(r.loadTime()).isPositive();
      assertThat(r.intraOpThreads()).isEqualTo(2);
      assertThat(r.interOpThreads()).isEqualTo(1);
      if (Files.isReadable(Path.of("/proc/self/status"))) {
        assertThat(r.residentBytesBefore()).isGreaterThan(1L << 20);
        assertThat(r.residentBytesAfter()).isGreaterThan(1L << 20);
        assertThat(r.footprintBytes()).isEqualTo(r.residentBytesAfter()
            - r.residentBytesBefore());
      } else {
        assertThat(r.footprintBytes()).isEqualTo(-1);
      }

      ModelInfo info = ctr.monitor().snapshot().info();
      assertThat(info.measurement(MetricNames.ONNX_SIZE)).isEqualTo(r.sizeBytes());
      assertThat(info.measurement(MetricNames.ONNX_LOAD_DURATION))
          .isEqualTo(r.loadTime().toNanos() / 1e9);
      assertThat(info.measurement(MetricNames.ONNX_THREADS, MetricNames.TAG_KIND, "intra_op"))
          .isEqualTo(2);
      assertThat(info.measurement(MetricNames.ONNX_THREADS, MetricNames.TAG_KIND, "inter_op"))
          .isEqualTo(1);
      assertThat(info.measurement(MetricNames.ONNX_MEMORY_RESIDENT, MetricNames.TAG_PHASE,
          "after_load")).isEqualTo(r.residentBytesAfter() < 0 ? Double.NaN
          : (double) r.residentBytesAfter());
    }
  }

  @Test
  void resources_defaultThreads_reportedAsZero() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      assertThat(ctr.resources().intraOpThreads()).isZero();
      assertThat(ctr.resources().interOpThreads()).isZero();
    }
  }

  @Test
  void scrape_metaModel_infoAndResourceGaugesWithTheirValues() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Path file = model("ctr_logreg_meta.onnx");
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus).build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1", file)
            .intraOpThreads(1).open()) {
      String scrape = prometheus.scrape();

      assertThat(scrape).contains("model_info{domain=\"io.modelmonitor.test\","
              + "graph=\"ctr_logreg\",model=\"ctr\",model_version=\"7\","
              + "producer=\"modelmonitor-generate_metadata.py\",producer_version=\"1.2.3\","
              + "version=\"v1\"} 1")
          .contains("model_onnx_size_bytes{model=\"ctr\",version=\"v1\"} "
              + (double) Files.size(file))
          .contains("model_onnx_threads{kind=\"intra_op\",model=\"ctr\",version=\"v1\"} 1.0")
          .contains("model_onnx_threads{kind=\"inter_op\",model=\"ctr\",version=\"v1\"} 0.0")
          .contains("model_onnx_load_duration_seconds{model=\"ctr\",version=\"v1\"} ")
          .contains("model_onnx_memory_footprint_bytes{model=\"ctr\",version=\"v1\"} ")
          .contains("model_onnx_memory_resident_bytes{model=\"ctr\",phase=\"before_load\"")
          .doesNotContain("ranking-team"); // custom metadata never becomes a label
    }
  }

  @Test
  void residentMemory_statusFiles_parsedOrUnknown(@TempDir Path dir) throws Exception {
    Path status = dir.resolve("status");
    Files.writeString(status, "Name:\tjava\nVmPeak:\t  999 kB\nVmRSS:\t  123456 kB\n");
    assertThat(ResidentMemory.bytes(status)).isEqualTo(123456L * 1024);
    Files.writeString(status, "Name:\tjava\n");
    assertThat(ResidentMemory.bytes(status)).isEqualTo(-1);
    Files.writeString(status, "VmRSS:\t  12 MB\n");
    assertThat(ResidentMemory.bytes(status)).isEqualTo(-1);
    assertThat(ResidentMemory.bytes(dir.resolve("absent"))).isEqualTo(-1);
  }

  @Test
  void info_unknownSizeAndResidentMemory_exportedAsNaN() throws Exception {
    try (ai.onnxruntime.OrtSession session = PlainOrt.ENV.createSession(
        model("ctr_logreg.onnx").toString())) {
      ModelInfo info = OnnxMetadata.read(session.getMetadata(), "", "test")
          .info(new OnnxResources(java.time.Duration.ofMillis(3), -1, 0, 0, -1, -1), "none",
              "none");
      assertThat(info.measurement(MetricNames.ONNX_SIZE)).isNaN();
      assertThat(info.measurement(MetricNames.ONNX_MEMORY_FOOTPRINT)).isNaN();
      assertThat(info.measurement(MetricNames.ONNX_MEMORY_RESIDENT, MetricNames.TAG_PHASE,
          "before_load")).isNaN();
      assertThat(info.measurement(MetricNames.ONNX_LOAD_DURATION)).isEqualTo(0.003);
    }
  }
}
