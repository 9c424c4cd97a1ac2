package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.BaselineFormatException;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.InputShape;
import io.modelmonitor.schema.SchemaFormatException;
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

  @Test
  void embed_structurallyWrongTopLevel_refusedNamingTheFieldAndJavaAgrees(@TempDir Path dir)
      throws Exception {
    Path onnx = dir.resolve("ctr.onnx");
    Files.copy(model("ctr_logreg.onnx"), onnx, StandardCopyOption.REPLACE_EXISTING);
    byte[] before = Files.readAllBytes(onnx);
    String b = "{\"format\":\"modelmonitor-baseline\",\"version\":1,";
    String s = "{\"format\":\"modelmonitor-feature-schema\",\"version\":1,";
    String[][] baselines = {
        {b + "\"features\":[\"price\"]}", "features: expected an object"},
        {b + "\"prediction\":{\"type\":\"numeric\"}}", "features: missing"},
        {b + "\"features\":{},\"extra\":1}", "unknown top-level keys ['extra']"},
        {b + "\"features\":{\"price\":{\"type\":\"number\"}}}",
            "features.price.type: expected one of numeric, categorical, vector"},
        {b + "\"features\":{},\"metrics\":{\"auc\":\"high\"}}",
            "metrics.auc: expected a number"},
        {b + "\"features\":{},\"prediction\":[0.5]}", "prediction: expected a profile object"},
        {"{\"format\":\"modelmonitor-baseline\",\"version\":true,\"features\":{}}",
            "expected \"version\": 1, got True"},
    };
    String[][] schemas = {
        {s + "\"features\":[]}", "shape: an ONNX model's schema has shape \"map\", got None"},
        {s + "\"shape\":\"map\",\"features\":{\"price\":{}}}",
            "features: expected a list of features"},
        {s + "\"shape\":\"map\",\"features\":[{\"name\":\"price\"}]}",
            "features[0].type: expected a string"},
        {s + "\"shape\":\"map\",\"features\":[{\"name\":\"p\",\"type\":\"numeric\"},"
            + "{\"name\":\"p\",\"type\":\"numeric\"}]}", "features[1].name: duplicate"},
        {s + "\"shape\":\"map\",\"ignored\":\"id\",\"features\":[]}",
            "ignored: expected a list of strings"},
    };
    for (String[] c : baselines) {
      Path file = dir.resolve("baseline.json");
      Files.writeString(file, c[0]);
      Run run = embed(onnx.toString(), "--baseline", file.toString());
      assertThat(run.exit()).as(c[0]).isNotZero();
      assertThat(run.output()).as(c[0]).contains("baseline.json: " + c[1]);
      // never stricter than the reader that opens the model
      assertThatThrownBy(() -> Baseline.fromJson(c[0])).as(c[0])
          .isInstanceOf(BaselineFormatException.class);
    }
    for (String[] c : schemas) {
      Path file = dir.resolve("schema.json");
      Files.writeString(file, c[0]);
      Run run = embed(onnx.toString(), "--schema", file.toString());
      assertThat(run.exit()).as(c[0]).isNotZero();
      assertThat(run.output()).as(c[0]).contains("schema.json: " + c[1]);
      assertThatThrownBy(() -> FeatureSchema.fromJson(c[0], InputShape.MAP)).as(c[0])
          .isInstanceOf(SchemaFormatException.class);
    }
    assertThat(Files.readAllBytes(onnx)).isEqualTo(before);
  }
}
