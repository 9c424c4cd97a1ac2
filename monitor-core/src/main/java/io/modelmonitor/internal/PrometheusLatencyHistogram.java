package io.modelmonitor.internal;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.MetricNames;
import io.prometheus.metrics.model.registry.Collector;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.PrometheusNaming;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Exports the latency of every monitor bound to a {@link PrometheusMeterRegistry} as a real
 * Prometheus histogram ({@code model_prediction_latency_seconds_bucket{le=...}}, {@code _count},
 * {@code _sum}), so {@code histogram_quantile} works across replicas.
 *
 * <p>Micrometer has no pull-based histogram meter, so this is a client_java {@link Collector}
 * registered on the registry's {@link PrometheusRegistry}: it reads the monitors' since-start
 * HdrHistograms at scrape time and nothing runs on the hot path. One collector exists per
 * Prometheus registry, shared by all monitor registries that export to it.
 *
 * <p>Only loaded when micrometer-registry-prometheus is on the class path (see
 * {@link Holder#AVAILABLE}).
 */
final class PrometheusLatencyHistogram implements Collector {

  static final String NAME = PrometheusNaming.sanitizeMetricName(
      MetricNames.LATENCY.replace('.', '_')) + "_seconds";

  private static final Map<PrometheusRegistry, PrometheusLatencyHistogram> SHARED =
      new WeakHashMap<>();

  private final List<Series> series = new CopyOnWriteArrayList<>();

  /** One model's time series. */
  private static final class Series {
    final DefaultModelMonitor<?, ?> monitor;
    final Labels labels;
    final long[] boundsNanos;
    final double[] boundsSeconds;

    Series(DefaultModelMonitor<?, ?> monitor, Tags tags) {
      this.monitor = monitor;
      List<String> names = new ArrayList<>();
      List<String> values = new ArrayList<>();
      for (Tag tag : tags) {
        names.add(PrometheusNaming.sanitizeLabelName(tag.getKey()));
        values.add(tag.getValue());
      }
      this.labels = Labels.of(names, values);
      List<java.time.Duration> buckets = monitor.config().latencyBuckets();
      this.boundsNanos = new long[buckets.size()];
      this.boundsSeconds = new double[buckets.size() + 1];
      for (int i = 0; i < buckets.size(); i++) {
        boundsNanos[i] = buckets.get(i).toNanos();
        boundsSeconds[i] = boundsNanos[i] / 1e9;
      }
      boundsSeconds[buckets.size()] = Double.POSITIVE_INFINITY;
    }

    HistogramSnapshot.HistogramDataPointSnapshot collect() {
      long[] cumulative = new long[boundsNanos.length + 1];
      long sumNanos = monitor.exportLatencyBuckets(boundsNanos, cumulative);
      long[] perBucket = new long[cumulative.length];
      long previous = 0;
      for (int i = 0; i < cumulative.length; i++) {
        perBucket[i] = cumulative[i] - previous;
        previous = cumulative[i];
      }
      return HistogramSnapshot.HistogramDataPointSnapshot.builder()
          .labels(labels)
          .classicHistogramBuckets(ClassicHistogramBuckets.of(boundsSeconds, perBucket))
          .sum(sumNanos / 1e9)
          .build();
    }
  }

  /** Registry class probe, kept apart so this class loads only when the probe succeeded. */
  static final class Holder {
    static final boolean AVAILABLE = probe();

    private static boolean probe() {
      try {
        Class.forName("io.micrometer.prometheusmetrics.PrometheusMeterRegistry", false,
            Holder.class.getClassLoader());
        Class.forName("io.prometheus.metrics.model.registry.Collector", false,
            Holder.class.getClassLoader());
        return true;
      } catch (ClassNotFoundException | LinkageError e) {
        return false;
      }
    }

    private Holder() {}
  }

  static boolean isPrometheus(MeterRegistry registry) {
    return registry instanceof PrometheusMeterRegistry;
  }

  /** Adds {@code monitor} to the histogram of {@code registry}; returns an undo action. */
  static Runnable bind(MeterRegistry registry, DefaultModelMonitor<?, ?> monitor, Tags tags) {
    PrometheusRegistry target = ((PrometheusMeterRegistry) registry).getPrometheusRegistry();
    PrometheusLatencyHistogram collector;
    synchronized (SHARED) {
      collector = SHARED.get(target);
      if (collector == null) {
        collector = new PrometheusLatencyHistogram();
        target.register(collector);
        SHARED.put(target, collector);
      }
    }
    Series s = new Series(monitor, tags);
    synchronized (collector.series) {
      for (Series existing : collector.series) {
        if (existing.labels.equals(s.labels)) {
          throw new IllegalArgumentException("the latency histogram of " + s.labels
              + " is already exported to this Prometheus registry");
        }
      }
      collector.series.add(s);
    }
    PrometheusLatencyHistogram owner = collector;
    return () -> owner.series.remove(s);
  }

  @Override
  public MetricSnapshot collect() {
    HistogramSnapshot.Builder builder = HistogramSnapshot.builder()
        .name(NAME)
        .help("Latency of completed model calls (success and error)")
        .unit(Unit.SECONDS);
    for (Series s : series) {
      try {
        builder.dataPoint(s.collect());
      } catch (RuntimeException e) { // one broken series must not fail the whole scrape
        s.monitor.errors().record(MonitorErrors.Cause.INTERNAL,
            "could not export the latency histogram", e);
      }
    }
    return builder.build();
  }
}
