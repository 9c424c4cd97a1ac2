package io.modelmonitor.onnx;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.Ticker;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaViolationException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ONNX Runtime session whose every scoring call runs through a {@link ModelMonitor}.
 *
 * <p>Opening one reads the model's input metadata and derives a {@link FeatureSchema} over rows
 * of named features ({@code Map<String, ?>}, one entry per model input): a float or double
 * input of one value per row is {@code numeric}, an int32 or int64 input {@code integer}, a
 * string input {@code categorical}, and a float or double input of {@code k > 1} values per row
 * (shape {@code [N, k]}) a {@code vector} of dimension {@code k}. Every input must have the batch
 * dimension first (dynamic or 1) and static dimensions after it. A model whose batch dimension
 * is fixed at 1 ({@code [1, ...]}, as exporters trace a model with one example) is fed the rows
 * of a batch ({@link #scoreBatch(List)}, {@link #classifyBatch(List)}) one at a time: one run per
 * row, recorded as one batch call whose stage timings sum over the runs. A model is opened from a
 * file, from bytes or from a classpath resource.
 *
 * <pre>{@code
 * try (MonitoredOnnxSession ctr = MonitoredOnnxSession.open(registry, "ctr", "v3", modelFile)) {
 *   double p = ctr.score(Map.of("price", 19.9, "ctr_7d", 0.031, "position", 2L));
 * }
 * }</pre>
 *
 * <p><b>Outputs.</b> The score output is the one named with {@link Builder#scoreOutput(String)},
 * by default the first float tensor output. It may hold one value per row ({@code [N]} or
 * {@code [N, 1]}: a probability, or a logit with {@link Builder#sigmoid()}), binary class
 * probabilities ({@code [N, 2]}: the score is the class-1 column) or the probabilities of
 * {@code C > 2} classes. The label output (int64 or string, one per row) is the one named with
 * {@link Builder#labelOutput(String)}, by default an output named {@code label} or
 * {@code output_label}, if any. A model scored by one value per row records its score in the
 * monitor's prediction distribution ({@link PredictionSpec#score}); a model of more than two
 * classes, or read by its label alone, records its predicted class ({@link PredictionSpec#label})
 * and is called through {@link #classify(Map)}. Probabilities behind a ZipMap (a sequence of maps)
 * are not read: opening fails and says how to export a tensor instead.
 *
 * <p><b>Checks before native code.</b> Every row is checked against the schema before native
 * code runs; violations are counted by the monitor. Under
 * {@link io.modelmonitor.schema.SchemaPolicy#REJECT} an invalid row throws
 * {@link SchemaViolationException}. Under the other policies a row the model cannot be fed (an
 * input missing, null or of the wrong type) fails with {@link IllegalArgumentException}, counted
 * as an error of the call, and ONNX Runtime is never called with it. Raw tensors
 * ({@link #run(Map)}) are checked the same way against the inputs' names, element types and
 * static dimensions.
 *
 * <p><b>Stage timings.</b> Every call records three stages in the monitor ({@code input}:
 * converting rows to tensors, {@code inference}: {@code OrtSession.run}, {@code output}: reading
 * the outputs), exported as {@code model.stage.latency{stage}} and in
 * {@code ModelSnapshot.totalStages()}; they are recorded for calls that complete.
 *
 * <p>The model's own metadata is read too. A baseline embedded under {@value #BASELINE_KEY}
 * (the JSON of {@link Baseline#toJson()}) makes the monitor compute drift of the inputs and
 * the score; a feature schema embedded under {@value #SCHEMA_KEY} (the JSON of
 * {@link FeatureSchema#toJson()}, shape {@code map}) refines the derived schema: bounds,
 * vocabularies, sensitivity, ignored keys. {@code tools/embed_onnx_metadata.py} embeds both.
 * A baseline or schema given to the {@link Builder} wins over the embedded one, which is then
 * not even parsed (so a malformed embedded document can be overridden). Producer, graph, domain and version become the labels of the monitor's
 * {@link io.modelmonitor.ModelInfo} (exported as {@code model_info}); descriptions and the other
 * custom metadata its attributes (snapshot and JSON only); the cost of loading
 * ({@link #resources()}) its measurements.
 *
 * <p>Thread-safe: ONNX Runtime sessions may be run concurrently. Every tensor and result a call
 * creates is closed before it returns, on every path, except the result {@link #run(Map)} hands
 * to its caller. {@link #close()} waits for calls in flight: native memory is never freed under
 * a running call.
 */
public final class MonitoredOnnxSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(MonitoredOnnxSession.class);

  /** How long close() waits for calls in flight before leaving the release to the last one. */
  private static final long CLOSE_WAIT_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Stage indexes in the monitor, in {@link #STAGES} order. */
  private static final int INPUT = 0;
  private static final int INFERENCE = 1;
  private static final int OUTPUT = 2;
  private static final String[] STAGES = {"input", "inference", "output"};

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
  private final Map<String, OnnxInput> inputsByName;
  private final OnnxOutputs outputs;
  private final FeatureSchema<Map<String, ?>> schema;
  private final ModelMonitor<Map<String, ?>, Object> monitor;
  private final Ticker ticker;
  private final MonitorRegistry registry;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Calls between {@link #enter()} and {@link #leave()}; see {@link #close()}. */
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicBoolean released = new AtomicBoolean();
  private final OnnxResources resources;
  /** Whether an input has a fixed batch of 1: batches then run one row at a time. */
  private final boolean fixedBatch;

  private MonitoredOnnxSession(Builder b) throws OrtException {
    registry = b.registry;
    env = OrtEnvironment.getEnvironment();
    byte[] bytes = b.modelBytes();
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
      if (b.options != null) {
        b.options.customize(options);
      }
      rssBefore = ResidentMemory.bytes();
      long t0 = System.nanoTime();
      opened = bytes != null ? env.createSession(bytes, options)
          : env.createSession(b.modelFile.toString(), options);
      loadNanos = System.nanoTime() - t0;
    }
    session = opened;
    try {
      resources = new OnnxResources(java.time.Duration.ofNanos(loadNanos),
          bytes != null ? bytes.length : fileSize(b.modelFile), b.intraOpThreads,
          b.interOpThreads, rssBefore, ResidentMemory.bytes());
      String source = b.describeSource();
      OnnxMetadata metadata = OnnxMetadata.read(session.getMetadata(),
          bytes != null ? producerVersion(new java.io.ByteArrayInputStream(bytes))
              : producerVersion(b.modelFile), source);
      inputs = new ArrayList<>();
      inputsByName = new HashMap<>();
      FeatureSchema.Builder<Map<String, ?>> schemaBuilder = FeatureSchema.forMap();
      for (NodeInfo node : session.getInputInfo().values()) {
        OnnxInput input = OnnxInput.of(node);
        input.declare(schemaBuilder);
        inputs.add(input);
        inputsByName.put(input.name, input);
      }
      fixedBatch = inputs.stream().anyMatch(OnnxInput::fixedBatch);
      // an embedded document the builder overrides is never parsed: it may be malformed
      Baseline baseline = b.baseline != null ? b.baseline : metadata.baseline();
      schema = SchemaRefinement.apply(schemaBuilder.build(),
          b.schema != null ? b.schema : metadata.schema(), source);
      outputs = OnnxOutputs.choose(session.getOutputInfo(), b.scoreOutput, b.sigmoid,
          b.labelOutput);
      MonitorRegistry.MonitorBuilder<Map<String, ?>, Object> monitorBuilder = b.registry
          .<Map<String, ?>, Object>monitorBuilder(b.model, b.version)
          .schema(schema)
          .prediction(outputs.classifies()
              ? PredictionSpec.label(MonitoredOnnxSession::labelOf)
              : PredictionSpec.score(MonitoredOnnxSession::scoreOf))
          .stages(STAGES)
          .info(metadata.info(resources, source(b.baseline, metadata.hasBaseline()),
              source(b.schema, metadata.hasSchema())));
      if (baseline != null) {
        monitorBuilder.baseline(baseline);
      }
      if (b.config != null) {
        monitorBuilder.config(b.config);
      }
      monitor = monitorBuilder.build();
      ticker = monitor.ticker();
    } catch (OrtException | RuntimeException e) {
      try {
        session.close();
      } catch (OrtException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The score the monitor records: a Double as is, a classification's score. */
  private static double scoreOf(Object prediction) {
    return prediction instanceof Classification ? ((Classification) prediction).score()
        : (Double) prediction;
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
      return producerVersion(in);
    } catch (java.io.IOException e) {
      return "";
    }
  }

  private static String producerVersion(java.io.InputStream in) {
    return OnnxModelHeader.producerVersion(in);
  }

  /** Where a baseline or schema came from, for the attributes. */
  private static String source(Object explicit, boolean embedded) {
    return explicit != null ? "builder" : embedded ? "embedded" : "none";
  }

  /** The label the monitor records: a classification's label, else the value itself. */
  private static Object labelOf(Object prediction) {
    return prediction instanceof Classification ? ((Classification) prediction).label()
        : prediction;
  }

  // ---------------------------------------------------------------- open

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
   * Opens a model held in memory with default session options and registers its monitor.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name
   * @param version the model version
   * @param modelBytes the serialised model (the content of an {@code .onnx} file); not copied,
   *     ONNX Runtime has read it when this returns
   * @return the open session; close it when done
   * @throws OrtException if ONNX Runtime cannot load the model
   * @throws IllegalArgumentException as {@link #open(MonitorRegistry, String, String, Path)}
   */
  public static MonitoredOnnxSession open(MonitorRegistry registry, String model, String version,
      byte[] modelBytes) throws OrtException {
    return builder(registry, model, version, modelBytes).open();
  }

  /**
   * Opens a model packaged as a classpath resource with default session options and registers
   * its monitor.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name
   * @param version the model version
   * @param resource the resource's name, such as {@code models/ctr.onnx} (a leading {@code /} is
   *     ignored), found through the thread's context class loader, else this class's
   * @return the open session; close it when done
   * @throws OrtException if ONNX Runtime cannot load the model
   * @throws IllegalArgumentException if there is no such resource, or as
   *     {@link #open(MonitorRegistry, String, String, Path)}
   * @throws UncheckedIOException if the resource cannot be read
   */
  public static MonitoredOnnxSession openResource(MonitorRegistry registry, String model,
      String version, String resource) throws OrtException {
    return builderFromResource(registry, model, version, resource).open();
  }

  /**
   * Starts configuring a session read from a file: thread count, optimisation level, outputs,
   * monitor policy.
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
    return new Builder(registry, model, version, Objects.requireNonNull(modelFile, "modelFile"),
        null, null);
  }

  /**
   * Starts configuring a session of a model held in memory.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name; not null
   * @param version the model version; not null
   * @param modelBytes the serialised model; not copied, so leave it unchanged until
   *     {@link Builder#open()} returns
   * @return a builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builder(MonitorRegistry registry, String model, String version,
      byte[] modelBytes) {
    return new Builder(registry, model, version, null,
        Objects.requireNonNull(modelBytes, "modelBytes"), null);
  }

  /**
   * Starts configuring a session of a model packaged as a classpath resource; the resource is
   * read when {@link Builder#open()} runs.
   *
   * @param registry the registry the monitor is created in; not null
   * @param model the model name; not null
   * @param version the model version; not null
   * @param resource the resource's name (see
   *     {@link #openResource(MonitorRegistry, String, String, String)}); not null
   * @return a builder
   * @throws NullPointerException if an argument is null
   */
  public static Builder builderFromResource(MonitorRegistry registry, String model,
      String version, String resource) {
    return new Builder(registry, model, version, null, null,
        Objects.requireNonNull(resource, "resource"));
  }

  // ---------------------------------------------------------------- accessors

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

  /** The registry this session's monitor lives in. */
  MonitorRegistry registry() {
    return registry;
  }

  /**
   * Returns the monitor every call is recorded by. Its outputs are {@link Double} scores, or
   * {@link Classification}s for calls through {@link #classify(Map)}, or, for a model that
   * classifies, labels.
   *
   * @return the monitor
   */
  public ModelMonitor<Map<String, ?>, Object> monitor() {
    return monitor;
  }

  /**
   * Returns the name of the output read as the score or the class probabilities.
   *
   * @return the output name, or null when the model is read by its label output alone
   */
  public String scoreOutput() {
    return outputs.scoreOutput;
  }

  /**
   * Returns the name of the output read as the label.
   *
   * @return the output name, or null without a label output
   */
  public String labelOutput() {
    return outputs.labelOutput;
  }

  /**
   * Returns whether the monitor records a predicted class rather than a score: the model has
   * more than two class probabilities per row, or is read by its label alone. Such a model is
   * called through {@link #classify(Map)}.
   *
   * @return true for a classifier of more than two classes or a label-only model
   */
  public boolean classifies() {
    return outputs.classifies();
  }

  // ---------------------------------------------------------------- rows

  /**
   * Scores one row: each input becomes a tensor of shape {@code [1, ...]}.
   *
   * @param row one value per model input, by input name
   * @return the score: the score output's value (sigmoid applied when configured), widened
   *     from float, or the class-1 probability of a binary classifier
   * @throws SchemaViolationException under the REJECT policy, if {@code row} is invalid
   * @throws IllegalArgumentException if an input is missing, null or cannot be converted
   * @throws IllegalStateException if the session is closed, or the model
   *     {@linkplain #classifies() classifies}
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public double score(Map<String, ?> row) throws OrtException {
    enter();
    try {
      ensureScores();
      return (Double) monitor.executeCheckedFunction(r -> run(List.of(r)).score(0), row);
    } finally {
      leave();
    }
  }

  /**
   * Scores rows in one run: each input becomes a tensor of shape {@code [rows.size(), ...]}
   * (for a model of a fixed batch of 1, one run per row). Recorded as one batch call (its size
   * included); each row's score is recorded in the prediction distribution. An empty list is
   * recorded but never reaches ONNX Runtime.
   *
   * @param rows the rows, each as for {@link #score(Map)}
   * @return one score per row, in order
   * @throws SchemaViolationException under the REJECT policy, if any row is invalid
   * @throws IllegalArgumentException if a row lacks an input or holds a value that cannot be
   *     converted
   * @throws IllegalStateException if the session is closed, or the model classifies
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public double[] scoreBatch(List<? extends Map<String, ?>> rows) throws OrtException {
    enter();
    try {
      ensureScores();
      List<Object> scores = monitor.executeBatch(batch -> {
        OnnxOutputs.Rows out = runUnchecked(batch);
        List<Object> boxed = new ArrayList<>(out.n);
        for (int i = 0; i < out.n; i++) {
          boxed.add(out.score(i));
        }
        return boxed;
      }, List.copyOf(rows));
      double[] out = new double[scores.size()];
      for (int i = 0; i < out.length; i++) {
        out[i] = (Double) scores.get(i);
      }
      return out;
    } finally {
      leave();
    }
  }

  /**
   * Classifies one row: the predicted class and the class probabilities. The monitor records
   * the score of a binary classifier, else the predicted class.
   *
   * @param row one value per model input, by input name
   * @return the classification
   * @throws SchemaViolationException under the REJECT policy, if {@code row} is invalid
   * @throws IllegalArgumentException if an input is missing, null or cannot be converted
   * @throws IllegalStateException if the session is closed
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public Classification classify(Map<String, ?> row) throws OrtException {
    enter();
    try {
      return (Classification) monitor.executeCheckedFunction(
          r -> classification(run(List.of(r)), 0), row);
    } finally {
      leave();
    }
  }

  /**
   * Classifies rows in one run (for a model of a fixed batch of 1, one run per row), recorded as
   * one batch call; each row's prediction is recorded in the prediction distribution.
   *
   * @param rows the rows, each as for {@link #classify(Map)}
   * @return one classification per row, in order
   * @throws SchemaViolationException under the REJECT policy, if any row is invalid
   * @throws IllegalArgumentException if a row lacks an input or holds a value that cannot be
   *     converted
   * @throws IllegalStateException if the session is closed
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public List<Classification> classifyBatch(List<? extends Map<String, ?>> rows)
      throws OrtException {
    enter();
    try {
      List<Object> results = monitor.executeBatch(batch -> {
        OnnxOutputs.Rows out = runUnchecked(batch);
        List<Object> list = new ArrayList<>(out.n);
        for (int i = 0; i < out.n; i++) {
          list.add(classification(out, i));
        }
        return list;
      }, List.copyOf(rows));
      List<Classification> out = new ArrayList<>(results.size());
      for (Object r : results) {
        out.add((Classification) r);
      }
      return out;
    } finally {
      leave();
    }
  }

  // ---------------------------------------------------------------- raw tensors

  /**
   * Runs the model on tensors the caller built, with the monitor around the call, and returns
   * every output. Before native code runs, the tensors are checked against the model's inputs:
   * a missing input, an input the model does not have, a null, a wrong element type or a wrong
   * dimension is counted as a schema violation (under REJECT the call throws
   * {@link SchemaViolationException}), and the call fails with {@link IllegalArgumentException}
   * (counted as an error) instead of an {@link OrtException} from native code. The schema
   * checks the first row's values (or the first row holding NaN), which means reading a copy
   * of each float tensor; the monitor records one call and the first row's prediction.
   *
   * <p>Ownership: the caller owns the tensors it passes and closes them (they are never
   * closed here, on any path). The caller owns the returned result and must close it, which
   * closes every output in it; if this method throws, no result exists.
   *
   * @param tensors one tensor per model input, by input name, with the batch dimension first
   * @return the result of {@code OrtSession.run}, holding every output; close it
   * @throws SchemaViolationException under the REJECT policy, if a tensor does not fit
   * @throws IllegalArgumentException if a tensor is missing, null, extra or does not fit the
   *     input's element type or dimensions, or the tensors disagree on the batch size
   * @throws IllegalStateException if the session is closed
   * @throws OrtException if ONNX Runtime fails, rethrown unchanged
   */
  public OrtSession.Result run(Map<String, ? extends OnnxTensor> tensors) throws OrtException {
    enter();
    try {
      Objects.requireNonNull(tensors, "tensors");
      Map<String, Object> standIn = new LinkedHashMap<>();
      for (Map.Entry<String, ? extends OnnxTensor> e : tensors.entrySet()) {
        OnnxInput input = inputsByName.get(e.getKey());
        standIn.put(e.getKey(), input == null ? e.getValue() : input.standIn(e.getValue()));
      }
      OrtSession.Result[] result = new OrtSession.Result[1];
      monitor.executeCheckedFunction(r -> {
        long t0 = ticker.read();
        int n = checkTensors(tensors);
        long t1 = ticker.read();
        OrtSession.Result res = session.run(tensors);
        try {
          long t2 = ticker.read();
          OnnxOutputs.Rows rows = outputs.read(res, n);
          Object prediction = outputs.classifies() ? rows.label(0) : (Object) rows.score(0);
          long t3 = ticker.read();
          recordStages(t0, t1, t2, t3);
          result[0] = res;
          return prediction;
        } catch (RuntimeException | OrtException e) {
          res.close();
          throw e;
        }
      }, standIn);
      return result[0];
    } finally {
      leave();
    }
  }

  /** Checks every tensor against its input; returns the batch size. */
  private int checkTensors(Map<String, ? extends OnnxTensor> tensors) {
    long n = -1;
    for (OnnxInput input : inputs) {
      if (!tensors.containsKey(input.name)) {
        throw new IllegalArgumentException("input '" + input.name + "': missing");
      }
      OnnxTensor tensor = tensors.get(input.name);
      if (tensor == null) {
        throw new IllegalArgumentException("input '" + input.name + "': tensor is null");
      }
      String problem = input.problem(tensor);
      if (problem != null) {
        throw new IllegalArgumentException(problem);
      }
      long rows = tensor.getInfo().getShape()[0];
      if (n >= 0 && rows != n) {
        throw new IllegalArgumentException("input '" + input.name + "' has " + rows
            + " rows, the others " + n);
      }
      n = rows;
    }
    if (tensors.size() != inputs.size()) {
      for (String name : tensors.keySet()) {
        if (!inputsByName.containsKey(name)) {
          throw new IllegalArgumentException("the model has no input '" + name + "'; inputs: "
              + inputsByName.keySet());
        }
      }
    }
    if (n > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("batch of " + n + " rows");
    }
    return (int) n;
  }

  // ---------------------------------------------------------------- close

  /**
   * Closes the ONNX Runtime session without freeing its native memory under a running call:
   * calls that start afterwards fail with {@link IllegalStateException}, and close waits for
   * the calls in flight to finish. If some still run after 5 seconds (a model stuck in native
   * code), close returns with a warning logged and the last of them closes the session as it
   * finishes. Calling it again does nothing; the monitor stays in its registry.
   *
   * @throws OrtException if ONNX Runtime fails to release the session (when close releases it)
   */
  @Override
  public void close() throws OrtException {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    long deadline = System.nanoTime() + CLOSE_WAIT_NANOS;
    while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
      LockSupport.parkNanos(100_000); // calls are rare at close: 0.1 ms polls, no lock on calls
    }
    if (inFlight.get() > 0) {
      LOG.warn("session of {}:{} closed with {} calls still running; the last one releases it",
          monitor.name(), monitor.version(), inFlight.get());
      return;
    }
    release();
  }

  /**
   * Admits a call: one atomic increment, then the closed check. close() sets closed before it
   * reads the count, so a call either sees closed or is counted before close looks.
   */
  private void enter() {
    inFlight.incrementAndGet();
    if (closed.get()) {
      leave();
      throw new IllegalStateException("session of " + monitor.name() + ":" + monitor.version()
          + " is closed");
    }
  }

  /** Ends a call; the last call out of a closed session releases it if close() did not. */
  private void leave() {
    if (inFlight.decrementAndGet() == 0 && closed.get()) {
      try {
        release();
      } catch (OrtException e) {
        LOG.warn("session of {}:{}: releasing it after its last call failed", monitor.name(),
            monitor.version(), e);
      }
    }
  }

  /** Closes the native session once, whoever gets here first. */
  private void release() throws OrtException {
    if (released.compareAndSet(false, true)) {
      session.close();
    }
  }

  private void ensureScores() {
    if (outputs.classifies()) {
      throw new IllegalStateException("model " + monitor.name() + ":" + monitor.version()
          + (outputs.scoreOutput == null ? " has a label output only"
              : " has " + outputs.columns + " classes") + "; use classify(row)");
    }
  }

  private Classification classification(OnnxOutputs.Rows rows, int r) {
    int top = rows.top(r);
    double[] probabilities = rows.probabilities(r);
    double probability = top < 0 ? Double.NaN : probabilities[top];
    return new Classification(rows.label(r), probability, probabilities, rows.score(r));
  }

  /** {@link #run(List)} for the batch function, which may not declare OrtException. */
  private OnnxOutputs.Rows runUnchecked(List<? extends Map<String, ?>> rows) {
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

  private void recordStages(long t0, long t1, long t2, long t3) {
    monitor.recordStage(INPUT, t1 - t0);
    monitor.recordStage(INFERENCE, t2 - t1);
    monitor.recordStage(OUTPUT, t3 - t2);
  }

  private OnnxOutputs.Rows run(List<? extends Map<String, ?>> rows) throws OrtException {
    int n = rows.size();
    if (n == 0) {
      return new OnnxOutputs.Rows(0, new double[0], outputs.columns, null);
    }
    long t0 = ticker.read();
    // every value converted before any tensor exists: a bad row touches no native memory
    Object[] values = new Object[inputs.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = inputs.get(i).convert(rows);
    }
    if (!fixedBatch || n == 1) {
      return runTensors(values, n, t0);
    }
    // a model of batch size 1 is fed its rows one at a time; the stages sum over the runs
    OnnxOutputs.Rows[] parts = new OnnxOutputs.Rows[n];
    long[] sums = new long[STAGES.length];
    for (int r = 0; r < n; r++) {
      long start = r == 0 ? t0 : ticker.read();
      Object[] row = new Object[values.length];
      for (int i = 0; i < row.length; i++) {
        row[i] = inputs.get(i).row(values[i], r);
      }
      parts[r] = runTensors(row, 1, start, sums);
    }
    for (int stage = 0; stage < sums.length; stage++) {
      monitor.recordStage(stage, sums[stage]);
    }
    return OnnxOutputs.Rows.concat(parts, outputs.columns);
  }

  /** One run of converted values of {@code n} rows, its stages recorded. */
  private OnnxOutputs.Rows runTensors(Object[] values, int n, long t0) throws OrtException {
    return runTensors(values, n, t0, null);
  }

  /**
   * One run of converted values of {@code n} rows; its stage nanos are added to {@code sums},
   * or recorded when {@code sums} is null.
   */
  private OnnxOutputs.Rows runTensors(Object[] values, int n, long t0, long[] sums)
      throws OrtException {
    Map<String, OnnxTensor> tensors = new LinkedHashMap<>();
    try {
      for (int i = 0; i < values.length; i++) {
        OnnxInput input = inputs.get(i);
        tensors.put(input.name, input.tensor(env, values[i], n));
      }
      long t1 = ticker.read();
      try (OrtSession.Result result = session.run(tensors, outputs.requested)) {
        long t2 = ticker.read();
        OnnxOutputs.Rows out = outputs.read(result, n);
        long t3 = ticker.read();
        if (sums == null) {
          recordStages(t0, t1, t2, t3);
        } else {
          sums[INPUT] += t1 - t0;
          sums[INFERENCE] += t2 - t1;
          sums[OUTPUT] += t3 - t2;
        }
        return out;
      }
    } finally {
      for (OnnxTensor tensor : tensors.values()) {
        tensor.close();
      }
    }
  }

  /**
   * Sets options on ONNX Runtime's session options before the session is created; see
   * {@link Builder#sessionOptions(OptionsCustomizer)}.
   */
  @FunctionalInterface
  public interface OptionsCustomizer {
    /**
     * Sets options.
     *
     * @param options the session options about to be used; closed by the caller afterwards
     * @throws OrtException if ONNX Runtime refuses an option
     */
    void customize(OrtSession.SessionOptions options) throws OrtException;
  }

  /** Configures and opens a {@link MonitoredOnnxSession}. Not thread-safe. */
  public static final class Builder {

    private final MonitorRegistry registry;
    private final String model;
    private final String version;
    /** Exactly one of modelFile, bytes and resource is set. */
    private final Path modelFile;
    private final byte[] bytes;
    private final String resource;
    private int intraOpThreads;
    private int interOpThreads;
    private Baseline baseline;
    private FeatureSchema<Map<String, ?>> schema;
    private OrtSession.SessionOptions.OptLevel optimization =
        OrtSession.SessionOptions.OptLevel.ALL_OPT;
    private MonitorConfig config;
    private OptionsCustomizer options;
    private String scoreOutput;
    private boolean sigmoid;
    private String labelOutput;

    private Builder(MonitorRegistry registry, String model, String version, Path modelFile,
        byte[] bytes, String resource) {
      this.registry = Objects.requireNonNull(registry, "registry");
      this.model = Objects.requireNonNull(model, "model");
      this.version = Objects.requireNonNull(version, "version");
      this.modelFile = modelFile;
      this.bytes = bytes;
      this.resource = resource;
    }

    /** Names where the model comes from, for messages and the monitor's attributes. */
    private String describeSource() {
      return modelFile != null ? modelFile.toString()
          : resource != null ? "classpath:" + resource : "bytes (" + bytes.length + " B)";
    }

    /** The model's bytes, or null when ONNX Runtime reads {@link #modelFile} itself. */
    private byte[] modelBytes() {
      if (bytes != null) {
        return bytes;
      }
      if (resource != null) {
        String name = resource.startsWith("/") ? resource.substring(1) : resource;
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        InputStream in = context == null ? null : context.getResourceAsStream(name);
        if (in == null) {
          in = MonitoredOnnxSession.class.getClassLoader().getResourceAsStream(name);
        }
        if (in == null) {
          throw new IllegalArgumentException("no classpath resource '" + resource + "'");
        }
        try (InputStream stream = in) {
          return stream.readAllBytes();
        } catch (IOException e) {
          throw new UncheckedIOException("cannot read classpath resource '" + resource + "'", e);
        }
      }
      if (!Files.isRegularFile(modelFile)) {
        throw new IllegalArgumentException("not a model file: " + modelFile);
      }
      return null;
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
     * Sets the training baseline live inputs and predictions are compared with, instead of the
     * one embedded in the model under {@value MonitoredOnnxSession#BASELINE_KEY} (which is then
     * ignored). Its prediction profile must be numeric for a model read by its score,
     * categorical for one that {@linkplain MonitoredOnnxSession#classifies() classifies}.
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
     * Sets anything else on ONNX Runtime's session options, such as an execution provider, the
     * execution mode or a config entry. It runs after the options this builder sets, so it may
     * override them; {@link MonitoredOnnxSession#resources()} still reports the threads set on this builder.
     *
     * <pre>{@code
     * .sessionOptions(o -> {
     *   o.addCUDA(0);                                   // needs onnxruntime_gpu
     *   o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.PARALLEL);
     * })
     * }</pre>
     *
     * @param customizer called once, when {@link #open()} creates the session; its exception
     *     propagates from {@code open()} and nothing is registered
     * @return this builder
     * @throws NullPointerException if {@code customizer} is null
     */
    public Builder sessionOptions(OptionsCustomizer customizer) {
      this.options = Objects.requireNonNull(customizer, "customizer");
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
     * Names the output read as the score or the class probabilities: a float or double tensor
     * of shape {@code [N]}, {@code [N, 1]}, {@code [N, 2]} (binary: the score is column 1) or
     * {@code [N, C]}.
     *
     * @param output the output's name; default the first float tensor output
     * @return this builder
     * @throws NullPointerException if {@code output} is null
     */
    public Builder scoreOutput(String output) {
      this.scoreOutput = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Applies the logistic function {@code 1 / (1 + exp(-x))} to the score output, for a model
     * that emits a logit. Only for a score output of one value per row ({@code [N]} or
     * {@code [N, 1]}): {@link #open()} refuses it for class probabilities ({@code [N, 2]} or
     * more), whose columns are not logits.
     *
     * @return this builder
     */
    public Builder sigmoid() {
      this.sigmoid = true;
      return this;
    }

    /**
     * Names the output read as the predicted class: an int64 or string tensor of one value per
     * row.
     *
     * @param output the output's name; default an output named {@code label} or
     *     {@code output_label}, if the model has one
     * @return this builder
     * @throws NullPointerException if {@code output} is null
     */
    public Builder labelOutput(String output) {
      this.labelOutput = Objects.requireNonNull(output, "output");
      return this;
    }

    /**
     * Opens the session and registers its monitor.
     *
     * @return the open session; close it when done
     * @throws OrtException if ONNX Runtime cannot load the model
     * @throws IllegalArgumentException as {@link MonitoredOnnxSession#open}, or if a named
     *     output does not exist or cannot be read (a ZipMap, say), {@link #sigmoid()} is set
     *     for a score output of more than one value per row, the
     *     embedded baseline or schema is malformed, the schema refinement does not fit the
     *     model's inputs, or the baseline does not fit the schema
     */
    public MonitoredOnnxSession open() throws OrtException {
      return new MonitoredOnnxSession(this);
    }
  }
}
