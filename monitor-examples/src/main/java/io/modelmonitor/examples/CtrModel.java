package io.modelmonitor.examples;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
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
 * Runtime through {@link MonitoredOnnxSession}, monitored as {@code ctr}. The session reads the
 * feature schema refinement ({@code modelmonitor.schema}: bounds, vocabulary) and the training
 * baseline ({@code modelmonitor.baseline}) from the model's metadata itself; {@link #embedded}
 * reads the same metadata with a plain ONNX Runtime session, for the model version and the
 * demo's report.
 */
final class CtrModel implements AutoCloseable {

  static final String NAME = "ctr";

  /** What the model file carries for monitoring, from its ONNX custom metadata. */
  record Embedded(FeatureSchema<Map<String, ?>> schema, Baseline baseline, String version,
      Map<String, String> all) {}

  private final MonitoredOnnxSession session;
  private final ModelMonitor<Map<String, ?>, Object> monitor;
  private final Embedded embedded;

  private CtrModel(MonitoredOnnxSession session, Embedded embedded) {
    this.session = session;
    this.monitor = session.monitor();
    this.embedded = embedded;
  }

  /** Opens the committed model ({@code /demo/ctr.onnx}) and registers its monitor. */
  static CtrModel open(MonitorRegistry registry, MonitorConfig config) throws OrtException {
    Path file = extract();
    Embedded embedded = embedded(file);
    MonitoredOnnxSession session = MonitoredOnnxSession
        .builder(registry, NAME, embedded.version(), file)
        .intraOpThreads(1)
        .config(config)
        .open(); // schema refinement and baseline: the ones embedded in the model
    return new CtrModel(session, embedded);
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
   * Scores the candidates of one request in one ONNX Runtime run, recorded by the monitor as
   * one batch call.
   *
   * @throws IllegalStateException if ONNX Runtime fails
   * @throws IllegalArgumentException if a row lacks a model input (counted as an error)
   */
  double[] scoreBatch(List<Map<String, ?>> rows) {
    try {
      return session.scoreBatch(rows);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed", e);
    }
  }

  ModelMonitor<Map<String, ?>, Object> monitor() {
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
