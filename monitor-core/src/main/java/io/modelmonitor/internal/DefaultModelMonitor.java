package io.modelmonitor.internal;

import io.modelmonitor.BatchSummary;
import io.modelmonitor.CheckedFunction;
import io.modelmonitor.CheckedSupplier;
import io.modelmonitor.LatencySummary;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.Outcomes;
import io.modelmonitor.Ticker;
import io.modelmonitor.ViolationSummary;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.internal.MonitorErrors.Cause;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.SchemaViolationException;
import io.modelmonitor.schema.Violation;
import io.modelmonitor.schema.ViolationKind;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The implementation of {@link ModelMonitor}. Not public API: use it only through the interface.
 *
 * <p>Every hot-path method follows one pattern: {@link #enter()} finds the thread's cell and
 * counts the call as in flight, the model runs outside any monitoring try-block, and
 * {@code exitX} records latency and outcome. Each monitoring step catches its own
 * {@link RuntimeException}s, so a monitoring failure can only ever cost a sample, never the call.
 */
public final class DefaultModelMonitor<I, O> implements ModelMonitor<I, O> {

  private static final long NO_TIME = Long.MIN_VALUE;
  private static final Logger VIOLATIONS = LoggerFactory.getLogger("io.modelmonitor.violations");
  private static final ViolationKind[] KINDS = ViolationKind.values();

  private final String name;
  private final String version;
  private final MonitorConfig config;
  private final Ticker ticker;
  private final Clock clock;
  private final long highestNanos;
  private final int maxBatchSize;
  private final ErrorTypes errorTypes;
  private final MonitorErrors errors;
  private final Recordings recordings;
  private final long createdTicks;
  /** The input schema, or null; checks run against inputs of type I. */
  private final FeatureSchema<? super I> schema;
  private final SchemaPolicy policy;
  private final long violationLogIntervalNanos;
  /** Ticker value before which no violation line is logged; LOG policy only. */
  private final AtomicLong nextViolationLog = new AtomicLong(Long.MIN_VALUE);
  private final Baseline baseline;
  private final PredictionSpec<? super O> prediction;
  /** Null when nothing is compared with a baseline. */
  private final DriftTracker tracker;
  /** Null unless the prediction spec reads ranked outputs. */
  private final ItemTracker items;
  /** Null unless the prediction spec reads scores or ranked outputs. */
  private final FeedbackJoiner joiner;
  private final Function<? super I, ?> requestIds;
  private final int stride;
  /** Null when the prediction log is off. */
  private final PredictionLogger<I, O> predictions;
  /** The declared stage names, in order; empty without stages. */
  private final List<String> stageNames;

  /** Guarded by {@code recordings.lock}. */
  private long windowStartTicks;
  private volatile ClosedWindow lastWindow = ClosedWindow.NONE;

  /** The result of the last closed window; immutable. */
  record ClosedWindow(Duration length, Outcomes outcomes, LatencySummary latency,
      BatchSummary batches, ViolationSummary violations, DriftReport drift,
      DriftReport rolling, io.modelmonitor.drift.RecommendationSummary recommendations,
      io.modelmonitor.feedback.QualitySummary quality,
      io.modelmonitor.feedback.QualitySummary rollingQuality,
      Map<String, LatencySummary> stages) {
    static final ClosedWindow NONE = new ClosedWindow(Duration.ZERO, Outcomes.EMPTY,
        LatencySummary.EMPTY, BatchSummary.EMPTY, ViolationSummary.EMPTY, DriftReport.EMPTY,
        DriftReport.EMPTY, io.modelmonitor.drift.RecommendationSummary.EMPTY, null, null,
        Map.of());
  }

  private static double offlineAuc(Baseline baseline) {
    if (baseline == null) {
      return 0;
    }
    Double auc = baseline.metrics().get("test_auc");
    if (auc == null) {
      auc = baseline.metrics().get("auc");
    }
    return auc == null ? 0 : auc;
  }

  /** The last closed windows' counts, for the rolling view; guarded by recordings.lock. */
  private long[][] ringBins;
  private double[][] ringMoments;
  private int ringNext;
  private int ringSize;

  /** Static facts about the model; set once, before the monitor is published. */
  private volatile io.modelmonitor.ModelInfo info = io.modelmonitor.ModelInfo.EMPTY;

  DefaultModelMonitor(String name, String version, MonitorConfig config, Ticker ticker,
      Clock clock, FeatureSchema<? super I> schema, Baseline baseline,
      PredictionSpec<? super O> prediction, Function<? super I, ?> requestIds,
      List<String> stageNames) {
    this.name = name;
    this.version = version;
    this.config = config;
    this.ticker = ticker;
    this.clock = clock;
    LatencyLayout layout = new LatencyLayout(config);
    this.highestNanos = layout.highestNanos;
    this.maxBatchSize = config.maxBatchSize();
    this.errorTypes = new ErrorTypes(config.maxErrorTypes());
    this.errors = new MonitorErrors(name + ':' + version);
    this.schema = schema;
    this.policy = config.schemaPolicy();
    this.violationLogIntervalNanos = config.violationLogInterval().toNanos();
    int violationCells = schema == null ? 0 : (schema.features().size() + 2) * KINDS.length;
    this.baseline = baseline;
    this.prediction = prediction;
    this.tracker = DriftTracker.create(schema, baseline,
        prediction != null && prediction.isScore(),
        prediction != null && prediction.labelReader() != null, config.drift());
    this.items = prediction != null && prediction.isRanked()
        ? new ItemTracker(prediction.rankedOptions()) : null;
    this.stride = (int) Math.max(1, Math.round(1 / config.drift().sampleRate()));
    this.joiner = prediction != null && (prediction.isScore() || prediction.isRanked())
        ? new FeedbackJoiner(config.feedback(), ticker, offlineAuc(baseline),
            config.drift().rollingWindows()) : null;
    this.requestIds = requestIds;
    if (requestIds != null && joiner == null) {
      throw new IllegalArgumentException("model '" + name + "': a request id needs a score or "
          + "ranked prediction spec to remember what was predicted");
    }
    this.predictions = PredictionLogger.create(config.predictionLog(), name, version, clock,
        schema, prediction, requestIds, errors);
    this.stageNames = List.copyOf(stageNames);
    this.recordings = new Recordings(layout, errorTypes.slotCount(), violationCells,
        maxBatchSize, config.maxThreadCells(), tracker, this.stageNames);
    this.createdTicks = ticker.read();
    this.windowStartTicks = createdTicks;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public String version() {
    return version;
  }

  @Override
  public MonitorConfig config() {
    return config;
  }

  @Override
  public Optional<FeatureSchema<? super I>> schema() {
    return Optional.ofNullable(schema);
  }

  @Override
  public Ticker ticker() {
    return ticker;
  }

  @Override
  public List<String> stages() {
    return stageNames;
  }

  @Override
  public void recordStage(int stage, long nanos) {
    StageRecorders recorders = recordings.stages;
    if (recorders == null || stage < 0 || stage >= recorders.size()) {
      errors.record(Cause.INVALID_SAMPLE, "stage index {} ignored ({} stages declared)", stage,
          stageNames.size());
      return;
    }
    long latency = checkedLatency(nanos);
    if (latency >= 0) {
      try {
        recorders.record(stage, latency);
      } catch (RuntimeException e) {
        errors.record(Cause.INTERNAL, "could not record a stage", e);
      }
    }
  }

  // ================================================================ decorate

  @Override
  public Function<I, O> decorateFunction(Function<I, O> function) {
    Objects.requireNonNull(function, "function must not be null");
    return input -> executeFunction(function, input);
  }

  @Override
  public Supplier<O> decorateSupplier(Supplier<O> supplier) {
    Objects.requireNonNull(supplier, "supplier must not be null");
    return () -> executeSupplier(supplier);
  }

  @Override
  public <E extends Exception> CheckedFunction<I, O, E> decorateCheckedFunction(
      CheckedFunction<I, O, E> function) {
    Objects.requireNonNull(function, "function must not be null");
    return input -> executeCheckedFunction(function, input);
  }

  @Override
  public <E extends Exception> CheckedSupplier<O, E> decorateCheckedSupplier(
      CheckedSupplier<O, E> supplier) {
    Objects.requireNonNull(supplier, "supplier must not be null");
    return () -> executeCheckedSupplier(supplier);
  }

  @Override
  public Supplier<CompletionStage<O>> decorateCompletionStage(
      Supplier<? extends CompletionStage<O>> supplier) {
    Objects.requireNonNull(supplier, "supplier must not be null");
    return () -> executeCompletionStage(supplier);
  }

  @Override
  public Function<List<I>, List<O>> decorateBatchFunction(Function<List<I>, List<O>> function) {
    Objects.requireNonNull(function, "function must not be null");
    return inputs -> executeBatch(function, inputs);
  }

  // ================================================================ execute

  @Override
  public O executeFunction(Function<I, O> function, I input) {
    Objects.requireNonNull(function, "function must not be null");
    RecordingCell cell = enter();
    admit(cell, input);
    boolean sampled = sampleInput(cell, input);
    long start = now();
    try {
      O result = function.apply(input);
      long latency = sampled ? exitSampledSuccess(cell, start, result)
          : exitSuccess(cell, start);
      rememberFor(input, result);
      if (predictions != null && predictions.sampled(false)) {
        predictions.log(true, input, result, PredictionLogger.SUCCESS, null, latency);
      }
      return result;
    } catch (Exception e) { // a checked one thrown sneakily too; precise rethrow keeps it
      long latency = exitError(cell, start, e);
      if (predictions != null && predictions.sampled(true)) {
        predictions.log(true, input, null, PredictionLogger.ERROR, e.getClass(), latency);
      }
      throw e;
    } finally {
      release(cell);
    }
  }

  @Override
  public O executeSupplier(Supplier<O> supplier) {
    Objects.requireNonNull(supplier, "supplier must not be null");
    RecordingCell cell = enter();
    long start = now();
    try {
      O result = supplier.get();
      long latency = exitSuccess(cell, start);
      maybeObserveOutput(cell, result);
      if (predictions != null && predictions.sampled(false)) {
        predictions.log(false, null, result, PredictionLogger.SUCCESS, null, latency);
      }
      return result;
    } catch (Exception e) { // a checked one thrown sneakily too; precise rethrow keeps it
      long latency = exitError(cell, start, e);
      if (predictions != null && predictions.sampled(true)) {
        predictions.log(false, null, null, PredictionLogger.ERROR, e.getClass(), latency);
      }
      throw e;
    } finally {
      release(cell);
    }
  }

  @Override
  public <E extends Exception> O executeCheckedFunction(CheckedFunction<I, O, E> function,
      I input) throws E {
    Objects.requireNonNull(function, "function must not be null");
    RecordingCell cell = enter();
    admit(cell, input);
    boolean sampled = sampleInput(cell, input);
    long start = now();
    try {
      O result = function.apply(input);
      long latency = sampled ? exitSampledSuccess(cell, start, result)
          : exitSuccess(cell, start);
      rememberFor(input, result);
      if (predictions != null && predictions.sampled(false)) {
        predictions.log(true, input, result, PredictionLogger.SUCCESS, null, latency);
      }
      return result;
    } catch (Exception e) { // precise rethrow: only E or unchecked can arrive here
      long latency = exitError(cell, start, e);
      if (predictions != null && predictions.sampled(true)) {
        predictions.log(true, input, null, PredictionLogger.ERROR, e.getClass(), latency);
      }
      throw e;
    } finally {
      release(cell);
    }
  }

  @Override
  public <E extends Exception> O executeCheckedSupplier(CheckedSupplier<O, E> supplier) throws E {
    Objects.requireNonNull(supplier, "supplier must not be null");
    RecordingCell cell = enter();
    long start = now();
    try {
      O result = supplier.get();
      long latency = exitSuccess(cell, start);
      maybeObserveOutput(cell, result);
      if (predictions != null && predictions.sampled(false)) {
        predictions.log(false, null, result, PredictionLogger.SUCCESS, null, latency);
      }
      return result;
    } catch (Exception e) {
      long latency = exitError(cell, start, e);
      if (predictions != null && predictions.sampled(true)) {
        predictions.log(false, null, null, PredictionLogger.ERROR, e.getClass(), latency);
      }
      throw e;
    } finally {
      release(cell);
    }
  }

  @Override
  public CompletionStage<O> executeCompletionStage(
      Supplier<? extends CompletionStage<O>> supplier) {
    Objects.requireNonNull(supplier, "supplier must not be null");
    RecordingCell cell = enter();
    long start = now();
    CompletionStage<O> stage;
    try {
      stage = supplier.get();
    } catch (Exception e) { // checked ones too: an annotated async method may throw them
      exitError(cell, start, e);
      release(cell);
      throw e;
    } catch (Error e) {
      release(cell);
      throw e;
    }
    if (stage == null) {
      release(cell);
      errors.record(Cause.INVALID_SAMPLE, "completion-stage supplier returned null", null);
      return null;
    }
    try {
      stage.whenComplete((value, failure) -> completeAsync(start, value, failure));
    } catch (RuntimeException e) {
      release(cell);
      errors.record(Cause.INTERNAL, "could not observe completion stage", e);
    }
    return stage;
  }

  @Override
  public List<O> executeBatch(Function<List<I>, List<O>> function, List<I> inputs) {
    Objects.requireNonNull(function, "function must not be null");
    RecordingCell cell = enter();
    admitBatch(cell, inputs);
    boolean[] sampled = sampleBatch(cell, inputs);
    long start = now();
    try {
      List<O> result = function.apply(inputs);
      exitBatch(cell, start, inputs, null);
      if (sampled != null && result != null && result.size() == sampled.length) {
        for (int i = 0; i < sampled.length; i++) {
          if (sampled[i]) { // one decision per item: its input and its output
            observeOutput(cell, result.get(i));
          }
        }
      }
      return result;
    } catch (Exception e) { // a checked one thrown sneakily too; precise rethrow keeps it
      exitBatch(cell, start, inputs, e);
      throw e;
    } finally {
      release(cell);
    }
  }

  // ================================================================ record by hand

  @Override
  public long start() {
    enter();
    return now();
  }

  @Override
  public void succeeded(long startTicks) {
    RecordingCell cell = cellOrNull();
    exitSuccess(cell, startTicks);
    release(cell);
  }

  @Override
  public void failed(long startTicks, Throwable error) {
    RecordingCell cell = cellOrNull();
    exitError(cell, startTicks, error);
    release(cell);
  }

  @Override
  public void record(long latencyNanos) {
    RecordingCell cell = cellOrNull();
    long latency = checkedLatency(latencyNanos);
    if (cell != null && latency >= 0) {
      cell.recordSuccess(latency);
    }
  }

  @Override
  public void record(Duration latency) {
    if (latency == null) {
      errors.record(Cause.INVALID_SAMPLE, "null latency", null);
      return;
    }
    long nanos;
    try {
      nanos = latency.toNanos();
    } catch (ArithmeticException e) {
      nanos = Long.MAX_VALUE;
    }
    record(nanos);
  }

  @Override
  public void recordFailure(long latencyNanos, Throwable error) {
    RecordingCell cell = cellOrNull();
    long latency = checkedLatency(latencyNanos);
    if (cell != null && latency >= 0) {
      recordErrorSafely(cell, latency, error);
    }
  }

  @Override
  public int checkInput(I input) {
    RecordingCell cell = cellOrNull();
    if (schema == null || cell == null) {
      return 0;
    }
    try {
      return inspect(cell, input);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "input check failed", e);
      return 0;
    }
  }

  // ================================================================ delayed feedback

  private void rememberFor(I input, O result) {
    if (requestIds == null) {
      return;
    }
    try {
      Object id = requestIds.apply(input);
      if (id != null) {
        remember(id, result);
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not read the request id", e);
    }
  }

  @Override
  public void remember(Object requestId, O output) {
    if (joiner == null || requestId == null) {
      return;
    }
    try {
      if (prediction.isRanked()) {
        java.util.Collection<?> c = output == null ? null
            : prediction.rankedReader().apply(output);
        if (c != null) {
          joiner.rememberRanked(requestId, new java.util.ArrayList<>(c));
        }
      } else {
        joiner.remember(requestId, output == null ? Double.NaN
            : prediction.scoreReader().applyAsDouble(output));
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not remember the prediction", e);
    }
  }

  @Override
  public void feedback(Object requestId, boolean positive) {
    if (joiner == null || requestId == null) {
      return;
    }
    try {
      joiner.feedback(requestId, positive ? 1 : 0);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not join feedback", e);
    }
  }

  @Override
  public void feedback(Object requestId, Object itemId, io.modelmonitor.feedback.Event event) {
    if (joiner == null || requestId == null || itemId == null || event == null) {
      return;
    }
    try {
      joiner.feedback(requestId, itemId, event);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not join feedback", e);
    }
  }

  FeedbackJoiner joiner() {
    return joiner;
  }

  /**
   * Predictions waiting for feedback now, after expiring those whose window closed. Not API:
   * exposed for exporters and tests.
   *
   * @return the number, 0 without feedback
   */
  public long pendingFeedback() {
    if (joiner == null) {
      return 0;
    }
    joiner.cleanUp();
    return joiner.pendingCount();
  }

  /** The window's and the rolling quality; both null without feedback or if they failed. */
  private io.modelmonitor.feedback.QualitySummary[] closeQuality() {
    if (joiner != null) {
      try {
        return joiner.closeWindow();
      } catch (RuntimeException e) { // a quality report lost, never the window or the monitor
        errors.record(Cause.INTERNAL, "could not summarise feedback quality", e);
      }
    }
    return new io.modelmonitor.feedback.QualitySummary[2];
  }

  /** Quality since start; null without feedback or if it failed (counted, logged once). */
  io.modelmonitor.feedback.QualitySummary totalQuality() {
    if (joiner == null) {
      return null;
    }
    try {
      return joiner.total();
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not summarise feedback quality", e);
      return null;
    }
  }

  io.modelmonitor.feedback.QualitySummary lastQuality() {
    return lastWindow.quality();
  }

  @Override
  public void recordRejected() {
    RecordingCell cell = cellOrNull();
    if (cell != null) {
      cell.recordRejected();
    }
  }

  @Override
  public void recordBatch(long latencyNanos, int size) {
    if (size < 0) {
      errors.record(Cause.INVALID_SAMPLE, "negative batch size {} ignored (maximum {})", size,
          maxBatchSize);
      return;
    }
    RecordingCell cell = cellOrNull();
    long latency = checkedLatency(latencyNanos);
    if (cell != null && latency >= 0) {
      cell.recordSuccess(latency);
      recordBatchSize(size, latency);
    }
  }

  // ================================================================ schema steps

  /**
   * Checks {@code input}, counts its violations and applies the policy. Under REJECT an invalid
   * input is counted as rejected, releases the call and throws before the model runs; otherwise
   * never throws (an Error from a user extractor releases the call and propagates).
   */
  private void admit(RecordingCell cell, I input) {
    if (schema == null || cell == null) {
      return;
    }
    int violations;
    try {
      violations = inspect(cell, input);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "input check failed", e);
      return;
    } catch (Error e) {
      release(cell);
      throw e;
    }
    if (violations > 0 && policy == SchemaPolicy.REJECT) {
      try {
        if (predictions != null && predictions.sampled(true)) {
          predictions.log(true, input, null, PredictionLogger.REJECTED,
              SchemaViolationException.class, -1);
        }
      } catch (RuntimeException e) { // the rejection below must happen whatever the log does
        errors.record(Cause.INTERNAL, "could not log a rejected input", e);
      }
      // singletonList: a null input is a valid thing to reject (List.of would throw)
      reject(cell, java.util.Collections.singletonList(input), List.of(0));
    }
  }

  private void admitBatch(RecordingCell cell, List<I> inputs) {
    if (schema == null || cell == null || inputs == null) {
      return;
    }
    List<Integer> invalid = null;
    try {
      int i = 0;
      for (I input : inputs) { // for-each: linked lists stay linear
        if (inspect(cell, input) > 0 && policy == SchemaPolicy.REJECT) {
          if (invalid == null) {
            invalid = new ArrayList<>();
          }
          invalid.add(i);
        }
        i++;
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "batch input check failed", e);
      return;
    } catch (Error e) {
      release(cell);
      throw e;
    }
    if (invalid != null) {
      reject(cell, inputs, invalid);
    }
  }

  /** Counts one rejected call, releases it and throws the rejection. */
  private void reject(RecordingCell cell, List<I> inputs, List<Integer> invalid) {
    SchemaViolationException rejection;
    try {
      List<Violation> all = new ArrayList<>();
      boolean batch = invalid.size() != 1 || inputs.size() != 1;
      for (int i : invalid) {
        all.addAll(describe(inputs.get(i), batch ? "[" + i + "]." : ""));
      }
      rejection = new SchemaViolationException(name + ':' + version, all);
    } catch (RuntimeException e) { // describing must not let an invalid input through
      errors.record(Cause.INTERNAL, "could not describe the violations", e);
      rejection = new SchemaViolationException(name + ':' + version, List.of(new Violation(
          FeatureSchema.INPUT, ViolationKind.TYPE_MISMATCH, "invalid input; the violations "
          + "could not be described (" + e.getClass().getSimpleName() + ")")));
    } finally {
      try {
        cell.recordRejected();
      } finally {
        release(cell);
      }
    }
    throw rejection;
  }

  /** Counts the violations of one input into the cell; logs under LOG. Returns the count. */
  private int inspect(RecordingCell cell, I input) {
    int violations = schema.check(input, cell);
    if (violations > 0) {
      cell.recordInvalidInput();
      if (policy == SchemaPolicy.LOG) {
        maybeLogViolations(input);
      }
    }
    return violations;
  }

  private List<Violation> describe(I input, String prefix) {
    List<Violation> out = new ArrayList<>();
    for (Violation v : schema.validate(input)) {
      out.add(prefix.isEmpty() ? v : new Violation(prefix + v.feature(), v.kind(), v.detail()));
    }
    return out;
  }

  /** At most one line per violation log interval (by the ticker); losers of the race skip. */
  private void maybeLogViolations(I input) {
    long now = ticker.read();
    long next = nextViolationLog.get();
    if (now < next || !nextViolationLog.compareAndSet(next, now + violationLogIntervalNanos)) {
      return;
    }
    try {
      VIOLATIONS.warn("ModelMonitor {}:{} input violates the feature schema: {} (at most one "
          + "such line per {})", name, version, schema.validate(input),
          config.violationLogInterval());
    } catch (RuntimeException loggingFailed) {
      // the violation is counted; a broken logging backend must not reach the caller
    }
  }

  // ================================================================ distributions

  /** Decides whether this call is sampled and, if so, counts its input's distributions. */
  private boolean sampleInput(RecordingCell cell, I input) {
    if ((tracker == null && items == null) || cell == null) {
      return false;
    }
    try {
      if (!cell.sample(stride)) {
        return false;
      }
      if (schema != null && tracker != null) {
        cell.observe(schema, input);
      }
      return true;
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not observe the input", e);
      return false;
    } catch (Error e) {
      release(cell);
      throw e;
    }
  }

  /** Which items of a batch are sampled (their inputs observed now, outputs after the call). */
  private boolean[] sampleBatch(RecordingCell cell, List<I> inputs) {
    if ((tracker == null && items == null) || cell == null || inputs == null) {
      return null;
    }
    boolean[] sampled = new boolean[inputs.size()];
    try {
      int i = 0;
      for (I input : inputs) {
        if (i >= sampled.length) {
          break;
        }
        if (cell.sample(stride)) {
          sampled[i] = true;
          if (schema != null && tracker != null) {
            cell.observe(schema, input);
          }
        }
        i++;
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not observe the batch", e);
    } catch (Error e) {
      release(cell);
      throw e;
    }
    return sampled;
  }

  /** For calls without an input to sample by: samples on the output alone. */
  private void maybeObserveOutput(RecordingCell cell, O result) {
    if ((tracker == null && items == null) || prediction == null || cell == null) {
      return;
    }
    try {
      if (cell.sample(stride)) {
        observeOutput(cell, result);
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not observe the output", e);
    }
  }

  private void observeOutput(RecordingCell cell, O result) {
    if (prediction == null) {
      return;
    }
    try {
      if (prediction.isRanked()) {
        java.util.Collection<?> recommended = result == null ? null
            : prediction.rankedReader().apply(result);
        if (recommended != null) {
          items.record(recommended);
        }
      } else if (tracker == null) {
        return;
      } else if (prediction.isScore()) {
        cell.observeScore(result == null ? Double.NaN
            : prediction.scoreReader().applyAsDouble(result));
      } else {
        cell.observeLabel(result == null ? null : prediction.labelReader().apply(result));
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not read the prediction", e);
    }
  }

  // ================================================================ hot-path steps

  private RecordingCell enter() {
    try {
      RecordingCell cell = recordings.cell();
      cell.callStarted();
      return cell;
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not start recording", e);
      return null;
    }
  }

  private RecordingCell cellOrNull() {
    try {
      return recordings.cell();
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not find recording cell", e);
      return null;
    }
  }

  private long now() {
    try {
      return ticker.read();
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "ticker failed", e);
      return NO_TIME;
    }
  }

  private void release(RecordingCell cell) {
    if (cell != null) {
      cell.callFinished();
    }
  }

  private long latencySince(long start) {
    if (start == NO_TIME) {
      return -1;
    }
    long end = now();
    if (end == NO_TIME) {
      return -1;
    }
    return checkedLatency(end - start);
  }

  /** Returns the latency to record, or -1 when the sample must be ignored (already counted). */
  private long checkedLatency(long latencyNanos) {
    if (latencyNanos < 0) {
      errors.record(Cause.INVALID_SAMPLE, "negative latency {}ns ignored (highest {}ns)",
          latencyNanos, highestNanos);
      return -1;
    }
    if (latencyNanos > highestNanos) {
      errors.record(Cause.VALUE_OUT_OF_RANGE, "latency {}ns above the configured highest {}ns, "
          + "recorded as the highest", latencyNanos, highestNanos);
      return highestNanos;
    }
    return latencyNanos;
  }

  /** Records a success; returns its latency, or -1 when none was recorded. */
  private long exitSuccess(RecordingCell cell, long start) {
    if (cell == null) {
      return -1;
    }
    try {
      long latency = latencySince(start);
      if (latency >= 0) {
        cell.recordSuccess(latency);
      }
      return latency;
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record success", e);
      return -1;
    }
  }

  /**
   * {@link #exitSuccess} then {@link #observeOutput} of a sampled call. For a score prediction
   * the score is read first and both are recorded in one critical section of the cell (same
   * counts, one phaser enter/exit fewer); a failed read is counted as before and the success
   * recorded alone; an Error from the reader propagates after the success is recorded.
   */
  private long exitSampledSuccess(RecordingCell cell, long start, O result) {
    if (cell == null || tracker == null || prediction == null || !prediction.isScore()) {
      long latency = exitSuccess(cell, start);
      observeOutput(cell, result);
      return latency;
    }
    long latency;
    try {
      latency = latencySince(start);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record success", e);
      latency = -1;
    }
    double score;
    try {
      score = result == null ? Double.NaN : prediction.scoreReader().applyAsDouble(result);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not read the prediction", e);
      recordSuccessSafely(cell, latency);
      return latency;
    } catch (Error e) {
      recordSuccessSafely(cell, latency);
      throw e;
    }
    try {
      if (latency >= 0) {
        cell.recordSuccessAndScore(latency, score);
      } else {
        cell.observeScore(score);
      }
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record success", e);
    }
    return latency;
  }

  private void recordSuccessSafely(RecordingCell cell, long latency) {
    if (latency < 0) {
      return;
    }
    try {
      cell.recordSuccess(latency);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record success", e);
    }
  }

  /** Records a failure; returns its latency, or -1 when none was recorded. */
  private long exitError(RecordingCell cell, long start, Throwable error) {
    if (cell == null) {
      return -1;
    }
    long latency = latencySince(start);
    if (latency >= 0) {
      recordErrorSafely(cell, latency, error);
    }
    return latency;
  }

  private void recordErrorSafely(RecordingCell cell, long latency, Throwable error) {
    try {
      int slot = error == null ? errorTypes.otherSlot() : errorTypes.slotOf(error);
      cell.recordError(latency, slot);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record error", e);
    }
  }

  private void exitBatch(RecordingCell cell, long start, List<I> inputs, Throwable error) {
    if (cell == null) {
      return;
    }
    long latency = latencySince(start);
    if (latency < 0) {
      return;
    }
    if (error != null) {
      recordErrorSafely(cell, latency, error);
    } else {
      try {
        cell.recordSuccess(latency);
      } catch (RuntimeException e) {
        errors.record(Cause.INTERNAL, "could not record batch", e);
      }
    }
    int size;
    try {
      size = inputs == null ? 0 : inputs.size();
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not read the batch size", e);
      return;
    }
    recordBatchSize(size, latency);
  }

  private void recordBatchSize(int size, long latency) {
    try {
      int recorded = size;
      if (size > maxBatchSize) {
        errors.record(Cause.VALUE_OUT_OF_RANGE, "batch size {} above the configured maximum {}, "
            + "recorded as the maximum", size, maxBatchSize);
        recorded = maxBatchSize;
      }
      recordings.batch().record(recorded, latency);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not record batch size", e);
    }
  }

  private void completeAsync(long start, O value, Throwable failure) {
    RecordingCell cell = cellOrNull();
    try {
      if (failure == null) {
        long latency = exitSuccess(cell, start);
        maybeObserveOutput(cell, value);
        if (predictions != null && predictions.sampled(false)) {
          predictions.log(false, null, value, PredictionLogger.SUCCESS, null, latency);
        }
      } else if (!(ErrorTypes.unwrap(failure) instanceof Error)) {
        long latency = exitError(cell, start, failure);
        if (predictions != null && predictions.sampled(true)) {
          predictions.log(false, null, null, PredictionLogger.ERROR,
              ErrorTypes.unwrap(failure).getClass(), latency);
        }
      } // an Error is not an outcome, as on the synchronous path: only release the call
    } finally {
      release(cell);
    }
  }

  // ================================================================ read side

  @Override
  public ModelSnapshot snapshot() {
    synchronized (recordings.lock) {
      recordings.drain();
      return buildSnapshot(lastWindow, clock.instant());
    }
  }

  /**
   * Closes the current window at {@code nowTicks} and returns the snapshot that includes it.
   * Called by the registry's reporter.
   */
  ModelSnapshot closeWindow(long nowTicks) {
    synchronized (recordings.lock) {
      // read before any reset, so a failing clock loses no data
      java.time.Instant timestamp = clock.instant();
      recordings.drain();
      Aggregate w = recordings.window;
      long lengthNanos = Math.max(0, nowTicks - windowStartTicks);
      io.modelmonitor.feedback.QualitySummary[] quality = closeQuality();
      ClosedWindow closed;
      try {
        closed = new ClosedWindow(Duration.ofNanos(lengthNanos),
            w.outcomes(errorTypes), w.latencySummary(), w.batchSummary(), violations(w),
            drift(w), rolling(w), items == null
                ? io.modelmonitor.drift.RecommendationSummary.EMPTY : items.closeWindow(),
            quality[0], quality[1], w.stageSummaries(stageNames));
      } finally { // whatever happens, the next window starts clean
        w.reset();
        windowStartTicks = nowTicks;
      }
      lastWindow = closed;
      return buildSnapshot(closed, timestamp);
    }
  }

  /** Nanoseconds the current window has been open, by the registry's ticker. */
  long windowAgeNanos(long nowTicks) {
    synchronized (recordings.lock) {
      return nowTicks - windowStartTicks;
    }
  }

  private ModelSnapshot buildSnapshot(ClosedWindow window, java.time.Instant timestamp) {
    Aggregate t = recordings.total;
    long uptime = Math.max(0, now() - createdTicks);
    return new ModelSnapshot(name, version, timestamp, window.length(),
        Duration.ofNanos(uptime), window.outcomes(), t.outcomes(errorTypes), window.latency(),
        t.latencySummary(), window.batches(), t.batchSummary(), window.violations(),
        violations(t), window.drift(), window.rolling(), drift(t), window.recommendations(),
        window.quality(), window.rollingQuality(), totalQuality(),
        recordings.inFlight(), errors.total(), window.stages(), t.stageSummaries(stageNames),
        info);
  }

  private DriftReport drift(Aggregate a) {
    if (tracker == null) {
      return DriftReport.EMPTY;
    }
    try {
      return tracker.report(a.bins, a.moments);
    } catch (RuntimeException e) { // a report lost, never the window or the monitor
      errors.record(Cause.INTERNAL, "could not compute drift", e);
      return DriftReport.EMPTY;
    }
  }

  /** Pushes the closing window into the ring and reports over the ring. Holds the lock. */
  private DriftReport rolling(Aggregate window) {
    if (tracker == null) {
      return DriftReport.EMPTY;
    }
    try {
      return rolling0(window);
    } catch (RuntimeException e) {
      errors.record(Cause.INTERNAL, "could not compute rolling drift", e);
      return DriftReport.EMPTY;
    }
  }

  private DriftReport rolling0(Aggregate window) {
    int n = config.drift().rollingWindows();
    if (ringBins == null) {
      ringBins = new long[n][window.bins.length];
      ringMoments = new double[n][window.moments.length];
    }
    System.arraycopy(window.bins, 0, ringBins[ringNext], 0, window.bins.length);
    System.arraycopy(window.moments, 0, ringMoments[ringNext], 0, window.moments.length);
    ringNext = (ringNext + 1) % n;
    ringSize = Math.min(n, ringSize + 1);
    long[] bins = new long[window.bins.length];
    double[] moments = new double[window.moments.length];
    tracker.resetMoments(moments);
    for (int k = 0; k < ringSize; k++) {
      for (int i = 0; i < bins.length; i++) {
        bins[i] += ringBins[k][i];
      }
      tracker.mergeMoments(moments, ringMoments[k]);
    }
    return tracker.report(bins, moments);
  }

  Baseline baselineOrNull() {
    return baseline;
  }

  DriftTracker tracker() {
    return tracker;
  }

  boolean tracksItems() {
    return items != null;
  }

  /** The last closed window's recommendations. */
  io.modelmonitor.drift.RecommendationSummary lastRecommendations() {
    return lastWindow.recommendations();
  }

  /** The last closed window's score summary, or EMPTY. */
  io.modelmonitor.drift.ScoreSummary lastScores() {
    io.modelmonitor.drift.ScoreSummary s = lastWindow.drift().scores();
    return s == null ? io.modelmonitor.drift.ScoreSummary.EMPTY : s;
  }

  /** The last closed window's skew verdict ordinal of {@code feature}, 0 when none. */
  double lastSkew(String feature) {
    for (io.modelmonitor.drift.FeatureSkew k : lastWindow.drift().skew()) {
      if (k.feature().equals(feature)) {
        return k.verdict().ordinal();
      }
    }
    return 0;
  }

  /** The last closed window's drift of {@code feature} ({@code _prediction} included). */
  io.modelmonitor.drift.FeatureDrift lastDrift(String feature) {
    DriftReport r = lastWindow.drift();
    if (DriftTracker.PREDICTION.equals(feature)) {
      return r.prediction();
    }
    return r.feature(feature).orElse(null);
  }

  /** "score", "label" or "none": what the prediction spec reads, for equality checks. */
  String predictionKind() {
    return prediction == null ? "none" : prediction.kind();
  }

  private ViolationSummary violations(Aggregate a) {
    if (schema == null) {
      return ViolationSummary.EMPTY;
    }
    Map<String, Map<ViolationKind, Long>> byFeature = new LinkedHashMap<>();
    int slots = schema.features().size() + 2;
    for (int slot = 0; slot < slots; slot++) {
      EnumMap<ViolationKind, Long> kinds = null;
      for (int k = 0; k < KINDS.length; k++) {
        long c = a.violations[slot * KINDS.length + k];
        if (c > 0) {
          if (kinds == null) {
            kinds = new EnumMap<>(ViolationKind.class);
          }
          kinds.put(KINDS[k], c);
        }
      }
      if (kinds != null) {
        byFeature.put(schema.nameOf(slot), kinds);
      }
    }
    return new ViolationSummary(a.invalidInputs, byFeature);
  }

  /** Index of a violation counter in {@link Aggregate#violations}. */
  static int violationCell(int slot, ViolationKind kind) {
    return slot * KINDS.length + kind.ordinal();
  }

  FeatureSchema<? super I> schemaOrNull() {
    return schema;
  }

  // ---- accessors for exporters (read the live totals; each drains first) ----

  ErrorTypes errorTypes() {
    return errorTypes;
  }

  MonitorErrors errors() {
    return errors;
  }

  Recordings recordings() {
    return recordings;
  }

  ClosedWindow lastWindow() {
    return lastWindow;
  }

  long inFlight() {
    return recordings.inFlight();
  }

  /** Reads one value of the since-start aggregate after draining. */
  long readTotal(java.util.function.ToLongFunction<Aggregate> reader) {
    synchronized (recordings.lock) {
      recordings.drain();
      return reader.applyAsLong(recordings.total);
    }
  }

  /**
   * Fills {@code cumulative[i]} with the number of calls whose latency is at most
   * {@code boundsNanos[i]}, plus one last entry for all calls, and returns the exact latency sum.
   * A value counts as within a bound when the lowest value of its histogram bucket is, so the
   * counts are exact up to the histogram's precision.
   */
  long exportLatencyBuckets(long[] boundsNanos, long[] cumulative) {
    synchronized (recordings.lock) {
      recordings.drain();
      org.HdrHistogram.Histogram h = recordings.total.latency;
      java.util.Arrays.fill(cumulative, 0);
      for (org.HdrHistogram.HistogramIterationValue v : h.recordedValues()) {
        long low = h.lowestEquivalentValue(v.getValueIteratedTo());
        long count = v.getCountAddedInThisIterationStep();
        int i = 0;
        while (i < boundsNanos.length && low > boundsNanos[i]) {
          i++;
        }
        for (int j = i; j < boundsNanos.length; j++) {
          cumulative[j] += count;
        }
      }
      cumulative[boundsNanos.length] = h.getTotalCount();
      return recordings.total.latencySumNanos;
    }
  }

  @Override
  public String toString() {
    return "ModelMonitor{" + name + ':' + version + '}';
  }

  /** Whether the monitor reads request ids from its inputs itself (not API). */
  public boolean readsRequestIds() {
    return requestIds != null;
  }

  /** Whether {@link #remember} keeps predictions: a score or ranked spec (not API). */
  public boolean remembersPredictions() {
    return joiner != null;
  }

  /** Sets the model's static facts; only before the monitor is bound and published. */
  void info(io.modelmonitor.ModelInfo info) {
    this.info = info;
  }

  io.modelmonitor.ModelInfo info() {
    return info;
  }
}
