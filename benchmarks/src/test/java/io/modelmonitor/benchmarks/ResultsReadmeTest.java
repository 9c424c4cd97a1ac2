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
    f.put("maxThreadCells", 128);
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
    // the headline stays the one-thread figure; worst case 300000 + 127 x 36224 = 4900448
    assertThat(text).contains("| **one monitored model, 20 numeric features, one calling "
        + "thread** | 300000 | 293.0 |");
    assertThat(text).contains("all 128 per-thread cells in use (default `maxThreadCells`; "
        + "later threads share one cell): one thread's figure + 127 × the per-thread cost "
        + "| 4900448 | 4785.6 |");
    // the full tier is not labelled indicative, and nothing is flagged here
    assertThat(text).doesNotContain("indicative").doesNotContain(ResultsReadme.UNSTEADY);
  }

  @Test
  void generate_results_goalsMetOrMissedByTheIssuesBars() throws IOException {
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(300_000), results());
    String text = Files.readString(readme);

    assertThat(text).contains("| Latency-only overhead ≤ 1.25 × the nanoTime pair's overhead "
        + "| 24.0 ns vs 20.0 ns: 1.20 × | met |");
    // only one of the five peers is in this run
    assertThat(text).contains("| Latency-only overhead below every peer's (all five) | missing: "
        + "micrometerTimerHistogram, dropwizardTimer, prometheusHistogram, otelHistogram "
        + "| not measured |");
    // 100 ns of 3000 ns = 3.3%
    assertThat(text).contains("| 100.0 ns = 3.3% of 3000.0 ns | met |");
    // best naive overhead 300 ns: exactly 3.0 x
    assertThat(text).contains("| 100.0 ns vs 300.0 ns: 3.0 × | met |");
    assertThat(text).contains("| oursFull: 0 B/op after warm-up (< 0.5) | 0.200 B/op | met |");
    // overheads: (40 - 12) / (34 - 10) = 28 / 24 = 1.17, totals 40 / 34 = 1.18
    assertThat(text).contains("| oursLatency: overhead with 2 threads ≤ 1.5 × with 1 thread "
        + "| overhead 28.0 ns vs 24.0 ns: 1.17 ×; total 40.0 ns vs 34.0 ns: 1.18 × | met |");
    // (200 - 12) / (110 - 10) = 1.88
    assertThat(text).contains("| oursFull: overhead with 2 threads ≤ 1.5 × with 1 thread "
        + "| overhead 188.0 ns vs 100.0 ns: 1.88 ×; total 200.0 ns vs 110.0 ns: 1.82 × "
        + "| **missed** |");
    // proxy overhead 60 ns vs decorator 24 ns
    assertThat(text).contains("| 60.0 ns vs 24.0 ns: 2.50 × | **missed** |");
    assertThat(text).contains("| Footprint ≤ 256 KiB for a 20-feature model at defaults (one "
        + "calling thread) | 293.0 KiB | **missed** |");
    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity");
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

  /** Five peers, so the every-peer goal is judged. */
  private static ArrayNode withPeers(double lowest, double lowestError) {
    ArrayNode one = JSON.createArrayNode();
    one.add(entry("bare", 1, 10, 0.5, 0.001));
    one.add(entry("oursLatency", 1, 34, 1, 0.01));
    one.add(entry("micrometerTimer", 1, 60, 1, 0.01));
    one.add(entry("micrometerTimerHistogram", 1, 90, 1, 0.01));
    one.add(entry("dropwizardTimer", 1, 80, 1, 0.01));
    one.add(entry("prometheusHistogram", 1, lowest, lowestError, 0.01));
    one.add(entry("otelHistogram", 1, 70, 1, 0.01));
    return one;
  }

  @Test
  void generate_allFivePeers_judgedAgainstTheLowest() throws IOException {
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(1), List.of(write("one.json",
        withPeers(50, 1))));
    String text = Files.readString(readme);

    // ours 24 ns, lowest peer prometheusHistogram 40 ns; intervals 34 ± 1 and 50 ± 1 apart
    assertThat(text).contains("| Latency-only overhead below every peer's (all five) | 24.0 ns "
        + "vs lowest peer prometheusHistogram 40.0 ns | met |");
  }

  @Test
  void generate_peerWithinTheError_notMeasurable() throws IOException {
    Path readme = readme();
    // 34 ± 1 vs 36 ± 2: the intervals [33, 35] and [34, 38] overlap
    ResultsReadme.generate("full", readme, footprint(1), List.of(write("one.json",
        withPeers(36, 2))));
    String text = Files.readString(readme);

    assertThat(text).contains("| Latency-only overhead below every peer's (all five) | 24.0 ns "
        + "vs lowest peer prometheusHistogram 26.0 ns: within the error | not measurable |");
  }

  @Test
  void generate_denominatorsNotPositiveOrWithinTheError_notMeasurable() throws IOException {
    ArrayNode one = JSON.createArrayNode();
    one.add(entry("bare", 1, 10, 0.5, 0.001));
    one.add(entry("nanoTimePair", 1, 9, 0.5, 0.001));         // pair overhead -1 ns
    one.add(entry("oursLatency", 1, 10.8, 0.5, 0.001));       // 0.8 ns, within 0.5 + 0.5
    one.add(entry("oursProxy", 1, 60, 1, 37));
    one.add(entry("oursFull", 1, 9.5, 0.2, 0.001));          // -0.5 ns
    one.add(entry("naiveMicrometer", 1, 410, 5, 14));
    one.add(entry("naivePrometheus", 1, 310, 5, 370));
    ArrayNode two = JSON.createArrayNode();
    two.add(entry("bare", 2, 12, 0.5, 0.001));
    two.add(entry("oursLatency", 2, 20, 1, 0.001));
    two.add(entry("oursFull", 2, 30, 1, 0.001));
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(1),
        List.of(write("one.json", one), write("two.json", two)));
    String text = Files.readString(readme);

    assertThat(text).contains("| Latency-only overhead ≤ 1.25 × the nanoTime pair's overhead "
        + "| 0.8 ns vs -1.0 ns: the pair's overhead is ≤ 0 or within the error "
        + "| not measurable |");
    assertThat(text).contains("| Annotated proxy overhead ≤ 2 × the decorator's (latency only) "
        + "| 50.0 ns vs 0.8 ns: the decorator's overhead is ≤ 0 or within the error "
        + "| not measurable |");
    assertThat(text).contains("| Full monitoring ≥ 3 × faster than the best naive peer "
        + "(overheads) | -0.5 ns vs 300.0 ns: full's overhead is ≤ 0 or within the error "
        + "| not measurable |");
    assertThat(text).contains("| oursLatency: overhead with 2 threads ≤ 1.5 × with 1 thread "
        + "| overhead 8.0 ns vs 0.8 ns: the 1-thread overhead is ≤ 0 or within the error; "
        + "total 20.0 ns vs 10.8 ns: 1.85 × | not measurable |");
    assertThat(text).contains("| oursFull: overhead with 2 threads ≤ 1.5 × with 1 thread "
        + "| overhead 18.0 ns vs -0.5 ns: the 1-thread overhead is ≤ 0 or within the error; "
        + "total 30.0 ns vs 9.5 ns: 3.16 × | not measurable |");
    // the table's pair column cannot divide by a pair overhead of -1 ns
    assertThat(text).contains("| **ModelMonitor latency only** (`decorateFunction`) | 10.8 | 0.5 "
        + "| 0.0 | 1.08 | 0.8 | n/m |");
    assertThat(text).contains("n/m: not measurable");
    // B/op needs no denominator: still judged
    assertThat(text).contains("| oursFull: 0 B/op after warm-up (< 0.5) | 0.001 B/op | met |");
    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity").doesNotContain("missed");
  }

  @Test
  void generate_missingRows_notMeasuredWithoutNanOrInfinity() throws IOException {
    ArrayNode one = JSON.createArrayNode();
    one.add(entry("bare", 1, 10, 0.5, 0.001));
    ObjectNode noGc = entry("oursFull", 1, 110, 3, 0);
    noGc.remove("secondaryMetrics");
    one.add(noGc);
    Path readme = readme();
    ObjectNode f = JSON.createObjectNode();
    f.putObject("features20ByOwner");
    ResultsReadme.generate("full", readme, write("footprint.json", f),
        List.of(write("one.json", one)));
    String text = Files.readString(readme);

    assertThat(text).contains("| Latency-only overhead ≤ 1.25 × the nanoTime pair's overhead "
        + "| missing: nanoTimePair, oursLatency | not measured |");
    assertThat(text).contains("| Full monitoring of 20 features ≤ 5% of a tiny ONNX model call "
        + "| missing: onnxPlain | not measured |");
    assertThat(text).contains("| oursFull: 0 B/op after warm-up (< 0.5) | no "
        + "`gc.alloc.rate.norm` | not measured |");
    assertThat(text).contains("| oursFull: overhead with 2 threads ≤ 1.5 × with 1 thread "
        + "| missing: bare (2 threads), oursFull (2 threads) | not measured |");
    assertThat(text).contains("| missing: features20Bytes | not measured |");
    assertThat(text).contains("| **ModelMonitor full, 20 features** | 110.0 | 3.0 | n/a |");
    assertThat(text).doesNotContain("NaN").doesNotContain("Infinity").doesNotContain("| met |")
        .doesNotContain("missed");
  }

  @Test
  void generate_quickTier_labelledIndicativeAndTrendingRowsFlagged() throws IOException {
    ArrayNode one = JSON.createArrayNode();
    // still compiling: first iteration 300 > 1.5 x the last 150
    ObjectNode trending = entry("oursFull", 1, 200, 10, 0.2);
    ((ObjectNode) trending.get("primaryMetric")).putArray("rawData").addArray()
        .add(300).add(180).add(150);
    one.add(trending);
    // levelled off, but an error of 25% of the score
    ObjectNode noisy = entry("oursLatency", 1, 40, 10, 0.01);
    ((ObjectNode) noisy.get("primaryMetric")).putArray("rawData").addArray()
        .add(40).add(39).add(41);
    one.add(noisy);
    // steady: first 52 <= 1.5 x last 50, error 2.5%
    ObjectNode steady = entry("bare", 1, 50, 1.25, 0.001);
    ((ObjectNode) steady.get("primaryMetric")).putArray("rawData").addArray()
        .add(52).add(50).add(50);
    one.add(steady);
    Path readme = readme();
    ResultsReadme.generate("quick", readme, footprint(1), List.of(write("one.json", one)));
    String text = Files.readString(readme);

    assertThat(text).contains("**quick tier: indicative.**");
    assertThat(text).contains("| **ModelMonitor full, 20 features** † | 200.0 |");
    assertThat(text).contains("| **ModelMonitor latency only** (`decorateFunction`) † | 40.0 |");
    assertThat(text).contains("| bare model call (20-feature logistic score) | 50.0 |");
    assertThat(text).contains("† not at steady state: in a fork the first measurement iteration "
        + "was more than 1.5 × the last, or the 99.9% error is more than 20% of the score.");
  }

  @Test
  void unsteady_judgesEveryForkAndTheError() {
    ArrayNode forks = JSON.createArrayNode();
    forks.addArray().add(100).add(100);
    forks.addArray().add(151).add(100);
    assertThat(ResultsReadme.unsteady(100, 1, forks)).isTrue();
    ArrayNode level = JSON.createArrayNode();
    level.addArray().add(150).add(100);
    assertThat(ResultsReadme.unsteady(100, 20, level)).isFalse();
    assertThat(ResultsReadme.unsteady(100, 20.1, level)).isTrue();
    // a single iteration: no trend, no error
    ArrayNode single = JSON.createArrayNode();
    single.addArray().add(500);
    assertThat(ResultsReadme.unsteady(500, Double.NaN, single)).isFalse();
  }

  @Test
  void generate_schemaCheckRows_secondTable() throws IOException {
    ArrayNode one = JSON.createArrayNode();
    one.add(entry("bare", 1, 10, 0.5, 0.001));
    ObjectNode map = entry("featureMap", 1, 120, 2, 0.001);
    map.put("benchmark", "io.modelmonitor.benchmarks.SchemaCheckBenchmark.featureMap");
    one.add(map);
    ObjectNode array = entry("floatArray", 1, 30, 1, 0.001);
    array.put("benchmark", "io.modelmonitor.benchmarks.SchemaCheckBenchmark.floatArray");
    one.add(array);
    Path readme = readme();
    ResultsReadme.generate("full", readme, footprint(1), List.of(write("one.json", one)));
    String text = Files.readString(readme);

    assertThat(text).contains("### Schema check alone (`SchemaCheckBenchmark`");
    // 30 / 20 = 1.50 ns per feature, 120 / 20 = 6.00; table order: array first
    assertThat(text).contains("| positional `float[]` | 30.0 | 1.0 | 0.0 | 1.50 |\n"
        + "| feature map (`HashMap`, `String` keys) | 120.0 | 2.0 | 0.0 | 6.00 |\n");
  }
}
