package io.modelmonitor.examples;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.onnx.MonitoredOnnxSession;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.InputShape;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/**
 * The CTR model: {@code ctr.onnx} (written by {@code training/train_ctr.py}) served by ONNX
 * Runtime through {@link MonitoredOnnxSession}, monitored as {@code ctr} with the feature schema
 * and the training baseline the model carries in its metadata.
 *
 * <p>Until {@code MonitoredOnnxSession} reads {@code modelmonitor.schema} and
 * {@code modelmonitor.baseline} itself, this class reads them ({@link #embedded}) and monitors
 * the batch call one level up as {@code ctr}; the session's own monitor ({@code ctr-onnx}) keeps
 * the schema derived from the input metadata. When the session applies the embedded metadata,
 * {@link #monitor} becomes {@code session.monitor()} and {@link #scoreBatch} calls the session
 * directly.
 */
final class CtrModel implements AutoCloseable {

  static final String NAME = "ctr";

  /** What the model file carries for monitoring, from its ONNX custom metadata. */
  record Embedded(FeatureSchema<Map<String, ?>> schema, Baseline baseline, String version,
      Map<String, String> all) {}

  private final MonitoredOnnxSession session;
  private final ModelMonitor<Map<String, ?>, Double> monitor;
  private final Embedded embedded;

  private CtrModel(MonitoredOnnxSession session, ModelMonitor<Map<String, ?>, Double> monitor,
      Embedded embedded) {
    this.session = session;
    this.monitor = monitor;
    this.embedded = embedded;
  }

  /** Opens the committed model ({@code /demo/ctr.onnx}) and registers its monitors. */
  static CtrModel open(MonitorRegistry registry, MonitorConfig config) throws OrtException {
    Path file = extract();
    Embedded embedded = embedded(file);
    MonitoredOnnxSession session = MonitoredOnnxSession
        .builder(registry, NAME + "-onnx", embedded.version(), file)
        .intraOpThreads(1)
        .open();
    ModelMonitor<Map<String, ?>, Double> monitor = registry
        .<Map<String, ?>, Double>monitorBuilder(NAME, embedded.version())
        .schema(embedded.schema())
        .baseline(embedded.baseline())
        .prediction(PredictionSpec.score(Double::doubleValue))
        .config(config)
        .build();
    return new CtrModel(session, monitor, embedded);
  }

  /** Reads the monitoring metadata of an ONNX model with a plain ONNX Runtime session. */
  static Embedded embedded(Path file) throws OrtException {
    try {
      return readEmbedded(file);
    } catch (java.io.IOException e) { // the format exceptions name the field that is wrong
      throw new IllegalArgumentException("bad monitoring metadata in " + file + ": "
          + e.getMessage(), e);
    }
  }

  private static Embedded readEmbedded(Path file) throws OrtException, java.io.IOException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession plain = env.createSession(file.toString(), new OrtSession.SessionOptions())) {
      Map<String, String> meta = plain.getMetadata().getCustomMetadata();
      return new Embedded(
          FeatureSchema.fromJson(require(meta, "modelmonitor.schema"), InputShape.MAP),
          Baseline.fromJson(require(meta, "modelmonitor.baseline")),
          require(meta, "modelmonitor.model_version"), Map.copyOf(meta));
    }
  }

  private static String require(Map<String, String> meta, String key) {
    String value = meta.get(key);
    if (value == null) {
      throw new IllegalArgumentException("the model has no '" + key + "' metadata: "
          + meta.keySet());
    }
    return value;
  }

  /** Copies the model out of the jar: ONNX Runtime opens files. */
  static Path extract() {
    try (InputStream in = CtrModel.class.getResourceAsStream("/demo/ctr.onnx")) {
      if (in == null) {
        throw new IllegalStateException("missing resource /demo/ctr.onnx");
      }
      Path file = Files.createTempFile("ctr-", ".onnx");
      file.toFile().deleteOnExit();
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Scores the candidates of one request in one ONNX Runtime run.
   *
   * @throws OrtException if ONNX Runtime fails
   * @throws IllegalArgumentException if a row lacks a model input (counted as an error)
   */
  List<Double> scoreBatch(List<Map<String, ?>> rows) {
    return monitor.executeBatch(batch -> {
      try {
        double[] scores = session.scoreBatch(batch);
        return java.util.Arrays.stream(scores).boxed().toList();
      } catch (OrtException e) {
        throw new IllegalStateException("ONNX Runtime failed", e);
      }
    }, rows);
  }

  ModelMonitor<Map<String, ?>, Double> monitor() {
    return monitor;
  }

  Embedded embedded() {
    return embedded;
  }

  MonitoredOnnxSession session() {
    return session;
  }

  @Override
  public void close() throws OrtException {
    session.close();
  }
}
