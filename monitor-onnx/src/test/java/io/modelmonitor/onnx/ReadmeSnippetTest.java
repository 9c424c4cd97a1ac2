package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
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

/** The README's ONNX examples, compiled and run here, and found verbatim in the README. */
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

  static Object[] outputsExample(MonitorRegistry registry, OrtEnvironment env) throws Exception {
    Object label;
    double logitScore;
    float[][] probabilities;
    // tag::onnx-outputs[]
    try (MonitoredOnnxSession species = MonitoredOnnxSession.openResource(registry, "species",
            "v1", "models/multiclass.onnx");   // also open(..., byte[]) and builder(...)
        MonitoredOnnxSession churn = MonitoredOnnxSession.builderFromResource(registry, "churn",
            "v2", "models/binary_outputs.onnx")
            .scoreOutput("logit").sigmoid()      // default: the first float output
            .open()) {
      Classification c = species.classify(Map.of("features", new float[] {1f, 0f, 0f, 0f}));
      label = c.label();                        // "cat", with c.probabilities()
      logitScore = churn.score(Map.of("features", new float[] {0.5f, -1f, 2f}));
      // raw tensors: checked against the model's inputs before native code; the caller
      // closes its tensors and the result
      try (OnnxTensor x = OnnxTensor.createTensor(env, new float[][] {{0.5f, -1f, 2f}});
          OrtSession.Result result = churn.run(Map.of("features", x))) {
        probabilities = (float[][]) result.get("probabilities").orElseThrow().getValue();
      }
    }
    // end::onnx-outputs[]
    return new Object[] {label, logitScore, probabilities};
  }

  private static void assertInReadmeVerbatim(String tag) throws Exception {
    String source = Files.readString(Path.of(
        "src/test/java/io/modelmonitor/onnx/ReadmeSnippetTest.java"));
    Matcher m = Pattern.compile("// tag::" + tag + "\\[]\\n(.*?)\\n\\s*// end::" + tag + "\\[]",
        Pattern.DOTALL).matcher(source);
    assertThat(m.find()).isTrue();
    String snippet = m.group(1).lines().map(l -> l.length() >= 4 ? l.substring(4) : l.strip())
        .collect(Collectors.joining("\n"));
    assertThat(Files.readString(Path.of("../README.md"))).contains(snippet);
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
    assertInReadmeVerbatim("onnx");
  }

  @Test
  void theOutputsExampleRunsAndTheReadmeHoldsItVerbatim() throws Exception {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      Object[] out = outputsExample(registry, OrtEnvironment.getEnvironment());
      // softmax([1.1, -0.6, 0.2]) puts the most mass on "cat" (see generate.py)
      assertThat(out[0]).isEqualTo("cat");
      float[][] probabilities = (float[][]) out[2];
      // the logit read through sigmoid() is the class-1 probability, up to float rounding
      assertThat((double) out[1]).isCloseTo(probabilities[0][1],
          org.assertj.core.data.Offset.offset(1e-6));
      assertThat(registry.find("churn").orElseThrow().snapshot().totalOutcomes().success())
          .isEqualTo(2);
    }
    assertInReadmeVerbatim("onnx-outputs");
  }
}
