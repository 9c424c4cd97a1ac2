package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** tools/embed_onnx_metadata.py: what Java writes, the script embeds and Java reads back. */
class EmbedScriptTest {

  private static final Path SCRIPT = Path.of("../tools/embed_onnx_metadata.py");

  @BeforeEach
  void requirePythonWithOnnx() {
    SystemTools.require("python3 with onnx", "apt-get install python3-onnx", "/usr/bin/python3",
        "-c", "import onnx");
  }

  private record Run(int exit, String output) {}

  private static Run embed(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), out);
  }

  @Test
  void embed_baselineSchemaAndKeyFromJava_readBackByTheSession(@TempDir Path dir)
      throws Exception {
    Path onnx = dir.resolve("ctr.onnx");
    Files.copy(model("ctr_logreg.onnx"), onnx, StandardCopyOption.REPLACE_EXISTING);
    FeatureSchema<Map<String, ?>> refinement = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 500).sensitive()).build();
    FeatureSchema<Map<String, ?>> all = FeatureSchema.forMap().numeric("price")
        .numeric("ctr_7d").numeric("position").build();
    Baseline baseline = Baseline.builder()
        .features(OnnxMetadataTest.traffic(1_000, 3, 1, 200), all)
        .predictions(new double[] {0.1, 0.2, 0.3, 0.4, 0.5}).metric("test_auc", 0.7).build();
    Path baselineFile = dir.resolve("baseline.json");
    Path schemaFile = dir.resolve("schema.json");
    baseline.write(baselineFile);
    refinement.write(schemaFile);

    Run run = embed(onnx.toString(), "--baseline", baselineFile.toString(), "--schema",
        schemaFile.toString(), "--set", "team=ranking");
    assertThat(run.exit()).as(run.output()).isZero();

    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession ctr = MonitoredOnnxSession.builder(registry, "ctr", "v1", onnx)
            .config(OnnxMetadataTest.EXACT).open()) {
      assertThat(ctr.schema().feature("price").orElseThrow().sensitive()).isTrue();
      assertThat(ctr.schema().feature("price").orElseThrow().max()).isEqualTo(500);
      ctr.score(OnnxMetadataTest.row(50, 0.1, 3));
      ModelSnapshot s = ctr.monitor().snapshot();
      assertThat(s.totalDrift().feature("ctr_7d").orElseThrow().baselineCount())
          .isEqualTo(1_000);
      assertThat(s.totalDrift().prediction().baselineCount()).isEqualTo(5);
      assertThat(s.info().attributes()).containsEntry("custom.team", "ranking")
          .containsEntry("baseline", "embedded").containsEntry("schema", "embedded");
    }
    // embedding again replaces the keys instead of adding second ones
    Run again = embed(onnx.toString(), "--set", "team=search", "--remove", "modelmonitor.schema");
    assertThat(again.exit()).as(again.output()).isZero();
    Run list = embed(onnx.toString(), "--list");
    assertThat(list.output().lines().map(l -> l.substring(0, l.indexOf('='))))
        .containsExactly("modelmonitor.baseline", "team");
    assertThat(list.output()).contains("team=search");
  }

  @Test
  void embed_brokenOrWrongDocuments_refusedAndTheModelUntouched(@TempDir Path dir)
      throws Exception {
    Path onnx = dir.resolve("ctr.onnx");
    Files.copy(model("ctr_logreg.onnx"), onnx, StandardCopyOption.REPLACE_EXISTING);
    byte[] before = Files.readAllBytes(onnx);
    Path broken = dir.resolve("broken.json");
    Files.writeString(broken, "{\"format\": \"modelmonitor-baseline\", ");
    Path schemaAsBaseline = dir.resolve("schema.json");
    FeatureSchema.forMap().numeric("price").build().write(schemaAsBaseline);

    Run a = embed(onnx.toString(), "--baseline", broken.toString());
    Run b = embed(onnx.toString(), "--baseline", schemaAsBaseline.toString());
    Run c = embed(onnx.toString(), "--set", "novalue");

    assertThat(a.exit()).isNotZero();
    assertThat(a.output()).contains("broken.json: not valid JSON");
    assertThat(b.exit()).isNotZero();
    assertThat(b.output()).contains("\"format\": \"modelmonitor-baseline\"");
    assertThat(c.exit()).isNotZero();
    assertThat(c.output()).contains("KEY=VALUE");
    assertThat(Files.readAllBytes(onnx)).isEqualTo(before);
  }
}
