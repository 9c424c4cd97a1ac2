package io.modelmonitor.benchmarks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README generator on hand-made JMH results in JMH's JSON layout, whose ratios are worked
 * out by hand below.
 */
class ResultsReadmeTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String PREFIX = "io.modelmonitor.benchmarks.OverheadBenchmark.";

  @TempDir
  Path dir;

  /** One JMH result entry as JMH writes it with -rf json (only the fields the generator reads). */
  private static ObjectNode entry(String method, int threads, double score, double error,
      double bytes) {
    ObjectNode b = JSON.createObjectNode();
    b.put("benchmark", PREFIX + method);
    b.put("mode", "avgt");
    b.put("threads", threads);
    b.put("forks", 3);
    b.put("jdkVersion", "17.0.15");
    b.put("vmName", "OpenJDK 64-Bit Server VM");
    b.put("vmVersion", "17.0.15+6");
    b.put("warmupIterations", 5);
    b.put("warmupTime", "1 s");
    b.put("measurementIterations", 5);
    b.put("measurementTime", "1 s");
    b.putObject("primaryMetric").put("score", score).put("scoreError", error)
        .put("scoreUnit", "ns/op");
    b.putObject("secondaryMetrics").putObject("gc.alloc.rate.norm").put("score", bytes)
        .put("scoreUnit", "B/op");
    return b;
  }

  private Path write(String name, Object tree) throws IOException {
    Path file = dir.resolve(name);
    JSON.writeValue(file.toFile(), tree);
    return file;
  }

  private Path readme() throws IOException {
    Path readme = dir.resolve("README.md");
    Files.writeString(readme, "# Title\n\nbefore\n\n" + ResultsReadme.BEGIN + "\nold\n"
        + ResultsReadme.END + "\n\nafter\n");
    return readme;
  }

  private List<Path> results() throws IOException {
    ArrayNode one = JSON.createArrayNode();
    one.add(entry("bare", 1, 10, 0.5, 0.001));
    one.add(entry("nanoTimePair", 1, 30, 1, 0.001));
    one.add(entry("micrometerTimer", 1, 50, 1, 0.01));
    one.add(entry("naiveMicrometer", 1, 410, 5, 14));
    one.add(entry("naivePrometheus", 1, 310, 5, 370));
    one.add(entry("oursLatency", 1, 34, 1, 0.01));
    one.add(entry("oursProxy", 1, 70, 2, 37));
    one.add(entry("oursFull", 1, 110, 3, 0.2));
    one.add(entry("onnxPlain", 1, 3000, 50, 2400));
    one.add(entry("onnxMonitored", 1, 3150, 60, 2500));
    ObjectNode group = entry("writerWithReader", 2, 2610, 10, 800);
    ((ObjectNode) group.get("secondaryMetrics")).putObject("writer").put("score", 220).put("scoreError", 4);
    ((ObjectNode) group.get("secondaryMetrics")).putObject("snapshotReader").put("score", 5000)
        .put("scoreError", 100);
    one.add(group);
    one.add(entry("somethingElse", 1, 1, 1, 1)); // not a row of the table: ignored
    ArrayNode two = JSON.createArrayNode();
    two.add(entry("bare", 2, 12, 0.5, 0.001));
    two.add(entry("nanoTimePair", 2, 33, 1, 0.001));
    two.add(entry("oursLatency", 2, 40, 1, 0.02));
    two.add(entry("oursFull", 2, 200, 3, 0.3));
    // the two-thread file first: tables still come out one thread first
    return List.of(write("two.json", two), write("one.json", one));
  }

  private Path footprint(long bytes) throws IOException {
    ObjectNode f = JSON.createObjectNode();
    f.put("features20Bytes", bytes);
    f.put("perNumericBytes", 3584);
    f.put("perCategoricalBytes", 12248);
    f.put("perThreadBytes", 36224);
    f.putObject("features20ByOwner").put("QualityAccumulator", 200_000)
        .put("CellInterval", 90_000).put("Aggregate", 10_000);
    return write("footprint.json", f);
  }

  @Test
  void generate_results_tableRowsWithRatiosOverheadsAndPairMultiples() throws IOException {
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(300_000), results());
    String text = Files.readString(readme);

    // latency only: 34 / 10 = 3.40, overhead 24, pair overhead 30 - 10 = 20: 1.20
    assertThat(text).contains("| **ModelMonitor latency only** (`decorateFunction`) | 34.0 | 1.0 "
        + "| 0.0 | 3.40 | 24.0 | 1.20 |");
    // the writer is compared with full alone: 220 / 110 = 2.00, 110 ns more
    assertThat(text).contains("| full, writer beside a back-to-back snapshot reader (vs oursFull)"
        + " | 220.0 | 4.0 | 800.0 | 2.00 | 110.0 |  |");
    // ONNX against the plain session: 3150 / 3000 = 1.05
    assertThat(text).contains("(vs onnxPlain) | 3150.0 | 60.0 | 2500.0 | 1.05 | 150.0 |  |");
    // two threads: against the two-thread bare call and pair: (40 - 12) / (33 - 12) = 1.33
    assertThat(text).contains("| **ModelMonitor latency only** (`decorateFunction`) | 40.0 | 1.0 "
        + "| 0.0 | 3.33 | 28.0 | 1.33 |");
    assertThat(text.indexOf("### One thread")).isLessThan(text.indexOf("### 2 threads"));
    assertThat(text).doesNotContain("somethingElse");
    assertThat(text).contains("- tier: **full** (3 fork(s), 5 x 1 s warm-up, 5 x 1 s "
        + "measurement, `-prof gc`)");
    assertThat(text).contains("| `QualityAccumulator` | 200000 | 195.3 |");
    assertThat(text).contains("| everything else | 0 | 0.0 |");
  }

  @Test
  void generate_results_goalsMetOrMissedByTheIssuesBars() throws IOException {
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(300_000), results());
    String text = Files.readString(readme);

    assertThat(text).contains("| Latency-only overhead ≤ 1.25 × the nanoTime pair's overhead "
        + "| 24.0 ns vs 20.0 ns: 1.20 × | met |");
    assertThat(text).contains("| Latency-only overhead below every peer's | 24.0 ns vs lowest "
        + "peer micrometerTimer 40.0 ns | met |");
    // 100 ns of 3000 ns = 3.3%
    assertThat(text).contains("| 100.0 ns = 3.3% of 3000.0 ns | met |");
    // best naive overhead 300 ns: exactly 3.0 x
    assertThat(text).contains("| 100.0 ns vs 300.0 ns: 3.0 × | met |");
    assertThat(text).contains("| oursFull: 0 B/op after warm-up (< 0.5) | 0.200 B/op | met |");
    assertThat(text).contains("| oursLatency: per-call cost with 2 threads ≤ 1.5 × 1 thread "
        + "| 40.0 ns vs 34.0 ns: 1.18 × | met |");
    assertThat(text).contains("| oursFull: per-call cost with 2 threads ≤ 1.5 × 1 thread "
        + "| 200.0 ns vs 110.0 ns: 1.82 × | **missed** |");
    // proxy overhead 60 ns vs decorator 24 ns
    assertThat(text).contains("| 60.0 ns vs 24.0 ns: 2.50 × | **missed** |");
    assertThat(text).contains("| Footprint ≤ 256 KiB for a 20-feature model at defaults "
        + "| 293.0 KiB | **missed** |");
  }

  @Test
  void generate_twice_replacesOnlyTheSectionBetweenTheMarkers() throws IOException {
    Path readme = readme();
    List<Path> results = results();
    ResultsReadme.generate("quick", readme, footprint(200_000), results);
    ResultsReadme.generate("full", readme, footprint(200_000), results);
    String text = Files.readString(readme);

    assertThat(text).startsWith("# Title\n\nbefore\n\n" + ResultsReadme.BEGIN + "\n");
    assertThat(text).endsWith(ResultsReadme.END + "\n\nafter\n");
    assertThat(text).doesNotContain("\nold\n").doesNotContain("`benchmarks/run.sh quick`");
    assertThat(text.split("### One thread", -1)).hasSize(2);
    assertThat(text).contains("| 195.3 KiB | met |");
  }

  @Test
  void generate_readmeWithoutMarkers_fails() throws IOException {
    Path readme = dir.resolve("plain.md");
    Files.writeString(readme, "# no markers\n");
    List<Path> results = results();
    Path footprint = footprint(1);

    assertThatThrownBy(() -> ResultsReadme.generate("full", readme, footprint, results))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("lacks the markers");
    assertThat(Files.readString(readme)).isEqualTo("# no markers\n");
  }
}
