package io.modelmonitor.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.schema.FeatureSchema;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Python writer in tools/baseline.py (run with Debian's python3 and numpy, as CI installs
 * them) and the Java CSV path fit the same file to the same baseline.
 */
class PythonBaselineTest {

  private static final String PYTHON = "/usr/bin/python3";
  private static final Path SCRIPT = Path.of("../tools/baseline.py");

  @TempDir
  Path dir;

  private static final FeatureSchema<Map<String, ?>> SCHEMA = FeatureSchema.forMap()
      .numeric("price", f -> f.optional().allowNaN())
      .integer("position", f -> { })
      .bool("promoted", f -> f.optional())
      .categorical("category", f -> f.optional())
      .numeric("empty", f -> f.optional())
      .build();

  private Path trainingCsv(int rows) throws IOException {
    SplittableRandom r = new SplittableRandom(42);
    String[] cats = {"shoes", "bags", "watches", "hats", "shoes", "shoes"};
    List<String> lines = new ArrayList<>();
    lines.add("request_id,price,position,promoted,category,score,empty");
    String[] odd = {"-0.0", "0", "inf", "1_000", "0x1p3", "1d", " 12.5\t", "+7", ".5", "1e3"};
    for (int i = 0; i < rows; i++) {
      String price = i % 97 == 0 ? "" : i % 89 == 0 ? "NaN" : i % 83 == 0 ? "n/a"
          : i % 61 == 0 ? odd[(i / 61) % odd.length]
          : Double.toString(Math.round((50 + r.nextDouble() * 400) * 100) / 100.0);
      if (i % 211 == 0) {
        lines.add("r" + i + ',' + price + ",3"); // a short row
        continue;
      }
      String category = i % 71 == 0 ? "" : i % 67 == 0 ? "\"bags, leather\""
          : cats[r.nextInt(cats.length)];
      lines.add("r" + i + ',' + price + ',' + (1 + r.nextInt(20)) + ','
          + (r.nextInt(3) == 0 ? "true" : "false") + ',' + category + ','
          + r.nextDouble() + ",," + (i % 13 == 0 ? "extra,cells" : ""));
    }
    Path csv = dir.resolve("train.csv");
    Files.write(csv, lines, StandardCharsets.UTF_8);
    return csv;
  }

  @Test
  void pythonScriptAndJavaCsvPath_fitTheSameBaseline() throws Exception {
    io.modelmonitor.testing.SystemTools.require("Debian python3 with numpy",
        "apt-get install -y python3-numpy", PYTHON, "-c", "import numpy");
    Path csv = trainingCsv(5_000);
    Path out = dir.resolve("python.baseline.json");
    Process p = new ProcessBuilder(PYTHON, SCRIPT.toString(), csv.toString(),
        "--numeric", "price,position,empty", "--boolean", "promoted", "--categorical", "category",
        "--score", "score", "--metric", "test_auc=0.781", "--scaler", "price=250:115",
        "--out", out.toString()).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("python3 tools/baseline.py (needs Debian's python3-numpy): %s",
        output).isZero();

    Baseline fromPython = Baseline.read(out); // the strict reader accepts the Python output
    Baseline fromJava = Baseline.builder().csv(csv, SCHEMA, "score")
        .metric("test_auc", 0.781).standardScaler("price", 250, 115).build();

    assertThat(fromPython.features().keySet())
        .containsExactlyInAnyOrder("price", "position", "promoted", "category");
    for (String name : fromJava.features().keySet()) {
      assertThat(fromPython.features().get(name)).as(name)
          .isEqualTo(fromJava.features().get(name));
    }
    assertThat(fromPython.prediction()).isEqualTo(fromJava.prediction());
    assertThat(fromPython).isEqualTo(fromJava);
    NumericProfile price = (NumericProfile) fromJava.features().get("price");
    assertThat(fromJava.features()).doesNotContainKey("empty"); // no finite value: no profile
    assertThat(price.missing()).isPositive();
    CategoricalProfile category = (CategoricalProfile) fromJava.features().get("category");
    assertThat(category.values()).contains("bags, leather"); // quoted CSV cells stay whole
  }

  @Test
  void csv_shortFirstRow_isNotAMissingScoreColumn() throws Exception {
    Path csv = dir.resolve("short.csv");
    Files.writeString(csv, "price,score\n1.0\n2.0,0.5\n");
    Baseline b = Baseline.builder().csv(csv, SCHEMA, "score").build();
    assertThat(b.prediction().orElseThrow().count()).isEqualTo(2);
  }

  @Test
  void csv_malformed_namesTheFileAndLine() throws Exception {
    Path csv = dir.resolve("bad.csv");
    Files.writeString(csv, "price,score\n1.0,0.5\n\"unterminated,0.4\n");
    assertThatThrownBy(() -> Baseline.builder().csv(csv, SCHEMA, "score").build())
        .isInstanceOf(IOException.class).hasMessageContaining("bad.csv");
    Path noScore = dir.resolve("noscore.csv");
    Files.writeString(noScore, "price\n1.0\n");
    assertThatThrownBy(() -> Baseline.builder().csv(noScore, SCHEMA, "score").build())
        .isInstanceOf(BaselineFormatException.class).hasMessageContaining("no score column");
  }
}
