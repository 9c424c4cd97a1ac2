package io.modelmonitor.benchmarks;

import com.codahale.metrics.MetricRegistry;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.benchmarks.Workload.Prediction;
import io.modelmonitor.benchmarks.Workload.Request;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.metrics.InstrumentType;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.Collection;
import java.util.function.Function;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * Every instrument of the suite, built once per trial and shared by all benchmark threads
 * ({@code Scope.Benchmark}), so a two-thread run records into one monitor, one timer, one
 * histogram. Each library runs as it would in production: Micrometer on a
 * {@code PrometheusMeterRegistry}, client_java on a {@code PrometheusRegistry} (every
 * {@code Histogram} built {@code withoutExemplars()}: with opentelemetry-api on the classpath
 * client_java would sample exemplars through an OpenTelemetry span context), OpenTelemetry with
 * an {@code SdkMeterProvider} and a periodic reader (so recording is not a no-op), ModelMonitor
 * with its reporter thread closing a window every 10 seconds.
 */
@State(Scope.Benchmark)
public class Instruments {

  // peers
  Timer timer;
  Timer timerHistogram;
  com.codahale.metrics.Timer dropwizardTimer;
  Histogram prometheusHistogram;
  DoubleHistogram otelHistogram;
  DistributionSummary[] featureSummaries;
  DistributionSummary scoreSummary;
  DistributionDataPoint[] featureHistograms;
  DistributionDataPoint scoreHistogram;
  private SdkMeterProvider otel;
  private PrometheusMeterRegistry micrometer;

  // ours
  MonitorRegistry registry;
  Function<Request, Prediction> latencyOnly;
  ModelMonitor<Request, Prediction> fullMonitor;
  Function<Request, Prediction> full;
  Function<Request, Prediction> fullWithIds;
  Function<Request, Prediction> fullSampled;
  OverheadBenchmark.Scorer proxy;

  /** Builds the instruments, the monitors and the baseline. */
  @Setup(Level.Trial)
  public void setUp() {
    FeatureSchema<Request> schema = Workload.schema();
    Baseline baseline = Workload.baseline(schema);
    String[] names = Workload.names();

    micrometer = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    timer = Timer.builder("model.latency").register(micrometer);
    timerHistogram = Timer.builder("model.latency.histogram").publishPercentileHistogram()
        .register(micrometer);
    featureSummaries = new DistributionSummary[Workload.FEATURES];
    for (int i = 0; i < featureSummaries.length; i++) {
      featureSummaries[i] = DistributionSummary.builder("model.feature")
          .tag("feature", names[i])
          .serviceLevelObjectives(Workload.edges(baseline, names[i]))
          .register(micrometer);
    }
    scoreSummary = DistributionSummary.builder("model.score")
        .serviceLevelObjectives(Workload.edges(baseline, null)).register(micrometer);

    dropwizardTimer = new MetricRegistry().timer("model.latency");

    // withoutExemplars(): opentelemetry-api is on this jar's classpath, with which client_java's
    // tracer initializer switches to an OpenTelemetry span context for exemplar sampling
    PrometheusRegistry prometheus = new PrometheusRegistry();
    prometheusHistogram = Histogram.builder().name("model_latency_seconds").withoutExemplars()
        .register(prometheus);
    featureHistograms = new DistributionDataPoint[Workload.FEATURES];
    for (int i = 0; i < featureHistograms.length; i++) {
      featureHistograms[i] = Histogram.builder().name("model_feature_" + names[i])
          .withoutExemplars().classicOnly().classicUpperBounds(Workload.edges(baseline, names[i]))
          .register(prometheus);
    }
    scoreHistogram = Histogram.builder().name("model_score").withoutExemplars().classicOnly()
        .classicUpperBounds(Workload.edges(baseline, null)).register(prometheus);

    otel = SdkMeterProvider.builder()
        .registerMetricReader(PeriodicMetricReader.builder(new DiscardingExporter())
            .setInterval(Duration.ofSeconds(10)).build())
        .build();
    otelHistogram = otel.get("benchmarks").histogramBuilder("model.latency").setUnit("s")
        .build();

    registry = MonitorRegistry.builder().build();
    ModelMonitor<Request, Prediction> latency = registry.monitor("latency", "v1");
    latencyOnly = latency.decorateFunction(Workload::score);
    fullMonitor = registry.<Request, Prediction>monitorBuilder("full", "v1")
        .schema(schema).baseline(baseline)
        .prediction(PredictionSpec.score(Prediction::score))
        .build();
    full = fullMonitor.decorateFunction(Workload::score);
    fullWithIds = registry.<Request, Prediction>monitorBuilder("feedback", "v1")
        .schema(schema).baseline(baseline)
        .prediction(PredictionSpec.score(Prediction::score))
        .requestId(r -> r.id)
        .build()
        .decorateFunction(Workload::score);
    fullSampled = registry.<Request, Prediction>monitorBuilder("sampled", "v1")
        .schema(schema).baseline(baseline)
        .prediction(PredictionSpec.score(Prediction::score))
        .config(MonitorConfig.custom()
            .drift(DriftPolicy.DEFAULTS.withSampleRate(0.1)).build())
        .build()
        .decorateFunction(Workload::score);
    proxy = io.modelmonitor.annotation.MonitoredProxy.create(OverheadBenchmark.Scorer.class,
        Workload::score, registry);
  }

  /** Stops the reporter thread and the OpenTelemetry reader. */
  @TearDown(Level.Trial)
  public void tearDown() {
    registry.close();
    otel.close();
    micrometer.close();
  }

  /** A metric exporter that drops what the periodic reader collected. */
  static final class DiscardingExporter implements MetricExporter {
    @Override
    public CompletableResultCode export(Collection<MetricData> metrics) {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode shutdown() {
      return CompletableResultCode.ofSuccess();
    }

    @Override
    public AggregationTemporality getAggregationTemporality(InstrumentType type) {
      return AggregationTemporality.CUMULATIVE;
    }
  }
}
