package io.modelmonitor.benchmarks;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.onnx.MonitoredOnnxSession;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The tiny CTR model ({@code ctr_logreg.onnx}: 3 float inputs, concat, matmul, add, sigmoid),
 * opened twice: as a plain {@code OrtSession} and as a {@code MonitoredOnnxSession}, both with
 * one intra-op thread. The model is a classpath resource (a copy of monitor-onnx's test model),
 * copied to a temporary file so the shaded jar runs from any working directory.
 *
 * <p>The rows are pre-generated maps of boxed values, cycled by an index; the plain path does
 * what the monitored session does with a row (one {@code [1, 1]} float tensor per input, run,
 * read the score, close everything), minus the monitoring.
 */
@State(Scope.Thread)
public class OnnxModels {

  private static final int ROWS = 1 << 10;
  private static final String[] INPUTS = {"price", "ctr_7d", "position"};

  private Path modelFile;
  private OrtEnvironment env;
  private OrtSession plain;
  private MonitorRegistry registry;
  MonitoredOnnxSession monitored;
  private Set<String> outputs;
  private String output;
  private Map<String, ?>[] rows;
  private int next;

  /**
   * Opens both sessions and generates the rows.
   *
   * @throws OrtException if ONNX Runtime cannot open the model
   */
  @Setup(Level.Trial)
  @SuppressWarnings("unchecked")
  public void setUp() throws OrtException {
    modelFile = copyModel();
    env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setIntraOpNumThreads(1);
      plain = env.createSession(modelFile.toString(), options);
    }
    output = plain.getOutputNames().iterator().next();
    outputs = Set.of(output);
    registry = MonitorRegistry.builder().build();
    monitored = MonitoredOnnxSession.builder(registry, "ctr", "v1", modelFile)
        .intraOpThreads(1).open();
    SplittableRandom random = new SplittableRandom(Workload.SEED);
    rows = new Map[ROWS];
    for (int i = 0; i < ROWS; i++) {
      Map<String, Object> row = new HashMap<>();
      row.put("price", 5 + 195 * random.nextDouble());
      row.put("ctr_7d", 0.1 * random.nextDouble());
      row.put("position", (double) (1 + random.nextInt(10)));
      rows[i] = row;
    }
  }

  /**
   * Closes both sessions and the registry and deletes the model copy.
   *
   * @throws OrtException if ONNX Runtime fails to close a session
   */
  @TearDown(Level.Trial)
  public void tearDown() throws OrtException {
    monitored.close();
    plain.close();
    registry.close();
    try {
      Files.deleteIfExists(modelFile);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Map<String, ?> nextRow() {
    return rows[next++ & (ROWS - 1)];
  }

  /** Scores a row with the plain session. */
  double plain(Map<String, ?> row) throws OrtException {
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (String name : INPUTS) {
        float[] value = {((Number) row.get(name)).floatValue()};
        tensors.put(name, OnnxTensor.createTensor(env, FloatBuffer.wrap(value),
            new long[] {1, 1}));
      }
      try (OrtSession.Result result = plain.run(tensors, outputs)) {
        FloatBuffer scores = ((OnnxTensor) result.get(output).orElseThrow()).getFloatBuffer();
        return scores.get(0);
      }
    } finally {
      for (OnnxTensor t : tensors.values()) {
        t.close();
      }
    }
  }

  /** Copies the model out of the jar. */
  static Path copyModel() {
    try (InputStream in = OnnxModels.class.getResourceAsStream("/models/ctr_logreg.onnx")) {
      if (in == null) {
        throw new IllegalStateException("models/ctr_logreg.onnx is not on the classpath");
      }
      Path file = Files.createTempFile("ctr_logreg", ".onnx");
      Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
