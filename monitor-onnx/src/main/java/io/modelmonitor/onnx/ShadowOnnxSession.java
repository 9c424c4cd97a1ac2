package io.modelmonitor.onnx;

import ai.onnxruntime.OrtException;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.modelmonitor.MetricNames;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftStatistic;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs two versions of a model side by side: every row goes to the champion, whose result the
 * caller gets unchanged, and then to the challenger (or canary), whose scores are only compared.
 *
 * <pre>{@code
 * try (MonitoredOnnxSession v3 = MonitoredOnnxSession.open(registry, "ctr", "v3", v3File);
 *     MonitoredOnnxSession v4 = MonitoredOnnxSession.open(registry, "ctr-shadow", "v4", v4File);
 *     ShadowOnnxSession ctr = ShadowOnnxSession.builder(v3, v4).tolerance(0.02).build()) {
 *   double p = ctr.score(row);          // v3's score; v4 runs on the shadow thread
 *   ShadowReport r = ctr.report();      // disagreement and drift of v4 against v3
 * }
 * }</pre>
 *
 * <p>Each session keeps its own monitor (give the challenger its own model name, as a registry
 * monitors one version per name). By default the challenger runs on one daemon thread fed by a
 * bounded queue: the caller pays only for enqueuing, a full queue drops the challenger call
 * (counted), and the challenger's exceptions are counted and logged once, never seen by the
 * caller. {@link Builder#synchronous()} runs the challenger on the calling thread right after the
 * champion instead (still never throwing), so tests are deterministic. In the default mode rows
 * are read by the challenger after the call returns: do not modify them afterwards.
 *
 * <p>The comparison keeps totals since start and the last {@link Builder#window(int)} score
 * pairs: memory is fixed by configuration. {@link #report()} computes the drift of the
 * challenger's scores against a baseline frozen from the champion's scores of the same rows,
 * with the statistics of a monitor window ({@link io.modelmonitor.drift.Baseline#predictionDrift}).
 * With a meter registry the report is exported as {@link MetricNames#SHADOW_DISAGREEMENT},
 * {@link MetricNames#SHADOW_DRIFT}, {@link MetricNames#SHADOW_CALLS} and
 * {@link MetricNames#SHADOW_ROWS}, tagged with the champion's model and version and the
 * challenger.
 *
 * <p>Thread-safe. {@link #close()} lets queued challenger calls finish (up to 5 seconds, then
 * drops the rest), waits for the one running, stops the thread and removes the meters; it
 * closes neither session. The meters share one report, recomputed at most once a second while
 * rows arrive.
 */
public final class ShadowOnnxSession implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShadowOnnxSession.class);

  /** How long the meters share one report while rows arrive: one computation per scrape. */
  static final long GAUGE_MAX_AGE_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** How long close() lets queued challenger calls run before dropping them. */
  private static final long DRAIN_SECONDS = 5;

  private final MonitoredOnnxSession champion;
  private final MonitoredOnnxSession challenger;
  private final ShadowComparison comparison;
  private final ThreadPoolExecutor executor;
  private final MeterRegistry meterRegistry;
  private final List<Meter> meters = new ArrayList<>();
  private final AtomicBoolean warned = new AtomicBoolean();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ShadowOnnxSession(Builder b) {
    this.champion = b.champion;
    this.challenger = b.challenger;
    this.comparison = new ShadowComparison(id(champion.monitor()), id(challenger.monitor()),
        b.tolerance, b.window, b.topK, b.drift, b.nanoClock, GAUGE_MAX_AGE_NANOS);
    this.executor = b.synchronous ? null : new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS,
        new ArrayBlockingQueue<>(b.queueCapacity), r -> {
          Thread t = new Thread(r, "modelmonitor-shadow-" + id(challenger.monitor()));
          t.setDaemon(true);
          return t;
        }, new ThreadPoolExecutor.AbortPolicy());
    this.meterRegistry = b.meterRegistry;
    if (meterRegistry != null) {
      bindMeters();
    }
  }

  private static String id(ModelMonitor<?, ?> m) {
    return m.name() + ':' + m.version();
  }

  /**
   * Starts configuring a comparison of {@code challenger} against {@code champion}.
   *
   * @param champion the session whose results callers get; not null
   * @param challenger the session only compared; not null, not the champion
   * @return a builder
   * @throws IllegalArgumentException if both are the same session
   */
  public static Builder builder(MonitoredOnnxSession champion,
      MonitoredOnnxSession challenger) {
    return new Builder(champion, challenger);
  }

  /**
   * Scores one row with the champion and returns its score; the challenger scores it too.
   *
   * @param row as for {@link MonitoredOnnxSession#score(Map)}
   * @return the champion's score, exactly as {@code champion.score(row)} returns it
   * @throws OrtException as the champion throws it (the challenger never throws here)
   */
  public double score(Map<String, ?> row) throws OrtException {
    double score = champion.score(row);
    double[] championScores = {score};
    shadow(championScores, () -> new double[] {challenger.score(row)});
    return score;
  }

  /**
   * Scores rows with the champion and returns its scores; the challenger scores them too, and
   * for two rows or more their top-k rows are compared.
   *
   * @param rows as for {@link MonitoredOnnxSession#scoreBatch(List)}
   * @return the champion's scores, exactly as {@code champion.scoreBatch(rows)} returns them
   * @throws OrtException as the champion throws it (the challenger never throws here)
   */
  public double[] scoreBatch(List<? extends Map<String, ?>> rows) throws OrtException {
    double[] scores = champion.scoreBatch(rows);
    if (scores.length == 0) {
      return scores;
    }
    double[] championScores = scores.clone();
    List<? extends Map<String, ?>> copy = List.copyOf(rows);
    shadow(championScores, () -> challenger.scoreBatch(copy));
    return scores;
  }

  /** What the challenger does with the rows; may throw anything. */
  private interface ChallengerCall {
    double[] run() throws Exception;
  }

  private void shadow(double[] championScores, ChallengerCall call) {
    if (closed.get()) {
      comparison.dropped();
      return;
    }
    if (executor == null) {
      compare(championScores, call);
      return;
    }
    try {
      executor.execute(() -> compare(championScores, call));
    } catch (RejectedExecutionException full) { // queue full, or closed
      comparison.dropped();
    }
  }

  private void compare(double[] championScores, ChallengerCall call) {
    try {
      comparison.compare(championScores, call.run());
    } catch (Exception e) {
      comparison.failed();
      if (warned.compareAndSet(false, true)) {
        LOG.warn("challenger {} failed; its failures are counted and logged at DEBUG from now",
            id(challenger.monitor()), e);
      } else {
        LOG.debug("challenger failed", e);
      }
    }
  }

  /**
   * Returns the comparison so far; computed on the calling thread, cached until more rows are
   * compared.
   *
   * @return the report
   */
  public ShadowReport report() {
    return comparison.report();
  }

  /** The comparison behind the report and the meters; for tests. */
  ShadowComparison comparison() {
    return comparison;
  }

  /**
   * Returns the champion.
   *
   * @return the session whose results callers get
   */
  public MonitoredOnnxSession champion() {
    return champion;
  }

  /**
   * Returns the challenger.
   *
   * @return the session only compared
   */
  public MonitoredOnnxSession challenger() {
    return challenger;
  }

  /**
   * Stops the challenger and removes the meters. In the default mode queued challenger calls
   * may finish for up to 5 seconds; those still queued then are dropped (counted), and close
   * waits for the challenger call running on the shadow thread, however long it takes, so that
   * the challenger session can be closed right after (it waits for its own calls too). In
   * synchronous mode there is no queue: close returns at once, and a challenger call already
   * running on a caller's thread finishes there. Later calls still score with the champion;
   * their challenger calls are dropped (counted), in both modes. Idempotent; closes neither
   * session.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (executor != null) {
      drain();
    }
    for (Meter m : meters) {
      meterRegistry.remove(m);
    }
    meters.clear();
  }

  private void drain() {
    executor.shutdown();
    boolean interrupted = false;
    try {
      if (!executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS)) {
        List<Runnable> queued = executor.shutdownNow(); // interrupts; native code ignores it
        for (int i = 0; i < queued.size(); i++) {
          comparison.dropped();
        }
        LOG.warn("challenger {}: {} queued calls dropped at close; waiting for the running one",
            id(challenger.monitor()), queued.size());
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    while (!executor.isTerminated()) { // the running call: never return while it runs
      try {
        executor.awaitTermination(DRAIN_SECONDS, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void bindMeters() {
    ModelMonitor<?, ?> m = champion.monitor();
    Tags tags = Tags.empty();
    for (Map.Entry<String, String> common : champion.registry().commonTags().entrySet()) {
      tags = tags.and(common.getKey(), common.getValue()); // as on the registry's own meters
    }
    tags = tags.and(MetricNames.TAG_MODEL, m.name(), MetricNames.TAG_VERSION, m.version(),
        MetricNames.TAG_CHALLENGER, id(challenger.monitor()));
    gauge(MetricNames.SHADOW_DISAGREEMENT, tags, "mean_abs_diff", ShadowReport::meanAbsDiff,
        "How the challenger's scores differ from the champion's on the same rows");
    gauge(MetricNames.SHADOW_DISAGREEMENT, tags, "exceed_share", ShadowReport::exceedShare,
        "How the challenger's scores differ from the champion's on the same rows");
    gauge(MetricNames.SHADOW_DISAGREEMENT, tags, "top_k_overlap", ShadowReport::topKOverlap,
        "How the challenger's scores differ from the champion's on the same rows");
    gauge(MetricNames.SHADOW_DISAGREEMENT, tags, "nan_share",
        r -> r.comparedRows() == 0 ? 0 : (double) r.nanRows() / r.comparedRows(),
        "How the challenger's scores differ from the champion's on the same rows");
    for (DriftStatistic s : List.of(DriftStatistic.PSI, DriftStatistic.JENSEN_SHANNON,
        DriftStatistic.KS, DriftStatistic.WASSERSTEIN)) {
      gauge(MetricNames.SHADOW_DRIFT, tags, s.tag(), r -> r.drift().value(s),
          "Drift of the challenger's scores against the champion's over the rows kept");
    }
    counter(tags, "compared", ShadowComparison::calls);
    counter(tags, "dropped", ShadowComparison::dropped0);
    counter(tags, "failed", ShadowComparison::failed0);
    meters.add(FunctionCounter.builder(MetricNames.SHADOW_ROWS, comparison,
            c -> c.rows())
        .description("Rows scored by both champion and challenger").tags(tags)
        .register(meterRegistry));
  }

  private void gauge(String name, Tags tags, String statistic, ToDoubleFunction<ShadowReport> f,
      String description) {
    meters.add(Gauge.builder(name, comparison, c -> f.applyAsDouble(c.gaugeReport()))
        .description(description).tags(tags).tag(MetricNames.TAG_STATISTIC, statistic)
        .strongReference(true).register(meterRegistry));
  }

  private void counter(Tags tags, String outcome, ToDoubleFunction<ShadowComparison> f) {
    meters.add(FunctionCounter.builder(MetricNames.SHADOW_CALLS, comparison, f)
        .description("Challenger calls by what happened to them").tags(tags)
        .tag(MetricNames.TAG_OUTCOME, outcome).register(meterRegistry));
  }

  /** Configures a {@link ShadowOnnxSession}. Not thread-safe; each setter validates at once. */
  public static final class Builder {

    private final MonitoredOnnxSession champion;
    private final MonitoredOnnxSession challenger;
    private double tolerance = 0.05;
    private int window = 10_000;
    private int queueCapacity = 1_000;
    private int topK = 10;
    private boolean synchronous;
    private DriftPolicy drift = DriftPolicy.DEFAULTS;
    private MeterRegistry meterRegistry;
    private java.util.function.LongSupplier nanoClock = System::nanoTime;

    private Builder(MonitoredOnnxSession champion, MonitoredOnnxSession challenger) {
      this.champion = Objects.requireNonNull(champion, "champion");
      this.challenger = Objects.requireNonNull(challenger, "challenger");
      if (champion == challenger) {
        throw new IllegalArgumentException("champion and challenger are the same session");
      }
    }

    /**
     * Sets the score difference beyond which a row counts as disagreeing.
     *
     * @param tolerance 0 or more, finite; default 0.05
     * @return this builder
     * @throws IllegalArgumentException if negative or not finite
     */
    public Builder tolerance(double tolerance) {
      if (!(tolerance >= 0) || Double.isInfinite(tolerance)) {
        throw new IllegalArgumentException("tolerance must be finite and >= 0: " + tolerance);
      }
      this.tolerance = tolerance;
      return this;
    }

    /**
     * Sets how many of the last compared rows are kept for the distribution comparison (two
     * doubles each).
     *
     * @param rows 10 to 10,000,000; default 10,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder window(int rows) {
      if (rows < 10 || rows > 10_000_000) {
        throw new IllegalArgumentException("window must be 10..10000000 rows: " + rows);
      }
      this.window = rows;
      return this;
    }

    /**
     * Sets how many challenger calls may wait for the shadow thread; beyond it they are
     * dropped (counted).
     *
     * @param calls 1 to 1,000,000; default 1,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder queueCapacity(int calls) {
      if (calls < 1 || calls > 1_000_000) {
        throw new IllegalArgumentException("queueCapacity must be 1..1000000: " + calls);
      }
      this.queueCapacity = calls;
      return this;
    }

    /**
     * Sets k of the top-k overlap of batches.
     *
     * @param k 1 to 10,000; default 10
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder topK(int k) {
      if (k < 1 || k > 10_000) {
        throw new IllegalArgumentException("topK must be 1..10000: " + k);
      }
      this.topK = k;
      return this;
    }

    /**
     * Runs the challenger on the calling thread right after the champion (its failures still
     * never reach the caller). For tests and offline replays; the caller pays its latency.
     *
     * @return this builder
     */
    public Builder synchronous() {
      this.synchronous = true;
      return this;
    }

    /**
     * Sets the thresholds of the drift verdict and its minimum number of rows.
     *
     * @param policy the policy; default {@link DriftPolicy#DEFAULTS}
     * @return this builder
     */
    public Builder drift(DriftPolicy policy) {
      this.drift = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Exports the comparison to a Micrometer registry (read when it publishes).
     *
     * @param registry the registry; default none
     * @return this builder
     */
    public Builder meterRegistry(MeterRegistry registry) {
      this.meterRegistry = Objects.requireNonNull(registry, "registry");
      return this;
    }

    /** Sets the clock of the meters' shared report; for tests. */
    Builder nanoClock(java.util.function.LongSupplier clock) {
      this.nanoClock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the comparison; in the default mode its shadow thread starts with the first call.
     *
     * @return the shadow session
     */
    public ShadowOnnxSession build() {
      return new ShadowOnnxSession(this);
    }
  }
}
