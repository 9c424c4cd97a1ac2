package io.modelmonitor.benchmarks;

import ai.onnxruntime.OrtException;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.benchmarks.Workload.Prediction;
import io.modelmonitor.benchmarks.Workload.Request;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Group;
import org.openjdk.jmh.annotations.GroupThreads;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The suite of issue 11: the cost of monitoring one call of a tiny model, for ModelMonitor and
 * its peers, in one run with one state setup.
 *
 * <p>Every row except the two ONNX rows calls the same model ({@link Workload#score}) on the
 * same pre-generated value stream ({@link Stream}: one copy per thread, the same seed, cycled by
 * an index), and returns what it computed so JMH consumes it. Their instruments live in
 * {@link Instruments}, which is shared by all threads of a run ({@code Scope.Benchmark}): run
 * with {@code -t 2} and two threads record into the same monitor, timer or histogram, and even
 * the baselines set it up so every fork has the same state. The ONNX rows ({@link #onnxPlain},
 * {@link #onnxMonitored}) do not use {@code Instruments} or {@code Stream}: their state is
 * {@link OnnxModels} ({@code Scope.Thread}: per thread its own sessions, its own
 * {@code MonitorRegistry} and its own rows of the CTR model's three inputs), so they are compared
 * with each other only. {@code benchmarks/run.sh} runs the suite with one thread and the
 * contention rows again with {@code -t 2}, always with {@code -prof gc}. The annotations below
 * are the full tier's settings; the script passes them explicitly.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 8, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 3, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class OverheadBenchmark {

  /**
   * One thread's copy of the value stream, plus the request ids of the feedback row. JMH pads
   * thread-scoped state objects against false sharing.
   */
  @State(Scope.Thread)
  public static class Stream {
    /** Request ids per thread: more than the default {@code maxPending} (100,000). */
    static final int IDS = 1 << 17;
    private static final AtomicInteger THREADS = new AtomicInteger();

    Request[] requests;
    int next;
    Long[] ids;
    int nextId;

    /**
     * Generates this thread's stream (always the same values) and its request ids (distinct
     * across threads).
     */
    @Setup
    public void generate() {
      requests = Workload.stream(Workload.STREAM, Workload.SEED);
      ids = new Long[IDS];
      long base = (long) THREADS.getAndIncrement() * IDS;
      for (int i = 0; i < IDS; i++) {
        ids[i] = base + i;
      }
    }

    /** The next request of the stream. */
    Request next() {
      return requests[next++ & (Workload.STREAM - 1)];
    }

    /** The next request, carrying the next request id. */
    Request nextWithId() {
      Request r = next();
      r.id = ids[nextId++ & (IDS - 1)];
      return r;
    }
  }

  /** The interface the annotated-proxy row calls, as a service would annotate it. */
  public interface Scorer {
    /**
     * Scores one request.
     *
     * @param request the request
     * @return the prediction
     */
    @Monitored(model = "latency")
    Prediction score(Request request);
  }

  // ------------------------------------------------------------------------------ baselines

  /**
   * The bare model call. It takes the instruments it does not use, so its fork has the same
   * state setup as every other row (heap contents, reporter and reader threads).
   *
   * @param s the stream
   * @param m the instruments (unused)
   * @return the prediction
   */
  @Benchmark
  public Prediction bare(Stream s, Instruments m) {
    return Workload.score(s.next());
  }

  /**
   * The physical floor of timing a call: two {@code System.nanoTime()} reads around it.
   *
   * @param s the stream
   * @param m the instruments (unused, as for {@link #bare})
   * @return the score plus the elapsed time, so neither read can be dropped
   */
  @Benchmark
  public double nanoTimePair(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    return p.score + (System.nanoTime() - t0);
  }

  // ---------------------------------------------------------------------------------- peers

  /**
   * Micrometer {@code Timer} (no histogram) on a {@code PrometheusMeterRegistry}.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction micrometerTimer(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return p;
  }

  /**
   * Micrometer {@code Timer} with {@code publishPercentileHistogram()}.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction micrometerTimerHistogram(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.timerHistogram.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return p;
  }

  /**
   * Dropwizard Metrics {@code Timer} with its default (exponentially decaying) reservoir.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction dropwizardTimer(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.dropwizardTimer.update(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    return p;
  }

  /**
   * Prometheus client_java 1.x {@code Histogram} (defaults: classic and native buckets).
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction prometheusHistogram(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.prometheusHistogram.observe((System.nanoTime() - t0) / 1e9);
    return p;
  }

  /**
   * OpenTelemetry SDK {@code DoubleHistogram} (default buckets, a periodic reader).
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction otelHistogram(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.otelHistogram.record((System.nanoTime() - t0) / 1e9);
    return p;
  }

  // ---------------------------------------------------------------------------- naive peers

  /**
   * What a user would write with Micrometer for the work of {@link #oursFull}: a timer, one
   * {@code DistributionSummary} per feature and one for the score, bucketed at the baseline's
   * bin edges.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction naiveMicrometer(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.timer.record(System.nanoTime() - t0, TimeUnit.NANOSECONDS);
    float[] x = r.x;
    for (int i = 0; i < Workload.FEATURES; i++) {
      m.featureSummaries[i].record(x[i]);
    }
    m.scoreSummary.record(p.score);
    return p;
  }

  /**
   * The same with Prometheus client_java: a latency histogram, one classic histogram per feature
   * and one for the score, at the baseline's bin edges (data points bound once).
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction naivePrometheus(Stream s, Instruments m) {
    Request r = s.next();
    long t0 = System.nanoTime();
    Prediction p = Workload.score(r);
    m.prometheusHistogram.observe((System.nanoTime() - t0) / 1e9);
    float[] x = r.x;
    for (int i = 0; i < Workload.FEATURES; i++) {
      m.featureHistograms[i].observe(x[i]);
    }
    m.scoreHistogram.observe(p.score);
    return p;
  }

  // ------------------------------------------------------------------------------------ ours

  /**
   * ModelMonitor, latency only: {@code decorateFunction} of a monitor without schema (latency
   * histogram, outcomes, in-flight).
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction oursLatency(Stream s, Instruments m) {
    return m.latencyOnly.apply(s.next());
  }

  /**
   * ModelMonitor, full monitoring at defaults: schema check of 20 numeric features, drift
   * counts of every feature against the baseline (every call sampled, the default rate),
   * prediction distribution, latency and outcomes.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction oursFull(Stream s, Instruments m) {
    return m.full.apply(s.next());
  }

  /**
   * Full monitoring plus the request id read from every request and its prediction remembered
   * for the delayed-feedback join (the one per-call allocation a monitor with feedback accepts).
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction oursFullRequestId(Stream s, Instruments m) {
    return m.fullWithIds.apply(s.nextWithId());
  }

  /**
   * Full monitoring with drift sampled at 10% ({@code DriftPolicy.withSampleRate(0.1)}): every
   * call is still schema-checked, timed and counted; every tenth call of a thread also counts
   * its features and score in the baseline's bins.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction oursFullSampled(Stream s, Instruments m) {
    return m.fullSampled.apply(s.next());
  }

  /**
   * The {@code @Monitored} JDK proxy over the latency-only monitor; compare with
   * {@link #oursLatency}.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  public Prediction oursProxy(Stream s, Instruments m) {
    return m.proxy.score(s.next());
  }

  // ------------------------------------------------------------------------------------ ONNX

  /**
   * A plain {@code OrtSession} scoring one row of the tiny CTR model (3 inputs).
   *
   * @param o the ONNX state
   * @return the score
   * @throws OrtException if ONNX Runtime fails
   */
  @Benchmark
  public double onnxPlain(OnnxModels o) throws OrtException {
    return o.plain(o.nextRow());
  }

  /**
   * The same row through {@code MonitoredOnnxSession.score} (schema derived from the model,
   * score distribution, latency, outcomes).
   *
   * @param o the ONNX state
   * @return the score
   * @throws OrtException if ONNX Runtime fails
   */
  @Benchmark
  public double onnxMonitored(OnnxModels o) throws OrtException {
    return o.monitored.score(o.nextRow());
  }

  // ---------------------------------------------------------------- writer + snapshot reader

  /**
   * A writer calling the fully monitored model while {@link #snapshotReader} runs.
   *
   * @param s the stream
   * @param m the instruments
   * @return the prediction
   */
  @Benchmark
  @Group("writerWithReader")
  @GroupThreads(1)
  public Prediction writer(Stream s, Instruments m) {
    return m.full.apply(s.next());
  }

  /**
   * A reader taking {@code snapshot()} of the same monitor back to back (each one drains every
   * cell: swap, phaser flip, merge), far more often than a reporter or a scrape would.
   *
   * @param m the instruments
   * @return the snapshot
   */
  @Benchmark
  @Group("writerWithReader")
  @GroupThreads(1)
  public ModelSnapshot snapshotReader(Instruments m) {
    return m.fullMonitor.snapshot();
  }
}
