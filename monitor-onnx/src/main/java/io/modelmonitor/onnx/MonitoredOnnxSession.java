package io.modelmonitor.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaViolationException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An ONNX Runtime session whose every scoring call runs through a {@link ModelMonitor}.
 *
 * <p>Opening one reads the model's input metadata and derives a {@link FeatureSchema} over rows
 * of named features ({@code Map<String, ?>}, one entry per model input): a float or double
 * input of one value per row is {@code numeric}, an int32 or int64 input {@code integer}, a
 * string input {@code categorical}, and a float or double input of {@code k > 1} values per row
 * (shape {@code [N, k]}) a {@code vector} of dimension {@code k}. Every input must have the batch
 * dimension first (dynamic or 1) and static dimensions after it. The monitor records the first
 * output of element type float as the score (it must hold one value per row).
 *
 * <pre>{@code
 * try (MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v3", modelFile)) {
 *   double p = ctr.score(Map.of("price", 19.9, "ctr_7d", 0.031, "position", 2L));
 * }
 * }</pre>
 *
 * <p>Every row is checked against the schema before native code runs; violations are counted by
 * the monitor. Under {@link io.modelmonitor.schema.SchemaPolicy#REJECT} an invalid row throws
 * {@link SchemaViolationException}. Under the other policies a row the model cannot be fed (an
 * input missing, null or of the wrong type) fails with {@link IllegalArgumentException}, counted
 * as an error of the call, and ONNX Runtime is never called with it.
 *
 * <p>The model's own metadata is read too. A baseline embedded under {@value #BASELINE_KEY}
 * (the JSON of {@link Baseline#toJson()}) makes the monitor compute drift of the inputs and
 * the score; a feature schema embedded under {@value #SCHEMA_KEY} (the JSON of
 * {@link FeatureSchema#toJson()}, shape {@code map}) refines the derived schema: bounds,
 * vocabularies, sensitivity, ignored keys. {@code tools/embed_onnx_metadata.py} embeds both.
 * A baseline or schema given to the {@link Builder} wins over the embedded one, which is then
 * not used at all. Producer, graph, domain and version become the labels of the monitor's
 * {@link io.modelmonitor.ModelInfo} (exported as {@code model_info}); descriptions and the other
 * custom metadata its attributes (snapshot and JSON only); the cost of loading
 * ({@link #resources()}) its measurements.
 *
 * <p>Thread-safe: ONNX Runtime sessions may be run concurrently. Every tensor and result a call
 * creates is closed before it returns, on every path. Do not close the session while calls are
 * in flight.
 */
public final class MonitoredOnnxSession implements AutoCloseable {

  /** Custom metadata key of an embedded baseline (a {@code modelmonitor-baseline} document). */
  public static final String BASELINE_KEY = "modelmonitor.baseline";

  /**
   * Custom metadata key of an embedded schema refinement (a
   * {@code modelmonitor-feature-schema} document of shape {@code map}).
   */
  public static final String SCHEMA_KEY = "modelmonitor.schema";

  private final OrtEnvironment env;
  private final OrtSession session;
  private final List<OnnxInput> inputs;
  private final String scoreOutput;
  private final Set<String> requestedOutputs;
  private final FeatureSchema<Map<String, ?>> schema;
  private final ModelMonitor<Map<String, ?>, Double> monitor;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final OnnxResources resources;

  private MonitoredOnnxSession(Builder b) throws OrtException {
    if (!Files.isRegularFile(b.modelFile)) {
      throw new IllegalArgumentException("not a model file: " + b.modelFile);
    }
    env = OrtEnvironment.getEnvironment();
    OrtSession opened;
    long rssBefore;
    long loadNanos;
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      if (b.intraOpThreads > 0) {
        options.setIntraOpNumThreads(b.intraOpThreads);
      }
      if (b.interOpThreads > 0) {
        options.setInterOpNumThreads(b.interOpThreads);
      }
      options.setOptimizationLevel(b.optimization);
      rssBefore = ResidentMemory.bytes();
      long t0 = System.nanoTime();
      opened = env.createSession(b.modelFile.toString(), options);
      loadNanos = System.nanoTime() - t0;
    }
    session = opened;
    try {
      resources = new OnnxResources(java.time.Duration.ofNanos(loadNanos),
          fileSize(b.modelFile), b.intraOpThreads, b.interOpThreads, rssBefore,
          ResidentMemory.bytes());
      OnnxMetadata metadata = OnnxMetadata.read(session.getMetadata(),
          producerVersion(b.modelFile), b.modelFile.toString());
      inputs = new ArrayList<>();
      FeatureSchema.Builder<Map<String, ?>> schemaBuilder = FeatureSchema.forMap();
      for (NodeInfo node : session.getInputInfo().values()) {
        OnnxInput input = OnnxInput.of(node);
        input.declare(schemaBuilder);
        inputs.add(input);
      }
      schema = SchemaRefinement.apply(schemaBuilder.build(),
          b.schema != null ? b.schema : metadata.schema, b.modelFile.toString());
      Baseline baseline = b.baseline != null ? b.baseline : metadata.baseline;
      scoreOutput = scoreOutput(session.getOutputInfo());
      requestedOutputs = Set.of(scoreOutput);
      MonitorRegistry.MonitorBuilder<Map<String, ?>, Double> monitorBuilder = b.registry
          .<Map<String, ?>, Double>monitorBuilder(b.model, b.version)
          .schema(schema)
          .prediction(PredictionSpec.score(Double::doubleValue))
          .info(metadata.info(resources, source(b.baseline, metadata.baseline),
              source(b.schema, metadata.schema)));
      if (baseline != null) {
        monitorBuilder.baseline(baseline);
      }
      if (b.config != null) {
        monitorBuilder.config(b.config);
      }
      monitor = monitorBuilder.build();
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  private static long fileSize(Path file) {
    try {
      return Files.size(file);
    } catch (java.io.IOException e) {
      return -1;
    }
  }

  private static String producerVersion(Path file) {
    try (java.io.InputStream in = new java.io.BufferedInputStream(Files.newInputStream(file))) {
      return OnnxModelHeader.producerVersion(in);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  /** Where a baseline or schema came from, for the attributes. */
  private static String source(Object explicit, Object embedded) {
    return explicit != null ? "builder" : embedded != null ? "embedded" : "none";
  }

  /** The first float output; it must hold one value per row. */
  private static String scoreOutput(Map<String, NodeInfo> outputs) {
    for (NodeInfo node : outputs.values()) {
      if (node.getInfo() instanceof TensorInfo
          && ((TensorInfo) node.getInfo()).type == OnnxJavaType.FLOAT) {
        long[] shape = ((TensorInfo) node.getInfo()).getShape();
        for (int i = 1; i < shape.length; i++) {
          if (shape[i] != 1) {
            throw new IllegalArgumentException("output '" + node.getName() + "' has shape "
                + java.util.Arrays.toString(shape) + "; the score output must hold one value"
                + " per row ([N] or [N, 1])");
          }
        }
        return node.getName();
      }
    }
    throw new IllegalArgumentException("the model has no float output to read as a score: "
        + outputs.keySet());
  }

  /**
   * Opens {@code modelFile} with default session options and registers its monitor.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name
   * @param version the model version
   * @param modelFile the {@code .onnx} file
   * @return the open session; close it when done
   * @throws OrtException if ONNX Runtime cannot load the model
   * @throws IllegalArgumentException if the file does not exist, an input or the score output
   *     has a type or shape this class cannot feed or read, or the registry already monitors
   *     {@code model} differently
   */
  public static MonitoredOnnxSession open(MonitorRegistry registry, String model, String version,
      Path modelFile) throws OrtException {
    return builder(registry, model, version, modelFile).open();
  }

  /**
   * Starts configuring a session: thread count, optimisation level, monitor policy.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name; not null
   * @param version the model version; not null
   * @param modelFile the {@code .onnx} file; not null
   * @return a builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(MonitorRegistry registry, String model, String version,
      Path modelFile) {
    return new Builder(registry, model, version, modelFile);
  }

  /**
   * Returns the schema derived from the model's inputs, in the model's input order, refined by
   * the builder's or the embedded schema refinement.
   *
   * @return the immutable schema
   */
  public FeatureSchema<Map<String, ?>> schema() {
    return schema;
  }

  /**
   * Returns what loading the model cost: load time, size, configured threads, resident memory
   * before and after. The same figures are measurements of the monitor's
   * {@link io.modelmonitor.ModelInfo}.
   *
   * @return the resources, measured once at open
   */
  public OnnxResources resources() {
    return resources;
  }

  /**
   * Returns the monitor every call is recorded by.
   *
   * @return the monitor
   */
  public ModelMonitor<Map<String, ?>, Double> monitor() {
    return monitor;
  }

  /**
   * Returns the name of the output read as the score.
   *
   * @return the output name
   */
  public String scoreOutput() {
    return scoreOutput;
  }

  /**
   * Scores one row: each input becomes a tensor of shape {@code [1, ...]}.
   *
   * @param row one value per model input, by input name
   * @return the score output's value, widened from float
   * @throws SchemaViolationException under the REJECT policy, if {@code row} is invalid
   * @throws IllegalArgumentException if an input is missing, null or cannot be converted
   * @throws IllegalStateException if the session is closed
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public double score(Map<String, ?> row) throws OrtException {
    ensureOpen();
    return monitor.executeCheckedFunction(r -> run(List.of(r))[0], row);
  }

  /**
   * Scores rows in one run: each input becomes a tensor of shape {@code [rows.size(), ...]}.
   * Recorded as one batch call; an empty list is recorded but never reaches ONNX Runtime.
   *
   * @param rows the rows, each as for {@link #score(Map)}
   * @return one score per row, in order
   * @throws SchemaViolationException under the REJECT policy, if any row is invalid
   * @throws IllegalArgumentException if a row lacks an input or holds a value that cannot be
   *     converted
   * @throws IllegalStateException if the session is closed
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public double[] scoreBatch(List<? extends Map<String, ?>> rows) throws OrtException {
    ensureOpen();
    List<Double> scores = monitor.executeBatch(batch -> {
      double[] values = runUnchecked(batch);
      List<Double> boxed = new ArrayList<>(values.length);
      for (double v : values) {
        boxed.add(v);
      }
      return boxed;
    }, List.copyOf(rows));
    double[] out = new double[scores.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = scores.get(i);
    }
    return out;
  }

  /**
   * Closes the ONNX Runtime session. Calling it again does nothing; the monitor stays in its
   * registry.
   *
   * @throws OrtException if ONNX Runtime fails to release the session
   */
  @Override
  public void close() throws OrtException {
    if (closed.compareAndSet(false, true)) {
      session.close();
    }
  }

  private void ensureOpen() {
    if (closed.get()) {
      throw new IllegalStateException("session of " + monitor.name() + ":" + monitor.version()
          + " is closed");
    }
  }

  /** {@link #run(List)} for the batch function, which may not declare OrtException. */
  private double[] runUnchecked(List<? extends Map<String, ?>> rows) {
    try {
      return run(rows);
    } catch (OrtException e) {
      throw MonitoredOnnxSession.<RuntimeException>sneaky(e);
    }
  }

  @SuppressWarnings("unchecked")
  private static <E extends Exception> E sneaky(Exception e) throws E {
    throw (E) e;
  }

  private double[] run(List<? extends Map<String, ?>> rows) throws OrtException {
    int n = rows.size();
    if (n == 0) {
      return new double[0];
    }
    // every value converted before any tensor exists: a bad row touches no native memory
    Object[] values = new Object[inputs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = inputs.get(i).convert(rows);
    }
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (int i = 0; i < values.length; i++) {
        OnnxInput input = inputs.get(i);
        tensors.put(input.name, input.tensor(env, values[i], n));
      }
      try (OrtSession.Result result = session.run(tensors, requestedOutputs)) {
        OnnxValue value = result.get(scoreOutput).orElseThrow(
            () -> new IllegalStateException("ONNX Runtime returned no '" + scoreOutput + "'"));
        FloatBuffer buffer = ((OnnxTensor) value).getFloatBuffer();
        if (buffer.remaining() != n) {
          throw new IllegalStateException("output '" + scoreOutput + "' holds "
              + buffer.remaining() + " values for " + n + " rows");
        }
        double[] scores = new double[n];
        for (int i = 0; i < n; i++) {
          scores[i] = buffer.get(i);
        }
        return scores;
      }
    } finally {
      for (OnnxTensor tensor : tensors.values()) {
        tensor.close();
      }
    }
  }

  /** Configures and opens a {@link MonitoredOnnxSession}. Not thread-safe. */
  public static final class Builder {

    private final MonitorRegistry registry;
    private final String model;
    private final String version;
    private final Path modelFile;
    private int intraOpThreads;
    private int interOpThreads;
    private Baseline baseline;
    private FeatureSchema<Map<String, ?>> schema;
    private OrtSession.SessionOptions.OptLevel optimization =
        OrtSession.SessionOptions.OptLevel.ALL_OPT;
    private MonitorConfig config;

    private Builder(MonitorRegistry registry, String model, String version, Path modelFile) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.model = Objects.requireNonNull(model, "model");
      this.version = Objects.requireNonNull(version, "version");
      this.modelFile = Objects.requireNonNull(modelFile, "modelFile");
    }

    /**
     * Sets the threads ONNX Runtime uses within one operator.
     *
     * @param threads 1 to 1,024; by default ONNX Runtime chooses (one per physical core)
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder intraOpThreads(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("intraOpThreads must be in [1, 1024]: " + threads);
      }
      this.intraOpThreads = threads;
      return this;
    }

    /**
     * Sets the threads ONNX Runtime uses to run independent operators in parallel (used only
     * in its parallel execution mode).
     *
     * @param threads 1 to 1,024; by default ONNX Runtime chooses
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder interOpThreads(int threads) {
      if (threads < 1 || threads > 1024) {
        throw new IllegalArgumentException("interOpThreads must be in [1, 1024]: " + threads);
      }
      this.interOpThreads = threads;
      return this;
    }

    /**
     * Sets the baseline drift is computed against, instead of the one embedded in the model
     * under {@value MonitoredOnnxSession#BASELINE_KEY} (which is then ignored).
     *
     * @param baseline the baseline; its feature profiles must fit the schema's types
     * @return this builder
     * @throws NullPointerException if {@code baseline} is null
     */
    public Builder baseline(Baseline baseline) {
      this.baseline = Objects.requireNonNull(baseline, "baseline");
      return this;
    }

    /**
     * Refines the schema derived from the model's inputs, instead of the refinement embedded
     * under {@value MonitoredOnnxSession#SCHEMA_KEY} (which is then ignored). Each feature of
     * {@code refinement} replaces the derived feature of its name, for its bounds, vocabulary,
     * NaN policy and sensitivity; its ignored keys are accepted unchecked. Derived features it
     * does not name stay as derived.
     *
     * <pre>{@code
     * .schema(FeatureSchema.forMap()
     *     .numeric("price", f -> f.range(0, 10_000).sensitive())
     *     .build())
     * }</pre>
     *
     * @param refinement a map schema naming only model inputs, each with its derived type (or
     *     {@code integer} for a float input, {@code categorical} for an integer input), required
     *     and not nullable, vectors with the input's dimension (or none)
     * @return this builder
     * @throws NullPointerException if {@code refinement} is null
     */
    public Builder schema(FeatureSchema<Map<String, ?>> refinement) {
      this.schema = Objects.requireNonNull(refinement, "refinement");
      return this;
    }

    /**
     * Sets the graph optimisation level.
     *
     * @param level the level; default {@code ALL_OPT}
     * @return this builder
     * @throws NullPointerException if {@code level} is null
     */
    public Builder optimization(OrtSession.SessionOptions.OptLevel level) {
      this.optimization = Objects.requireNonNull(level, "optimization");
      return this;
    }

    /**
     * Sets the monitor's policy (schema policy, windows, drift).
     *
     * @param config the policy; default the registry's default configuration
     * @return this builder
     * @throws NullPointerException if {@code config} is null
     */
    public Builder config(MonitorConfig config) {
      this.config = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Opens the session and registers its monitor.
     *
     * @return the open session; close it when done
     * @throws OrtException if ONNX Runtime cannot load the model
     * @throws IllegalArgumentException as {@link MonitoredOnnxSession#open}, and if the
     *     embedded baseline or schema is malformed, the schema refinement does not fit the
     *     model's inputs, or the baseline does not fit the schema
     */
    public MonitoredOnnxSession open() throws OrtException {
      return new MonitoredOnnxSession(this);
    }
  }
}
