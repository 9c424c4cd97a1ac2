package io.modelmonitor.onnx;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.assertj.core.groups.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Every test model and output kind against a plain {@code OrtSession} on the same inputs (exact
 * float equality: the same model runs), loading from bytes and resources, and the prediction
 * distribution the outputs feed.
 */
class OutputsTest {

  private static final float[][] BINARY_X = {{0.5f, -1f, 2f}, {3f, 2f, -1f}, {0f, 0f, 0f},
      {-2f, 1.5f, 0.25f}};
  private static final float[][] MULTI_X = {{1f, 0f, 0f, 0f}, {0f, 2f, 0f, 0f},
      {0f, 0f, -1f, 2f}, {0.3f, -0.7f, 1.1f, 0.2f}, {-1f, -1f, -1f, -1f}};

  private static List<Map<String, ?>> rows(float[][] x) {
    List<Map<String, ?>> rows = new ArrayList<>();
    for (float[] r : x) {
      rows.add(Map.of("features", r));
    }
    return rows;
  }

  private static MonitorConfig everyCall() {
    return MonitorConfig.custom().drift(DriftPolicy.DEFAULTS.withSampleRate(1.0)).build();
  }

  @Test
  void binaryOutputs_defaults_scoreIsClass1ProbabilityAndLabelIsTheLabelOutput()
      throws OrtException {
    Map<String, Object> plain = PlainOrt.run("binary_outputs.onnx",
        Map.of("features", PlainOrt.floats(BINARY_X)));
    float[][] probabilities = (float[][]) plain.get("probabilities");
    long[] labels = (long[]) plain.get("label");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession binary = MonitoredOnnxSession.open(registry, "binary", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx"))) {
      assertThat(binary.scoreOutput()).isEqualTo("probabilities");
      assertThat(binary.labelOutput()).isEqualTo("label");
      assertThat(binary.classifies()).isFalse();

      double[] batch = binary.scoreBatch(rows(BINARY_X));
      List<Classification> classes = binary.classifyBatch(rows(BINARY_X));
      for (int i = 0; i < BINARY_X.length; i++) {
        assertThat(batch[i]).isEqualTo((double) probabilities[i][1]);
        assertThat(binary.score(Map.of("features", BINARY_X[i])))
            .isEqualTo((double) probabilities[i][1]);
        Classification c = binary.classify(Map.of("features", BINARY_X[i]));
        assertThat(c).isEqualTo(classes.get(i));
        assertThat(c.label()).isEqualTo(labels[i]);
        assertThat(c.probabilities()).containsExactly(probabilities[i][0], probabilities[i][1]);
        assertThat(c.probability()).isEqualTo((double) probabilities[i][(int) labels[i]]);
        assertThat(c.score()).isEqualTo((double) probabilities[i][1]);
      }
      assertThat(labels).contains(0L, 1L); // both classes occur in the fixture
    }
  }

  @Test
  void binaryOutputs_rankOneOutput_eachRowsValueIsItsScore() throws OrtException {
    float[] flat = (float[]) PlainOrt.run("binary_outputs.onnx",
        Map.of("features", PlainOrt.floats(BINARY_X))).get("p1_flat");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession binary = MonitoredOnnxSession.builder(registry, "flat", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx")).scoreOutput("p1_flat")
            .open()) {
      double[] scores = binary.scoreBatch(rows(BINARY_X));
      for (int i = 0; i < BINARY_X.length; i++) {
        assertThat(scores[i]).isEqualTo((double) flat[i]);
        assertThat(binary.classify(Map.of("features", BINARY_X[i])).probabilities())
            .containsExactly(1 - (double) flat[i], flat[i]);
      }
    }
  }

  @Test
  void binaryOutputs_logitOutput_rawOrWithSigmoidEqualsThePlainLogit() throws OrtException {
    Map<String, Object> plain = PlainOrt.run("binary_outputs.onnx",
        Map.of("features", PlainOrt.floats(BINARY_X)));
    float[][] logits = (float[][]) plain.get("logit");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession raw = MonitoredOnnxSession.builder(registry, "raw", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx")).scoreOutput("logit").open();
        MonitoredOnnxSession squashed = MonitoredOnnxSession.builder(registry, "squashed", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx")).scoreOutput("logit")
            .sigmoid().open()) {
      double[] rawScores = raw.scoreBatch(rows(BINARY_X));
      double[] probabilities = squashed.scoreBatch(rows(BINARY_X));
      for (int i = 0; i < BINARY_X.length; i++) {
        assertThat(rawScores[i]).isEqualTo((double) logits[i][0]);
        assertThat(probabilities[i]).isEqualTo(1 / (1 + Math.exp(-(double) logits[i][0])));
      }
    }
  }

  @Test
  void sigmoid_binaryProbabilitiesOfTwoColumns_refusedAtOpen() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      assertThatThrownBy(() -> MonitoredOnnxSession.builder(registry, "binary", "v1",
          MonitoredOnnxSessionTest.model("binary_outputs.onnx")).sigmoid().open())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("output 'probabilities' holds 2 values per row")
          .hasMessageContaining("one value per row");
      assertThat(registry.monitors()).isEmpty();
    }
  }

  @Test
  void multiclass_classify_stringLabelAndSoftmaxEqualThePlainSession() throws OrtException {
    Map<String, Object> plain = PlainOrt.run("multiclass.onnx",
        Map.of("features", PlainOrt.floats(MULTI_X)));
    float[][] probabilities = (float[][]) plain.get("probabilities");
    String[] labels = (String[]) plain.get("label");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession multi = MonitoredOnnxSession.open(registry, "multi", "v1",
            MonitoredOnnxSessionTest.model("multiclass.onnx"))) {
      assertThat(multi.classifies()).isTrue();
      List<Classification> batch = multi.classifyBatch(rows(MULTI_X));
      for (int i = 0; i < MULTI_X.length; i++) {
        Classification c = multi.classify(Map.of("features", MULTI_X[i]));
        assertThat(c).isEqualTo(batch.get(i));
        assertThat(c.label()).isEqualTo(labels[i]);
        assertThat(c.probabilities()).containsExactly(probabilities[i][0], probabilities[i][1],
            probabilities[i][2]);
        double top = Math.max(probabilities[i][0], Math.max(probabilities[i][1],
            probabilities[i][2]));
        assertThat(c.probability()).isEqualTo(top);
        assertThat(c.score()).isNaN();
      }
      assertThat(labels).contains("cat", "dog", "bird");
      assertThatThrownBy(() -> multi.score(Map.of("features", MULTI_X[0])))
          .isInstanceOf(IllegalStateException.class).hasMessageContaining("3 classes")
          .hasMessageContaining("classify");
    }
  }

  @Test
  void zipMap_default_openFailsNamingTheExportOptionAndLabelOutputReadsTheLabel()
      throws OrtException {
    float[][] p = {{0.2f, 0.8f}, {0.9f, 0.1f}};
    long[] labels = (long[]) PlainOrt.run("zipmap_classifier.onnx",
        Map.of("probabilities", PlainOrt.floats(p))).get("output_label");
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      assertThatThrownBy(() -> MonitoredOnnxSession.builder(registry, "zip", "v1",
              MonitoredOnnxSessionTest.model("zipmap_classifier.onnx"))
          .scoreOutput("output_probability").open())
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("'output_probability' is a ZipMap")
          .hasMessageContaining("'zipmap': False");
      try (MonitoredOnnxSession zip = MonitoredOnnxSession.open(registry, "zip", "v1",
          MonitoredOnnxSessionTest.model("zipmap_classifier.onnx"))) {
        // no float tensor output: read by the label output alone
        assertThat(zip.scoreOutput()).isNull();
        assertThat(zip.labelOutput()).isEqualTo("output_label");
        assertThat(zip.classifies()).isTrue();
        List<Classification> c = zip.classifyBatch(rows(p).stream()
            .map(m -> Map.of("probabilities", m.get("features"))).toList());
        assertThat(c).extracting(Classification::label).containsExactly(labels[0], labels[1]);
        assertThat(c.get(0).probabilities()).isEmpty();
        assertThat(c.get(0).probability()).isNaN();
      }
    }
  }

  @Test
  void open_bytesAndResource_sameScoresAsTheFile() throws Exception {
    Map<String, ?> row = Map.of("price", 120.0, "ctr_7d", 0.3, "position", 2);
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession file = MonitoredOnnxSession.open(registry, "file", "v1",
            MonitoredOnnxSessionTest.model("ctr_logreg.onnx"));
        MonitoredOnnxSession bytes = MonitoredOnnxSession.open(registry, "bytes", "v1",
            Files.readAllBytes(MonitoredOnnxSessionTest.model("ctr_logreg.onnx")));
        MonitoredOnnxSession resource = MonitoredOnnxSession.openResource(registry, "res", "v1",
            "/models/ctr_logreg.onnx");
        MonitoredOnnxSession built = MonitoredOnnxSession.builderFromResource(registry, "built",
            "v1", "models/ctr_logreg.onnx").intraOpThreads(1).open()) {
      double expected = file.score(row);
      assertThat(bytes.score(row)).isEqualTo(expected);
      assertThat(resource.score(row)).isEqualTo(expected);
      assertThat(built.score(row)).isEqualTo(expected);
      assertThat(resource.schema()).isEqualTo(file.schema());
    }
  }

  @Test
  void open_missingResourceOrGarbageBytes_failsClearly() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      assertThatThrownBy(() -> MonitoredOnnxSession.openResource(registry, "m", "v1",
          "models/nope.onnx")).isInstanceOf(IllegalArgumentException.class)
          .hasMessage("no classpath resource 'models/nope.onnx'");
      assertThatThrownBy(() -> MonitoredOnnxSession.open(registry, "m", "v1",
          new byte[] {1, 2, 3})).isInstanceOf(OrtException.class);
      assertThat(registry.find("m")).isEmpty(); // nothing registered for a model never opened
    }
  }

  @Test
  void run_rawTensors_resultEqualsThePlainSessionAndIsTheCallersToClose() throws OrtException {
    Map<String, Object> plain = PlainOrt.run("binary_outputs.onnx",
        Map.of("features", PlainOrt.floats(BINARY_X)));
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession binary = MonitoredOnnxSession.open(registry, "binary", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx"));
        OnnxTensor features = PlainOrt.floats(BINARY_X)) {
      try (OrtSession.Result result = binary.run(Map.of("features", features))) {
        assertThat((long[]) result.get("label").orElseThrow().getValue())
            .containsExactly((long[]) plain.get("label"));
        assertThat((float[][]) result.get("probabilities").orElseThrow().getValue())
            .isDeepEqualTo((float[][]) plain.get("probabilities"));
        assertThat((float[][]) result.get("logit").orElseThrow().getValue())
            .isDeepEqualTo((float[][]) plain.get("logit"));
      }
      // the caller's tensor is still open and usable
      try (OrtSession.Result again = binary.run(Map.of("features", features))) {
        assertThat(again.size()).isEqualTo(4); // every output: label, probabilities, ...
      }
      assertThat(binary.monitor().snapshot().totalOutcomes().success()).isEqualTo(2);
    }
  }

  @Test
  void schema_eachTestModel_derivedFromItsInputs() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession binary = MonitoredOnnxSession.open(registry, "b", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx"));
        MonitoredOnnxSession multi = MonitoredOnnxSession.open(registry, "m", "v1",
            MonitoredOnnxSessionTest.model("multiclass.onnx"));
        MonitoredOnnxSession zip = MonitoredOnnxSession.open(registry, "z", "v1",
            MonitoredOnnxSessionTest.model("zipmap_classifier.onnx"))) {
      assertThat(binary.schema().features()).extracting(FeatureSpec::name, FeatureSpec::type,
          FeatureSpec::dimension, FeatureSpec::required)
          .containsExactly(Tuple.tuple("features", FeatureType.VECTOR, 3, true));
      assertThat(multi.schema().features()).extracting(FeatureSpec::name, FeatureSpec::type,
          FeatureSpec::dimension)
          .containsExactly(Tuple.tuple("features", FeatureType.VECTOR, 4));
      assertThat(zip.schema().features()).extracting(FeatureSpec::name, FeatureSpec::type,
          FeatureSpec::dimension)
          .containsExactly(Tuple.tuple("probabilities", FeatureType.VECTOR, 2));
    }
  }

  @Test
  void scoreBatch_withBaseline_everyItemInThePredictionDistributionAndTheBatchSize()
      throws OrtException {
    Baseline baseline = Baseline.builder().predictions(new double[] {0.1, 0.3, 0.5, 0.7, 0.9,
        0.2, 0.4, 0.6, 0.8, 0.35}).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession binary = MonitoredOnnxSession.builder(registry, "binary", "v1",
            MonitoredOnnxSessionTest.model("binary_outputs.onnx")).baseline(baseline)
            .config(everyCall()).open()) {
      double[] scores = binary.scoreBatch(rows(BINARY_X));
      binary.score(Map.of("features", BINARY_X[0]));

      ModelSnapshot s = binary.monitor().snapshot();
      assertThat(s.totalDrift().prediction().samples()).isEqualTo(BINARY_X.length + 1);
      double mean = (scores[0] * 2 + scores[1] + scores[2] + scores[3]) / 5;
      assertThat(s.totalDrift().prediction().mean())
          .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-12));
      assertThat(s.totalBatches().batches()).isEqualTo(1);
      assertThat(s.totalBatches().items()).isEqualTo(BINARY_X.length);
    }
  }

  @Test
  void classifyBatch_multiclassWithLabelBaseline_labelsCountedPerClass() throws OrtException {
    Baseline baseline = Baseline.builder()
        .predictionLabels(List.of("cat", "dog", "bird", "cat", "dog", "bird")).build();
    String[] labels = (String[]) PlainOrt.run("multiclass.onnx",
        Map.of("features", PlainOrt.floats(MULTI_X))).get("label");
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession multi = MonitoredOnnxSession.builder(registry, "multi", "v1",
            MonitoredOnnxSessionTest.model("multiclass.onnx")).baseline(baseline)
            .config(everyCall()).open()) {
      multi.classifyBatch(rows(MULTI_X));
      ModelSnapshot s = multi.monitor().snapshot();
      assertThat(s.totalDrift().prediction().samples()).isEqualTo(labels.length);
      assertThat(s.totalDrift().prediction().missingShare()).isZero();
      assertThat(s.totalBatches().items()).isEqualTo(MULTI_X.length);
    }
  }
}
