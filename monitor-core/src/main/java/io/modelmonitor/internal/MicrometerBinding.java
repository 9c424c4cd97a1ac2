package io.modelmonitor.internal;

import static io.modelmonitor.MetricNames.TAG_CAUSE;
import static io.modelmonitor.MetricNames.TAG_EXCEPTION;
import static io.modelmonitor.MetricNames.TAG_MODEL;
import static io.modelmonitor.MetricNames.TAG_OUTCOME;
import static io.modelmonitor.MetricNames.TAG_PHI;
import static io.modelmonitor.MetricNames.TAG_VERSION;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.TimeGauge;
import io.modelmonitor.LatencySummary;
import io.modelmonitor.MetricNames;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.ViolationKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Registers the meters of one monitor in one (leaf) Micrometer registry.
 *
 * <p>All meters are function-based: Micrometer reads the monitor when it publishes or is
 * scraped, so nothing Micrometer-related runs on the hot path. Meters are registered once, when
 * the monitor is built; only meters for newly seen exception types are added later, by the
 * reporter thread ({@link #refresh()}), never by a calling thread.
 */
final class MicrometerBinding {

  private static final double[] PERCENTILES = {0.5, 0.9, 0.95, 0.99, 0.999};

  private final DefaultModelMonitor<?, ?> monitor;
  private final MeterRegistry registry;
  private final Tags tags;
  private final List<Meter> meters = new ArrayList<>();
  /** Named error-type slots that already have a counter; the reporter thread only. */
  private int boundErrorSlots;
  private boolean otherBound;
  /** The tags the registry really gave our meters (after its filters), or null if denied. */
  private Tags exportedTags;

  MicrometerBinding(DefaultModelMonitor<?, ?> monitor, MeterRegistry registry, Tags commonTags,
      boolean registerLatencyTimer) {
    this.monitor = monitor;
    this.registry = registry;
    this.tags = commonTags.and(TAG_MODEL, monitor.name(), TAG_VERSION, monitor.version());
    bind(registerLatencyTimer);
  }

  /**
   * Fails if another monitor registry already exports this model to {@code registry}: the two
   * would share meters and break the Prometheus scrape with duplicate series.
   */
  static void checkNotExported(MeterRegistry registry, Tags commonTags, String model,
      String version) {
    Tags tags = commonTags.and(TAG_MODEL, model, TAG_VERSION, version);
    if (registry.find(MetricNames.PREDICTIONS).tags(tags).meter() != null) {
      throw new IllegalArgumentException("model '" + model + ':' + version + "' is already "
          + "exported to " + registry.getClass().getSimpleName() + " with tags " + tags
          + " by another MonitorRegistry; give the registries different common tags");
    }
  }

  /** The tags our meters carry in the registry (common tags and filters applied), or null. */
  Tags exportedTags() {
    return exportedTags;
  }

  private void bind(boolean registerLatencyTimer) {
    Meter success = FunctionCounter.builder(MetricNames.PREDICTIONS, monitor,
            m -> m.readTotal(a -> a.success))
        .description("Model calls by outcome").tags(tags)
        .tag(TAG_OUTCOME, MetricNames.OUTCOME_SUCCESS).register(registry);
    meters.add(success);
    if (registry.find(MetricNames.PREDICTIONS).tags(tags).meter() != null) { // not denied
      List<io.micrometer.core.instrument.Tag> kept = new ArrayList<>();
      for (io.micrometer.core.instrument.Tag t : success.getId().getTags()) {
        if (!t.getKey().equals(TAG_OUTCOME)) {
          kept.add(t);
        }
      }
      exportedTags = Tags.of(kept);
    }
    counter(MetricNames.PREDICTIONS, "Model calls by outcome",
        Tags.of(TAG_OUTCOME, MetricNames.OUTCOME_ERROR), a -> a.errorTotal);
    counter(MetricNames.PREDICTIONS, "Model calls by outcome",
        Tags.of(TAG_OUTCOME, MetricNames.OUTCOME_REJECTED), a -> a.rejected);
    bindViolations();
    bindDrift();
    bindInfo();
    counter(MetricNames.BATCHES, "Batch model calls",
        Tags.empty(), a -> a.batchSizes == null ? 0 : a.batchSizes.getTotalCount());
    counter(MetricNames.BATCH_ITEMS, "Items in batch model calls", Tags.empty(),
        a -> a.batchItems);

    meters.add(Gauge.builder(MetricNames.ACTIVE, monitor, DefaultModelMonitor::inFlight)
        .description("Model calls started and not yet finished")
        .tags(tags).strongReference(true).register(registry));
    int limit = monitor.config().concurrencyLimit();
    if (limit > 0) {
      meters.add(Gauge.builder(MetricNames.SATURATION, monitor, m -> (double) m.inFlight() / limit)
          .description("Calls in flight over the configured concurrency limit (1 = full)")
          .tags(tags).strongReference(true).register(registry));
    }

    if (registerLatencyTimer) {
      meters.add(FunctionTimer.builder(MetricNames.LATENCY, monitor,
              m -> m.readTotal(a -> a.latency.getTotalCount()),
              m -> m.readTotal(a -> a.latencySumNanos), TimeUnit.NANOSECONDS)
          .description("Latency of completed model calls (success and error)")
          .tags(tags).register(registry));
    }
    List<String> stages = monitor.stages();
    for (int i = 0; i < stages.size(); i++) {
      int stage = i;
      meters.add(FunctionTimer.builder(MetricNames.STAGE_LATENCY, monitor,
              m -> m.readTotal(a -> a.stages[stage].getTotalCount()),
              m -> m.readTotal(a -> a.stageSumNanos[stage]), TimeUnit.NANOSECONDS)
          .description("Duration of one stage of the model calls (a part of their latency)")
          .tags(tags).tag(MetricNames.TAG_STAGE, stages.get(i)).register(registry));
    }
    for (double phi : PERCENTILES) {
      meters.add(timeGauge(MetricNames.LATENCY_PERCENTILE,
          "Latency percentile of the last closed window",
          Tags.of(TAG_PHI, formatPhi(phi)), window -> percentile(window, phi)));
    }
    meters.add(timeGauge(MetricNames.LATENCY_MAX, "Largest latency of the last closed window",
        Tags.empty(), LatencySummary::maxNanos));

    for (MonitorErrors.Cause cause : MonitorErrors.Cause.values()) {
      meters.add(FunctionCounter.builder(MetricNames.MONITOR_ERRORS, monitor,
              m -> m.errors().count(cause))
          .description("Failures inside monitoring; they never affected the model calls")
          .tags(tags).tag(TAG_CAUSE, cause.tag()).register(registry));
    }
    refresh();
  }

  /**
   * The model's static facts: {@code model.info} (value 1, its labels as tags) and one gauge
   * per measurement. A label or measurement tag may not repeat a tag the meters already carry.
   */
  private void bindInfo() {
    io.modelmonitor.ModelInfo info = monitor.info();
    if (info.equals(io.modelmonitor.ModelInfo.EMPTY)) {
      return;
    }
    Tags labels = Tags.empty();
    for (Map.Entry<String, String> e : info.labels().entrySet()) {
      labels = labels.and(e.getKey(), notTaken(e.getKey(), e.getValue()));
    }
    meters.add(Gauge.builder(MetricNames.INFO, () -> 1)
        .description("Static facts about the model as labels; the value is always 1")
        .tags(tags).tags(labels).strongReference(true).register(registry));
    for (io.modelmonitor.ModelInfo.Measurement m : info.measurements()) {
      Tags extra = Tags.empty();
      for (Map.Entry<String, String> e : m.tags().entrySet()) {
        extra = extra.and(e.getKey(), notTaken(e.getKey(), e.getValue()));
      }
      double value = m.value();
      meters.add(Gauge.builder(m.name(), () -> value).description(m.description())
          .baseUnit(m.baseUnit()).tags(tags).tags(extra).strongReference(true)
          .register(registry));
    }
  }

  private String notTaken(String key, String value) {
    for (io.micrometer.core.instrument.Tag t : tags) {
      if (t.getKey().equals(key)) {
        throw new IllegalArgumentException("model info tag '" + key + "' of " + monitor.name()
            + " is already a tag of every meter (a common tag?)");
      }
    }
    return value;
  }

  /** One counter per (feature, kind) the schema can produce, all present from the start. */
  private void bindViolations() {
    FeatureSchema<?> schema = monitor.schemaOrNull();
    if (schema == null) {
      return;
    }
    counter(MetricNames.INVALID_INPUTS, "Inputs with at least one schema violation",
        Tags.empty(), a -> a.invalidInputs);
    int slots = schema.features().size() + 2;
    for (int slot = 0; slot < slots; slot++) {
      for (ViolationKind kind : schema.possibleViolations(slot)) {
        int cell = DefaultModelMonitor.violationCell(slot, kind);
        counter(MetricNames.INPUT_VIOLATIONS, "Inputs violating the feature schema, by feature "
                + "and kind", Tags.of(MetricNames.TAG_FEATURE, schema.nameOf(slot),
                MetricNames.TAG_KIND, kind.tag()), a -> a.violations[cell]);
      }
    }
  }

  private void windowGauge(String name, String description, Tags extra,
      java.util.function.ToDoubleFunction<DefaultModelMonitor<?, ?>> value) {
    meters.add(Gauge.builder(name, monitor, value).description(description).tags(tags)
        .tags(extra).strongReference(true).register(registry));
  }

  /** Gauges of the prediction distribution and recommendations of the last window. */
  private void bindPredictions() {
    DriftTracker tracker = monitor.tracker();
    if (tracker != null && tracker.scoresPrediction()) {
      Map<String, java.util.function.ToDoubleFunction<io.modelmonitor.drift.ScoreSummary>> stats =
          new java.util.LinkedHashMap<>();
      stats.put("mean", io.modelmonitor.drift.ScoreSummary::mean);
      stats.put("p50", io.modelmonitor.drift.ScoreSummary::p50);
      stats.put("p90", io.modelmonitor.drift.ScoreSummary::p90);
      stats.put("p99", io.modelmonitor.drift.ScoreSummary::p99);
      stats.put("below_baseline_p1", io.modelmonitor.drift.ScoreSummary::belowBaselineP1);
      stats.put("above_baseline_p99", io.modelmonitor.drift.ScoreSummary::aboveBaselineP99);
      stats.put("repeat_share", io.modelmonitor.drift.ScoreSummary::repeatShare);
      stats.forEach((statistic, read) -> windowGauge(MetricNames.PREDICTION_SCORE,
          "Score distribution of the last closed window", Tags.of(MetricNames.TAG_STATISTIC,
              statistic), m -> read.applyAsDouble(m.lastScores())));
    }
    if (monitor.tracksItems()) {
      Map<String, java.util.function.ToDoubleFunction<
          io.modelmonitor.drift.RecommendationSummary>> stats = new java.util.LinkedHashMap<>();
      stats.put("coverage", io.modelmonitor.drift.RecommendationSummary::coverage);
      stats.put("gini", io.modelmonitor.drift.RecommendationSummary::gini);
      stats.put("top_share", io.modelmonitor.drift.RecommendationSummary::topShare);
      stats.put("overflow_share", io.modelmonitor.drift.RecommendationSummary::overflowShare);
      stats.put("distinct", io.modelmonitor.drift.RecommendationSummary::distinct);
      stats.forEach((statistic, read) -> windowGauge(MetricNames.RECOMMENDATIONS,
          "Recommended items of the last closed window", Tags.of(MetricNames.TAG_STATISTIC,
              statistic), m -> read.applyAsDouble(m.lastRecommendations())));
    }
    if (tracker != null) {
      for (String feature : tracker.scaledFeatures()) {
        windowGauge(MetricNames.SKEW_STATUS, "Training-serving skew of a scaled feature: 0 no "
            + "data, 1 ok, 2 unscaled, 3 double scaled, 4 shifted",
            Tags.of(MetricNames.TAG_FEATURE, feature), m -> m.lastSkew(feature));
      }
    }
  }

  /** Feedback counters, pending gauge, quality and ranking gauges, CUSUM. */
  private void bindFeedback() {
    FeedbackJoiner joiner = monitor.joiner();
    if (joiner == null) {
      return;
    }
    Map<String, java.util.function.ToLongFunction<io.modelmonitor.feedback.JoinCounts>> outcomes =
        new java.util.LinkedHashMap<>();
    outcomes.put("remembered", io.modelmonitor.feedback.JoinCounts::remembered);
    outcomes.put("joined", io.modelmonitor.feedback.JoinCounts::joined);
    outcomes.put("late", io.modelmonitor.feedback.JoinCounts::late);
    outcomes.put("unknown", io.modelmonitor.feedback.JoinCounts::unknown);
    outcomes.put("duplicate", io.modelmonitor.feedback.JoinCounts::duplicate);
    outcomes.put("expired_negative", io.modelmonitor.feedback.JoinCounts::expiredNegative);
    outcomes.put("expired_dropped", io.modelmonitor.feedback.JoinCounts::expiredDropped);
    outcomes.put("evicted", io.modelmonitor.feedback.JoinCounts::evicted);
    outcomes.put("event", io.modelmonitor.feedback.JoinCounts::events);
    outcomes.forEach((outcome, read) -> meters.add(FunctionCounter.builder(MetricNames.FEEDBACK,
            monitor, m -> {
              io.modelmonitor.feedback.QualitySummary q = m.totalQuality();
              return q == null ? 0 : read.applyAsLong(q.joins());
            })
        .description("Predictions and feedback by what happened to them")
        .tags(tags).tag(TAG_OUTCOME, outcome).register(registry)));
    meters.add(Gauge.builder(MetricNames.FEEDBACK_PENDING, monitor,
            DefaultModelMonitor::pendingFeedback)
        .description("Predictions waiting for feedback").tags(tags).strongReference(true)
        .register(registry));
    Map<String, java.util.function.ToDoubleFunction<io.modelmonitor.feedback.QualitySummary>>
        stats = new java.util.LinkedHashMap<>();
    stats.put("positive_rate", io.modelmonitor.feedback.QualitySummary::positiveRate);
    stats.put("mean_predicted", io.modelmonitor.feedback.QualitySummary::meanPredicted);
    stats.put("calibration", io.modelmonitor.feedback.QualitySummary::calibration);
    stats.put("log_loss", io.modelmonitor.feedback.QualitySummary::logLoss);
    stats.put("brier", io.modelmonitor.feedback.QualitySummary::brier);
    stats.put("auc", io.modelmonitor.feedback.QualitySummary::auc);
    stats.put("offline_auc", io.modelmonitor.feedback.QualitySummary::offlineAuc);
    stats.put("mrr", io.modelmonitor.feedback.QualitySummary::mrr);
    stats.put("labelled", io.modelmonitor.feedback.QualitySummary::labelled);
    stats.put("delay_p50_seconds", q -> q.delayP50Millis() / 1e3);
    stats.put("delay_p99_seconds", q -> q.delayP99Millis() / 1e3);
    stats.forEach((statistic, read) -> windowGauge(MetricNames.QUALITY,
        "Online quality from delayed feedback in the last closed window",
        Tags.of(MetricNames.TAG_STATISTIC, statistic), m -> {
          io.modelmonitor.feedback.QualitySummary q = m.lastQuality();
          return q == null ? 0 : read.applyAsDouble(q);
        }));
    for (int k : monitor.config().feedback().ks()) {
      Map<String, java.util.function.ToDoubleFunction<
          io.modelmonitor.feedback.QualitySummary.RankingQuality>> ranked =
          new java.util.LinkedHashMap<>();
      ranked.put("precision", io.modelmonitor.feedback.QualitySummary.RankingQuality::precision);
      ranked.put("recall", io.modelmonitor.feedback.QualitySummary.RankingQuality::recall);
      ranked.put("ndcg", io.modelmonitor.feedback.QualitySummary.RankingQuality::ndcg);
      ranked.put("hit_rate", io.modelmonitor.feedback.QualitySummary.RankingQuality::hitRate);
      ranked.forEach((statistic, read) -> windowGauge(MetricNames.QUALITY_RANKING,
          "Ranked-list quality of the last closed window", Tags.of(MetricNames.TAG_K,
              Integer.toString(k), MetricNames.TAG_STATISTIC, statistic), m -> {
                io.modelmonitor.feedback.QualitySummary q = m.lastQuality();
                if (q == null) {
                  return 0;
                }
                for (io.modelmonitor.feedback.QualitySummary.RankingQuality rq : q.ranking()) {
                  if (rq.k() == k) {
                    return read.applyAsDouble(rq);
                  }
                }
                return 0;
              }));
    }
    windowGauge(MetricNames.QUALITY_CUSUM, "CUSUM statistic of the label stream; alarms at "
        + "ln(runLength)", Tags.empty(), m -> {
          io.modelmonitor.feedback.QualitySummary q = m.totalQuality();
          return q == null ? 0 : q.cusum().statistic();
        });
    meters.add(FunctionCounter.builder(MetricNames.QUALITY_CUSUM_ALARMS, monitor, m -> {
          io.modelmonitor.feedback.QualitySummary q = m.totalQuality();
          return q == null ? 0 : q.cusum().alarms();
        })
        .description("CUSUM alarms on the label stream since start").tags(tags)
        .register(registry));
  }

  /** Drift gauges per tracked feature: statistics, samples and status of the last window. */
  private void bindDrift() {
    bindPredictions();
    bindFeedback();
    DriftTracker tracker = monitor.tracker();
    if (tracker == null) {
      return;
    }
    tracker.exported().forEach((feature, statistics) -> {
      Tags featureTag = Tags.of(MetricNames.TAG_FEATURE, feature);
      for (io.modelmonitor.drift.DriftStatistic statistic : statistics) {
        meters.add(Gauge.builder(MetricNames.DRIFT, monitor, m -> {
          io.modelmonitor.drift.FeatureDrift d = m.lastDrift(feature);
          return d == null ? 0 : d.value(statistic);
        }).description("Drift against the training baseline in the last closed window; 0 "
                + "without enough samples")
            .tags(tags).tags(featureTag).tag(MetricNames.TAG_STATISTIC, statistic.tag())
            .strongReference(true).register(registry));
      }
      meters.add(Gauge.builder(MetricNames.DRIFT_SAMPLES, monitor, m -> {
        io.modelmonitor.drift.FeatureDrift d = m.lastDrift(feature);
        return d == null ? 0 : d.samples();
      }).description("Live observations behind the drift statistics of the last closed window")
          .tags(tags).tags(featureTag).strongReference(true).register(registry));
      meters.add(Gauge.builder(MetricNames.DRIFT_STATUS, monitor, m -> {
        io.modelmonitor.drift.FeatureDrift d = m.lastDrift(feature);
        return d == null ? 0 : d.status().ordinal();
      }).description("Drift verdict of the last closed window: 0 no data, 1 ok, 2 warn, 3 alert")
          .tags(tags).tags(featureTag).strongReference(true).register(registry));
    });
    bindDriftBins(tracker);
  }

  /**
   * Live bin counts since start (counters) and the baseline's bin shares (gauges) of every
   * tracked feature, so Prometheus can compute drift across replicas (see the recording rules
   * in {@code deploy/prometheus/modelmonitor-drift.yml}). Bins are the baseline's: a closed set.
   */
  private void bindDriftBins(DriftTracker tracker) {
    FeatureSchema<?> schema = monitor.schemaOrNull();
    for (DriftTracker.BinLayout layout : tracker.binLayouts()) {
      if (schema != null && schema.feature(layout.feature())
          .map(io.modelmonitor.schema.FeatureSpec::sensitive).orElse(false)) {
        continue; // one call in a quiet window would show which bin a sensitive value fell in
      }
      double[] shares = layout.baselineShares();
      for (int b = 0; b < shares.length; b++) {
        int cell = layout.offset() + b;
        double share = shares[b];
        Tags binTags = Tags.of(MetricNames.TAG_FEATURE, layout.feature(), MetricNames.TAG_BIN,
            b == shares.length - 1 ? MetricNames.BIN_MISSING : Integer.toString(b));
        meters.add(FunctionCounter.builder(MetricNames.DRIFT_BIN_OBSERVATIONS, monitor,
                m -> m.readTotal(a -> a.bins[cell]))
            .description("Live observations per baseline bin since start (the last bin, "
                + "'missing', counts absent, null and not-a-number values)")
            .tags(tags).tags(binTags).register(registry));
        meters.add(Gauge.builder(MetricNames.DRIFT_BASELINE_SHARE, () -> share)
            .description("The training baseline's share of each bin")
            .tags(tags).tags(binTags).strongReference(true).register(registry));
      }
    }
  }

  /** Adds counters for exception types seen since the last call. Reporter thread only. */
  void refresh() {
    ErrorTypes types = monitor.errorTypes();
    int assigned = types.assigned();
    while (boundErrorSlots < assigned) {
      int slot = boundErrorSlots++;
      errorCounter(types.name(slot), slot);
    }
    if (!otherBound && monitor.readTotal(a -> a.errors[types.otherSlot()]) > 0) {
      otherBound = true;
      errorCounter(ErrorTypes.OTHER, types.otherSlot());
    }
  }

  private void errorCounter(String typeName, int slot) {
    meters.add(FunctionCounter.builder(MetricNames.ERRORS, monitor,
            m -> m.readTotal(a -> a.errors[slot]))
        .description("Failed model calls by exception type")
        .tags(tags).tag(TAG_EXCEPTION, typeName).register(registry));
  }

  void remove() {
    for (Meter meter : meters) {
      registry.remove(meter);
    }
    meters.clear();
  }

  private void counter(String name, String description, Tags extra,
      ToLongFunction<Aggregate> reader) {
    meters.add(FunctionCounter.builder(name, monitor, m -> m.readTotal(reader))
        .description(description).tags(tags).tags(extra).register(registry));
  }

  private Meter timeGauge(String name, String description, Tags extra,
      ToDoubleFunction<LatencySummary> nanos) {
    return TimeGauge.builder(name, monitor, TimeUnit.NANOSECONDS,
            m -> nanos.applyAsDouble(m.lastWindow().latency()))
        .description(description).tags(tags).tags(extra).strongReference(true)
        .register(registry);
  }

  private static double percentile(LatencySummary s, double phi) {
    if (phi == 0.5) {
      return s.p50Nanos();
    } else if (phi == 0.9) {
      return s.p90Nanos();
    } else if (phi == 0.95) {
      return s.p95Nanos();
    } else if (phi == 0.99) {
      return s.p99Nanos();
    }
    return s.p999Nanos();
  }

  private static String formatPhi(double phi) {
    return Double.toString(phi);
  }
}
