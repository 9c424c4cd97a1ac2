package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.schema.FeatureSchema;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's metadata and shadow-mode examples, compiled and run here, found verbatim. */
class ReadmeMetadataSnippetTest {

  static ShadowReport refined(MonitorRegistry registry, MeterRegistry meterRegistry,
      Path v3File, Path v4File, List<Map<String, ?>> rows) throws Exception {
    ShadowReport report;
    // tag::onnx-shadow[]
    try (MonitoredOnnxSession v3 = MonitoredOnnxSession.builder(registry, "ctr", "v3", v3File)
            .schema(FeatureSchema.forMap()                 // refines the derived schema
                .numeric("price", f -> f.range(0, 10_000).sensitive())
                .build())
            .open();
        MonitoredOnnxSession v4 = MonitoredOnnxSession.open(registry, "ctr-shadow", "v4",
            v4File);
        ShadowOnnxSession ctr = ShadowOnnxSession.builder(v3, v4)
            .tolerance(0.02)                               // |v4 - v3| above it disagrees
            .meterRegistry(meterRegistry)
            .build()) {
      double[] ps = ctr.scoreBatch(rows);                  // v3's scores; v4 runs in the shadow
      report = ctr.report();                               // disagreement, drift of v4 vs v3
    }
    // end::onnx-shadow[]
    return report;
  }

  @Test
  void theExampleRunsAndTheReadmeHoldsItVerbatim() throws Exception {
    Path v3 = MonitoredOnnxSessionTest.model("ctr_logreg_meta.onnx");
    Path v4 = MonitoredOnnxSessionTest.model("ctr_logreg_challenger.onnx");
    List<Map<String, ?>> rows = List.copyOf(OnnxMetadataTest.traffic(50, 1, 1, 200));
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ShadowReport r = refined(registry, new SimpleMeterRegistry(), v3, v4, rows);
      // the report raced the shadow thread; close() waited for it: v4 scored the batch once
      assertThat(r.comparedRows()).isIn(0L, 50L);
      assertThat(r.droppedCalls()).isZero();
      assertThat(registry.find("ctr-shadow").orElseThrow().snapshot().totalBatches().items())
          .isEqualTo(50);
      assertThat(registry.find("ctr").orElseThrow().schema().orElseThrow().features().get(0)
          .sensitive()).isTrue();
    }
    String source = Files.readString(Path.of(
        "src/test/java/io/modelmonitor/onnx/ReadmeMetadataSnippetTest.java"));
    Matcher m = Pattern.compile("// tag::onnx-shadow\\[]\\n(.*?)\\n\\s*// end::onnx-shadow\\[]",
        Pattern.DOTALL).matcher(source);
    assertThat(m.find()).isTrue();
    String snippet = m.group(1).lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .collect(Collectors.joining("\n"));
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
  }
}
