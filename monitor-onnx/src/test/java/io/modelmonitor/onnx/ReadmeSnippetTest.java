package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.schema.SchemaPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The README's ONNX example, compiled and run here, and found verbatim in the README. */
class ReadmeSnippetTest {

  static double[] example(MonitorRegistry registry, Path modelFile,
      List<Map<String, ?>> rows) throws Exception {
    double[] ps;
    // tag::onnx[]
    try (MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v3", modelFile)
            .intraOpThreads(2)
            .config(MonitorConfig.custom().schemaPolicy(SchemaPolicy.REJECT).build())
            .open()) {
      double p = ctr.score(Map.of("price", 19.9, "ctr_7d", 0.031, "position", 2L));
      ps = ctr.scoreBatch(rows);   // one run, shape [rows.size(), ...]
    }
    // end::onnx[]
    return ps;
  }

  @Test
  void theExampleRunsAndTheReadmeHoldsItVerbatim() throws Exception {
    Path model = Path.of(ReadmeSnippetTest.class.getResource("/models/ctr_logreg.onnx").toURI());
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      List<Map<String, ?>> rows = List.of(
          Map.of("price", 10.0, "ctr_7d", 0.02, "position", 1.0),
          Map.of("price", 99.0, "ctr_7d", 0.10, "position", 5.0));
      double[] ps = example(registry, model, rows);
      assertThat(ps).hasSize(2);
      double z = -0.002 * 10.0 + 3.5 * 0.02 - 0.25 * 1.0 - 1.0;
      assertThat(ps[0]).isCloseTo(1 / (1 + Math.exp(-z)), org.assertj.core.data.Offset
          .offset(1e-6));
      assertThat(registry.find("ctr").orElseThrow().snapshot().totalOutcomes().success())
          .isEqualTo(2);
    }
    String source = Files.readString(Path.of(
        "src/test/java/io/modelmonitor/onnx/ReadmeSnippetTest.java"));
    Matcher m = Pattern.compile("// tag::onnx\\[]\\n(.*?)\\n\\s*// end::onnx\\[]",
        Pattern.DOTALL).matcher(source);
    assertThat(m.find()).isTrue();
    String snippet = m.group(1).lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .collect(Collectors.joining("\n"));
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
  }
}
