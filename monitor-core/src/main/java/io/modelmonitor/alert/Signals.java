package io.modelmonitor.alert;

import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.ScoreSummary;
import io.modelmonitor.feedback.QualitySummary;
import io.modelmonitor.schema.ViolationKind;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.util.Objects;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The signals alert rules watch, all read from the last closed window of a model's snapshot
 * (the JVM signals from the process). Each reports the number of observations behind it, so
 * rules can require a minimum sample count.
 */
public final class Signals {

  private Signals() {}

  /** A signal from two functions. */
  private record Simple(String name, ToDoubleFunction<ModelSnapshot> reader,
      ToLongFunction<ModelSnapshot> counter) implements Signal {
    @Override
    public double value(ModelSnapshot snapshot) {
      double v = reader.applyAsDouble(snapshot);
      return Double.isFinite(v) ? v : 0;
    }

    /** An undefined value (NaN, infinite) is no evidence: it reports no samples. */
    @Override
    public long samples(ModelSnapshot snapshot) {
      return Double.isFinite(reader.applyAsDouble(snapshot)) ? counter.applyAsLong(snapshot) : 0;
    }
  }

  /**
   * Creates a custom signal.
   *
   * @param name the name
   * @param value reads the value
   * @param samples counts the observations behind it
   * @return the signal
   */
  public static Signal of(String name, ToDoubleFunction<ModelSnapshot> value,
      ToLongFunction<ModelSnapshot> samples) {
    return new Simple(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value,
        "value"), Objects.requireNonNull(samples, "samples"));
  }

  private static long calls(ModelSnapshot s) {
    return s.windowOutcomes().completed();
  }

  /**
   * The window's inputs: completed and rejected calls, where a completed batch call counts as
   * its rows (schema violations are counted per row, so a per-input rate must divide by rows).
   * A rejected batch counts as one input.
   */
  private static long inputs(ModelSnapshot s) {
    long batchRowsBeyondOne = Math.max(0,
        s.windowBatches().items() - s.windowBatches().batches());
    return s.windowOutcomes().completed() + s.windowOutcomes().rejected() + batchRowsBeyondOne;
  }

  /** A count per input of the window; as many samples as inputs. */
  private static Signal perInput(String name, ToLongFunction<ModelSnapshot> count) {
    return of(name, s -> {
      long all = inputs(s);
      return all == 0 ? 0 : (double) count.applyAsLong(s) / all;
    }, Signals::inputs);
  }

  /**
   * The 99th percentile latency of the window, in seconds.
   *
   * @return the signal
   */
  public static Signal latencyP99Seconds() {
    return of("latency_p99_seconds", s -> s.windowLatency().p99Nanos() / 1e9,
        s -> s.windowLatency().count());
  }

  /**
   * The share of completed calls that failed.
   *
   * @return the signal
   */
  public static Signal errorRate() {
    return of("error_rate", s -> s.windowOutcomes().errorRatio(), Signals::calls);
  }

  /**
   * The share of calls refused before the model ran.
   *
   * @return the signal
   */
  public static Signal rejectionRate() {
    return perInput("rejection_rate", s -> s.windowOutcomes().rejected());
  }

  /**
   * The share of inputs with at least one schema violation.
   *
   * @return the signal
   */
  public static Signal invalidInputRate() {
    return perInput("invalid_input_rate", s -> s.windowViolations().invalidInputs());
  }

  /**
   * A latency quantile of the window, in seconds.
   *
   * @param quantile one of 0.5, 0.9, 0.95, 0.99, 0.999, or 1 for the maximum
   * @return the signal, named for example {@code latency_p95_seconds}
   * @throws IllegalArgumentException for another quantile
   */
  public static Signal latencySeconds(double quantile) {
    ToLongFunction<io.modelmonitor.LatencySummary> read;
    String name;
    if (quantile == 0.5) {
      read = io.modelmonitor.LatencySummary::p50Nanos;
      name = "p50";
    } else if (quantile == 0.9) {
      read = io.modelmonitor.LatencySummary::p90Nanos;
      name = "p90";
    } else if (quantile == 0.95) {
      read = io.modelmonitor.LatencySummary::p95Nanos;
      name = "p95";
    } else if (quantile == 0.99) {
      read = io.modelmonitor.LatencySummary::p99Nanos;
      name = "p99";
    } else if (quantile == 0.999) {
      read = io.modelmonitor.LatencySummary::p999Nanos;
      name = "p999";
    } else if (quantile == 1.0) {
      read = io.modelmonitor.LatencySummary::maxNanos;
      name = "max";
    } else {
      throw new IllegalArgumentException("latency quantile must be 0.5, 0.9, 0.95, 0.99, 0.999 "
          + "or 1: " + quantile);
    }
    return of("latency_" + name + "_seconds",
        s -> read.applyAsLong(s.windowLatency()) / 1e9, s -> s.windowLatency().count());
  }

  /**
   * The calls of the window (completed and rejected); {@code below(1)} means "no traffic at
   * all". Always one sample: an empty window is evidence here.
   *
   * @return the signal
   */
  public static Signal calls() {
    return of("calls", Signals::inputs, s -> 1);
  }

  /**
   * Violations of one feature, of any kind, per input of the window.
   *
   * @param feature the feature name
   * @return the signal
   */
  public static Signal featureViolationRate(String feature) {
    Objects.requireNonNull(feature, "feature");
    return perInput("feature_violation_rate", s -> {
      long n = 0;
      for (long c : s.windowViolations().byFeature().getOrDefault(feature, java.util.Map.of())
          .values()) {
        n += c;
      }
      return n;
    });
  }

  /**
   * The share of inputs whose {@code feature} had a violation of {@code kind}.
   *
   * @param feature the feature name
   * @param kind the violation kind
   * @return the signal
   */
  public static Signal violationRate(String feature, ViolationKind kind) {
    return perInput("violation_rate", s -> s.windowViolations().count(feature, kind));
  }

  /**
   * A drift statistic of one feature ({@code _prediction} for the prediction); 0 samples while
   * the window had too few for a verdict.
   *
   * @param feature the feature name
   * @param statistic the statistic
   * @return the signal
   */
  public static Signal drift(String feature, DriftStatistic statistic) {
    return of("drift_" + statistic.tag(), s -> {
      FeatureDrift d = feature(s, feature);
      return d == null ? 0 : d.value(statistic);
    }, s -> {
      FeatureDrift d = feature(s, feature);
      return d == null || d.statistics().isEmpty() ? 0 : d.samples();
    });
  }

  private static FeatureDrift feature(ModelSnapshot s, String feature) {
    return "_prediction".equals(feature) ? s.windowDrift().prediction()
        : s.windowDrift().feature(feature).orElse(null);
  }

  /**
   * How many features (the prediction included) are at {@link DriftStatus#ALERT} over the rolling
   * drift window, which smooths single noisy windows. Samples: the features with a verdict.
   *
   * @return the signal
   */
  public static Signal driftedFeatures() {
    return of("drifted_features", s -> count(s.rollingDrift(), DriftStatus.ALERT),
        s -> s.rollingDrift().features().size() + (s.rollingDrift().prediction() == null ? 0 : 1)
            - count(s.rollingDrift(), DriftStatus.NO_DATA));
  }

  private static long count(DriftReport report, DriftStatus status) {
    long n = 0;
    for (FeatureDrift f : report.features()) {
      n += f.status() == status ? 1 : 0;
    }
    if (report.prediction() != null && report.prediction().status() == status) {
      n++;
    }
    return n;
  }

  /**
   * The mean score of the window's predictions.
   *
   * @return the signal
   */
  public static Signal predictionMean() {
    return score("prediction_mean", ScoreSummary::mean);
  }

  /**
   * The share of scores equal to the previous one: near 1 for a stuck model.
   *
   * @return the signal
   */
  public static Signal stuckShare() {
    return score("prediction_repeat_share", ScoreSummary::repeatShare);
  }

  /**
   * The share of scores above the baseline's 99th percentile.
   *
   * @return the signal
   */
  public static Signal extremeHighShare() {
    return score("prediction_above_p99_share", ScoreSummary::aboveBaselineP99);
  }

  /**
   * The share of the window's scores below the baseline's 1st percentile.
   *
   * @return the signal
   */
  public static Signal extremeLowShare() {
    return score("prediction_below_p1_share", ScoreSummary::belowBaselineP1);
  }

  private static Signal score(String name, ToDoubleFunction<ScoreSummary> read) {
    return of(name, s -> s.windowDrift().scores() == null ? 0
        : read.applyAsDouble(s.windowDrift().scores()), s -> s.windowDrift().scores() == null
        ? 0 : s.windowDrift().scores().samples());
  }

  /**
   * The observed positive rate (CTR/CVR) from delayed feedback.
   *
   * @return the signal
   */
  public static Signal positiveRate() {
    return quality("positive_rate", QualitySummary::positiveRate);
  }

  /**
   * Calibration, mean predicted over observed positive rate (1 is calibrated).
   *
   * @return the signal
   */
  public static Signal calibration() {
    return quality("calibration", QualitySummary::calibration);
  }

  /**
   * The online ROC AUC.
   *
   * @return the signal
   */
  public static Signal auc() {
    return of("auc", s -> s.windowQuality() == null ? 0 : s.windowQuality().auc(),
        s -> s.windowQuality() == null ? 0 : s.windowQuality().aucPairs() == 0 ? 0
            : s.windowQuality().labelled());
  }

  /**
   * NDCG at {@code k} of ranked lists.
   *
   * @param k one of the feedback policy's cut-offs
   * @return the signal
   */
  public static Signal ndcg(int k) {
    return of("ndcg_at_" + k, s -> {
      if (s.windowQuality() == null) {
        return 0;
      }
      for (QualitySummary.RankingQuality q : s.windowQuality().ranking()) {
        if (q.k() == k) {
          return q.ndcg();
        }
      }
      return 0;
    }, s -> {
      if (s.windowQuality() != null) {
        for (QualitySummary.RankingQuality q : s.windowQuality().ranking()) {
          if (q.k() == k) {
            return q.lists();
          }
        }
      }
      return 0;
    });
  }

  /**
   * CUSUM alarms on the label stream in the window (1 when one happened).
   *
   * @return the signal
   */
  public static Signal cusumAlarm() {
    return of("cusum_alarm", s -> s.windowQuality() != null && s.windowQuality().cusum().alarm()
        ? 1 : 0, s -> s.windowQuality() == null ? 0 : s.windowQuality().labelled());
  }

  private static Signal quality(String name, ToDoubleFunction<QualitySummary> read) {
    return of(name, s -> s.windowQuality() == null ? 0 : read.applyAsDouble(s.windowQuality()),
        s -> s.windowQuality() == null ? 0 : s.windowQuality().labelled());
  }

  /**
   * Completed calls per second; with {@code AlertRule.Builder#below} it catches "no traffic at
   * all" (its sample count is the window length in whole seconds).
   *
   * @return the signal
   */
  public static Signal throughput() {
    return of("calls_per_second", ModelSnapshot::ratePerSecond, s -> s.window().toSeconds());
  }

  /**
   * Calls in flight over {@code limit}: saturation against a concurrency limit.
   *
   * @param limit the concurrency the model is sized for
   * @return the signal
   */
  public static Signal saturation(int limit) {
    if (limit < 1) {
      throw new IllegalArgumentException("limit must be >= 1: " + limit);
    }
    return of("saturation", s -> (double) s.inFlight() / limit, s -> 1);
  }

  /**
   * Used heap over maximum heap, of this JVM.
   *
   * @return the signal
   */
  public static Signal heapUsedRatio() {
    return of("heap_used_ratio", s -> {
      MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
      return heap.getMax() <= 0 ? 0 : (double) heap.getUsed() / heap.getMax();
    }, s -> 1);
  }

  /**
   * Recent CPU load of this JVM's process, 0..1 (0 where the platform does not report it).
   *
   * @return the signal
   */
  public static Signal processCpuLoad() {
    return of("process_cpu_load", s -> CpuLoad.read(), s -> 1);
  }

  /**
   * The JVM measures process CPU load since its previous reading, so readings microseconds apart
   * (one per rule and model in the same evaluation) would see almost nothing: one reading per
   * second is shared.
   */
  private static final class CpuLoad {
    private static final long PERIOD_NANOS = 1_000_000_000L;
    private static long readAt = System.nanoTime() - 2 * PERIOD_NANOS;
    private static double value;

    static synchronized double read() {
      long now = System.nanoTime();
      if (now - readAt >= PERIOD_NANOS) {
        readAt = now;
        java.lang.management.OperatingSystemMXBean os =
            ManagementFactory.getOperatingSystemMXBean();
        double load = os instanceof com.sun.management.OperatingSystemMXBean
            ? ((com.sun.management.OperatingSystemMXBean) os).getProcessCpuLoad() : 0;
        value = load < 0 || Double.isNaN(load) ? 0 : load;
      }
      return value;
    }
  }
}
