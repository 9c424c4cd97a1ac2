package io.modelmonitor;

import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaViolationException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Monitors one model (name + version): wraps its invocations and records latency, outcomes,
 * in-flight calls and batch sizes.
 *
 * <p>Obtain one from {@link MonitorRegistry#monitor(String, String)}. Then either decorate the
 * predict call once and use the decorated function everywhere ({@code decorateX}, returns the
 * same functional type it was given), run a single call through the monitor ({@code executeX}),
 * or, for code that cannot be wrapped, record by hand ({@link #start()}, {@link #record(long)}).
 *
 * <p>Guarantees, for every method:
 * <ul>
 *   <li>The wrapped call sees exactly the input it would have seen, and the caller sees exactly
 *       its result or its exception, the same instance, unwrapped. {@link Error}s pass through
 *       untouched and are not counted as outcomes.
 *   <li>Monitoring never throws into the call: an invalid sample or an internal failure is
 *       counted in {@link ModelSnapshot#monitorErrors()} ({@code model.monitor.errors}) and
 *       logged once at WARN, then at DEBUG.
 *   <li>Thread-safe and lock-free. Recording a synchronous call allocates nothing once the
 *       calling thread has made its first call.
 * </ul>
 *
 * <p>What a call records: its latency (success and error alike, measured with the registry's
 * {@link Ticker}; the model call only, not the schema check) and its outcome. A batch call counts
 * as one call and additionally records its size and its latency per item. A rejected call
 * records only the rejection.
 *
 * <p>With a {@link FeatureSchema}, every input of a function, checked-function and batch call is
 * checked before the model runs and its violations are counted per feature and kind. Under
 * {@link io.modelmonitor.schema.SchemaPolicy#REJECT} an invalid input is not passed to the model:
 * the call throws {@link SchemaViolationException} (for a batch: if any item is invalid) and
 * counts as rejected. Suppliers and completion stages have no input to check.
 *
 * @param <I> the model's input type
 * @param <O> the model's output type
 */
public interface ModelMonitor<I, O> {

  /**
   * Returns the model name, the {@code model} tag of every exported meter.
   *
   * @return the name
   */
  String name();

  /**
   * Returns the model version, the {@code version} tag of every exported meter.
   *
   * @return the version
   */
  String version();

  /**
   * Returns the policy this monitor was built with.
   *
   * @return the configuration
   */
  MonitorConfig config();

  /**
   * Returns the feature schema inputs are checked against.
   *
   * @return the schema, or empty when inputs are not checked
   */
  Optional<FeatureSchema<? super I>> schema();

  // ---------------------------------------------------------------- stages

  /**
   * Returns the time source this monitor measures latency with (the registry's). Time the
   * stages of a call with it, so that they compare with the call's latency.
   *
   * @return the ticker
   */
  default Ticker ticker() {
    return Ticker.system();
  }

  /**
   * Returns the stages declared with {@code MonitorBuilder.stages(...)}, in order: the index of
   * a name here is its index for {@link #recordStage(int, long)}.
   *
   * @return an unmodifiable list; empty when no stage was declared
   */
  default List<String> stages() {
    return List.of();
  }

  /**
   * Records how long one stage of a call took, such as input conversion or inference. Call it
   * from inside the monitored call (the call's latency then includes the stage), once per stage
   * and call. Lock-free and allocation-free. An unknown index or a negative duration is counted
   * as an invalid sample ({@code model.monitor.errors}) and ignored; a duration above the
   * latency range is recorded as the highest. Never throws.
   *
   * @param stage the stage's index in {@link #stages()}
   * @param nanos the stage's duration in nanoseconds, measured with {@link #ticker()}
   */
  default void recordStage(int stage, long nanos) {
    // monitors without stages have nothing to record into
  }

  // ---------------------------------------------------------------- decorate

  /**
   * Returns a function that calls {@code function} and records the call.
   *
   * @param function the model call; not null
   * @return the monitored function
   * @throws NullPointerException if {@code function} is null
   */
  Function<I, O> decorateFunction(Function<I, O> function);

  /**
   * Returns a supplier that calls {@code supplier} and records the call.
   *
   * @param supplier the model call; not null
   * @return the monitored supplier
   * @throws NullPointerException if {@code supplier} is null
   */
  Supplier<O> decorateSupplier(Supplier<O> supplier);

  /**
   * Returns a function that calls {@code function}, records the call and rethrows its checked
   * exception unchanged (for example ONNX Runtime's {@code OrtException}).
   *
   * @param function the model call; not null
   * @param <E> the checked exception type
   * @return the monitored function, throwing the same exception type
   * @throws NullPointerException if {@code function} is null
   */
  <E extends Exception> CheckedFunction<I, O, E> decorateCheckedFunction(
      CheckedFunction<I, O, E> function);

  /**
   * Returns a supplier that calls {@code supplier}, records the call and rethrows its checked
   * exception unchanged.
   *
   * @param supplier the model call; not null
   * @param <E> the checked exception type
   * @return the monitored supplier, throwing the same exception type
   * @throws NullPointerException if {@code supplier} is null
   */
  <E extends Exception> CheckedSupplier<O, E> decorateCheckedSupplier(
      CheckedSupplier<O, E> supplier);

  /**
   * Returns a supplier whose stages are timed to completion: latency runs from the call of
   * {@code supplier} until the stage completes, and a stage that completes exceptionally counts
   * as an error of the type of its cause. The caller receives the very stage {@code supplier}
   * returned. If {@code supplier} itself throws, the call counts as an error and the exception
   * propagates.
   *
   * @param supplier starts the asynchronous model call; not null
   * @return the monitored supplier
   * @throws NullPointerException if {@code supplier} is null
   */
  Supplier<CompletionStage<O>> decorateCompletionStage(
      Supplier<? extends CompletionStage<O>> supplier);

  /**
   * Returns a function that calls {@code function} with a batch of inputs and records one call,
   * the batch size and the latency per item.
   *
   * @param function the batch model call; not null
   * @return the monitored batch function
   * @throws NullPointerException if {@code function} is null
   */
  Function<List<I>, List<O>> decorateBatchFunction(Function<List<I>, List<O>> function);

  // ---------------------------------------------------------------- execute

  /**
   * Calls {@code function} once with {@code input} and records the call.
   *
   * @param function the model call; not null
   * @param input the input, passed through unchanged
   * @return what {@code function} returned
   * @throws SchemaViolationException under the REJECT policy, if {@code input} is invalid
   */
  O executeFunction(Function<I, O> function, I input);

  /**
   * Calls {@code supplier} once and records the call.
   *
   * @param supplier the model call; not null
   * @return what {@code supplier} returned
   */
  O executeSupplier(Supplier<O> supplier);

  /**
   * Calls {@code function} once with {@code input}, records the call and rethrows its checked
   * exception unchanged.
   *
   * @param function the model call; not null
   * @param input the input, passed through unchanged
   * @param <E> the checked exception type
   * @return what {@code function} returned
   * @throws E when {@code function} throws it
   */
  <E extends Exception> O executeCheckedFunction(CheckedFunction<I, O, E> function, I input)
      throws E;

  /**
   * Calls {@code supplier} once, records the call and rethrows its checked exception unchanged.
   *
   * @param supplier the model call; not null
   * @param <E> the checked exception type
   * @return what {@code supplier} returned
   * @throws E when {@code supplier} throws it
   */
  <E extends Exception> O executeCheckedSupplier(CheckedSupplier<O, E> supplier) throws E;

  /**
   * Starts an asynchronous call and times it to completion, as
   * {@link #decorateCompletionStage(Supplier)} does.
   *
   * @param supplier starts the asynchronous model call; not null
   * @return the very stage {@code supplier} returned
   */
  CompletionStage<O> executeCompletionStage(Supplier<? extends CompletionStage<O>> supplier);

  /**
   * Calls {@code function} once with a batch of inputs and records one call, the batch size and
   * the latency per item.
   *
   * @param function the batch model call; not null
   * @param inputs the batch, passed through unchanged; its {@code size()} is the batch size
   * @return what {@code function} returned
   */
  List<O> executeBatch(Function<List<I>, List<O>> function, List<I> inputs);

  // ---------------------------------------------------------------- record by hand

  /**
   * Marks the start of a call that will be finished with {@link #succeeded(long)} or
   * {@link #failed(long, Throwable)}, possibly on another thread; the call counts as in flight
   * until then.
   *
   * @return the start time to pass to {@code succeeded} or {@code failed}
   */
  long start();

  /**
   * Finishes a call started with {@link #start()} as a success.
   *
   * @param startTicks the value {@link #start()} returned
   */
  void succeeded(long startTicks);

  /**
   * Finishes a call started with {@link #start()} as an error.
   *
   * @param startTicks the value {@link #start()} returned
   * @param error what the call threw; null counts as type {@code other}
   */
  void failed(long startTicks, Throwable error);

  /**
   * Records a successful call whose latency was measured elsewhere. A negative latency is
   * counted as an invalid sample and ignored.
   *
   * @param latencyNanos the latency in nanoseconds
   */
  void record(long latencyNanos);

  /**
   * Records a successful call whose latency was measured elsewhere.
   *
   * @param latency the latency; null or negative is counted as an invalid sample and ignored
   */
  void record(Duration latency);

  /**
   * Records a failed call whose latency was measured elsewhere. A negative latency is counted as
   * an invalid sample and ignored.
   *
   * @param latencyNanos the latency in nanoseconds
   * @param error what the call threw; null counts as type {@code other}
   */
  void recordFailure(long latencyNanos, Throwable error);

  /**
   * Checks {@code input} against the schema and counts its violations, for code that calls the
   * model without a decorator. Under {@link io.modelmonitor.schema.SchemaPolicy#LOG} it logs;
   * it never throws, whatever the policy: the caller decides what to do with the result.
   * Without a schema it does nothing.
   *
   * @param input the input, possibly null
   * @return the number of violations, 0 for a valid input or without a schema
   */
  int checkInput(I input);

  // ---------------------------------------------------------------- delayed feedback

  /**
   * Remembers a prediction so delayed feedback can be joined to it, for code that does not
   * give the monitor a request-id extractor ({@code MonitorBuilder.requestId}). Needs a score or
   * ranked {@code PredictionSpec}; otherwise does nothing. A null id is ignored.
   *
   * @param requestId the id feedback will carry
   * @param output the model's output for that request
   */
  void remember(Object requestId, O output);

  /**
   * Joins a label to the prediction made for {@code requestId} (a scalar model: click or not,
   * bought or not). Feedback for an unknown, expired or already labelled id is counted by kind
   * and otherwise ignored; never throws.
   *
   * @param requestId the request id
   * @param positive whether the outcome was positive
   */
  void feedback(Object requestId, boolean positive);

  /**
   * Joins an event on one recommended item to the ranked list made for {@code requestId} (for a
   * scalar model the event becomes its label: positive from the policy's positive event on).
   * Never throws.
   *
   * @param requestId the request id
   * @param itemId the item the event concerns
   * @param event what the user did
   */
  void feedback(Object requestId, Object itemId, io.modelmonitor.feedback.Event event);

  /** Records a call that was refused before the model ran. */
  void recordRejected();

  /**
   * Records a successful batch call measured elsewhere. A negative latency or size is counted as
   * an invalid sample and ignored.
   *
   * @param latencyNanos the latency of the whole batch call in nanoseconds
   * @param size the number of items in the batch
   */
  void recordBatch(long latencyNanos, int size);

  // ---------------------------------------------------------------- read

  /**
   * Returns an immutable snapshot: the last closed window, and everything since start up to
   * now. Cheap enough for a dashboard refresh, not meant for the hot path.
   *
   * @return the snapshot
   */
  ModelSnapshot snapshot();
}
