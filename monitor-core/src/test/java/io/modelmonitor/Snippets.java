package io.modelmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertRules;
import io.modelmonitor.alert.AlertmanagerSink;
import io.modelmonitor.alert.LogSink;
import io.modelmonitor.alert.Severity;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.alert.WebhookSink;
import io.modelmonitor.annotation.Features;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.annotation.MonitoredProxy;
import io.modelmonitor.annotation.RequestId;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.QualitySummary;
import io.modelmonitor.http.MonitorHttpServer;
import io.modelmonitor.report.LogReporter;
import io.modelmonitor.report.PredictionLogPolicy;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.InputShape;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.ViolationKind;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The code examples of the README, compiled and run by {@link SnippetsTest}. Each region between
 * {@code // tag::name[]} and {@code // end::name[]} must appear verbatim in the README.
 */
final class Snippets {

  /** A stand-in for the user's model: a tiny logistic scorer. */
  static final class CtrModel {
    float predict(float[] features) {
      double z = -1.0;
      for (float f : features) {
        z += 0.1 * f;
      }
      return (float) (1 / (1 + Math.exp(-z)));
    }
  }

  static ModelSnapshot quickstart(CtrModel model, float[] features) {
    // tag::quickstart[]
    MeterRegistry meterRegistry = new SimpleMeterRegistry(); // your service's registry
    MonitorRegistry monitors = MonitorRegistry.builder()
        .meterRegistry(meterRegistry)
        .commonTag("service", "recommendations")
        .build();
    ModelMonitor<float[], Float> ctr = monitors.monitor("ctr", "2024-06-01");

    Function<float[], Float> predict = ctr.decorateFunction(model::predict);
    float score = predict.apply(features); // same result, now measured

    ModelSnapshot snapshot = ctr.snapshot();
    System.out.printf("score=%.3f calls=%d p99=%s errors=%d%n", score,
        snapshot.totalOutcomes().completed(), snapshot.totalLatency().p99(),
        snapshot.totalOutcomes().errors());
    // end::quickstart[]
    monitors.close();
    return snapshot;
  }

  static ModelSnapshot declaredSchema(MonitorRegistry monitors, Map<String, Object> request) {
    // tag::schema[]
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 100_000))            // yuan, never cents
        .integer("position", f -> f.range(1, 200))
        .categorical("category", f -> f.vocabulary("shoes", "bags", "watches"))
        .vector("user_embedding", f -> f.dimension(64).normRange(0.9, 1.1))
        .categorical("user_id", f -> f.sensitive())              // masked in logs and errors
        .exclude("request_id")                                   // carried, never checked
        .build();
    ModelMonitor<Map<String, Object>, Float> ctr = monitors.monitor("ctr", "v7", schema,
        MonitorConfig.custom().schemaPolicy(SchemaPolicy.REJECT).build());

    long outOfRange = ctr.snapshot().totalViolations()
        .count("price", ViolationKind.OUT_OF_RANGE);
    // end::schema[]
    ctr.checkInput(request);
    return ctr.snapshot();
  }

  static FeatureSchema<Map<String, ?>> inferredSchema(List<Map<String, ?>> trainingRows,
      Path dir) throws IOException {
    // tag::infer[]
    // in the training pipeline: learn the schema from the training data, ship it with the model
    FeatureSchema<Map<String, ?>> learned = FeatureSchema.forMap()
        .exclude("request_id")
        .inferFrom(trainingRows)
        .build();
    learned.write(dir.resolve("ctr-v7.schema.json"));

    // in the service: load it next to the model
    FeatureSchema<Map<String, ?>> schema =
        FeatureSchema.read(dir.resolve("ctr-v7.schema.json"), InputShape.MAP);
    // end::infer[]
    return schema;
  }

  record Request(double price, String category, float[] userEmbedding) {}

  static ModelSnapshot drift(MonitorRegistry monitors, List<Request> trainingRows,
      double[] trainingScores, List<Request> traffic) {
    // tag::drift[]
    FeatureSchema<Request> schema = FeatureSchema.forRecord(Request.class).build();
    Baseline baseline = Baseline.builder()
        .features(trainingRows, schema)        // binned profile of every feature
        .predictions(trainingScores)           // and of the model's scores
        .metric("test_auc", 0.781)
        .build();
    ModelMonitor<Request, Double> ctr = monitors.<Request, Double>monitorBuilder("ctr", "v8")
        .schema(schema)
        .baseline(baseline)
        .prediction(PredictionSpec.score(Double::doubleValue))
        .build();

    Function<Request, Double> predict = ctr.decorateFunction(r -> r.price() / 1_000);
    traffic.forEach(predict::apply);

    monitors.tickNow(); // the reporter thread does this every reporting interval
    FeatureDrift price = ctr.snapshot().windowDrift().feature("price").orElseThrow();
    System.out.printf("price: PSI %.3f, Wasserstein %.3f std -> %s%n",
        price.value(DriftStatistic.PSI), price.value(DriftStatistic.WASSERSTEIN), price.status());
    // end::drift[]
    return ctr.snapshot();
  }

  record Impression(String requestId, float[] features) {}

  static ModelSnapshot feedback(MonitorRegistry monitors, java.util.function.ToDoubleFunction<
      float[]> model, List<Impression> impressions, java.util.Set<String> clicked) {
    // tag::feedback[]
    ModelMonitor<Impression, Double> ctr = monitors
        .<Impression, Double>monitorBuilder("ctr", "v9")
        .prediction(PredictionSpec.score(Double::doubleValue))
        .requestId(Impression::requestId)           // remember every prediction by its id
        .config(MonitorConfig.custom().feedback(FeedbackPolicy.DEFAULTS
            .withImplicitNegatives(false)).build()) // every label is sent: final at once
        .build();
    Function<Impression, Double> predict = ctr.decorateFunction(
        i -> model.applyAsDouble(i.features()));
    impressions.forEach(predict::apply);

    // later, from the click stream (any thread)
    for (Impression i : impressions) {
      ctr.feedback(i.requestId(), clicked.contains(i.requestId()));
    }

    monitors.tickNow(); // the reporter thread does this every reporting interval
    QualitySummary q = ctr.snapshot().windowQuality();
    System.out.printf("CTR %.3f predicted %.3f AUC %.3f log loss %.3f join rate %.2f%n",
        q.positiveRate(), q.meanPredicted(), q.auc(), q.logLoss(), q.joins().joinRate());
    // end::feedback[]
    return ctr.snapshot();
  }

  static MonitorRegistry alerts(java.net.URI alertmanagerUri, java.net.URI webhookUri,
      byte[] webhookSecret) {
    // tag::alerts[]
    MonitorRegistry monitors = MonitorRegistry.builder()
        .alertRules(AlertRules.defaults())                 // errors, latency, drift, ...
        .alertRule(AlertRule.builder("PriceDrift")
            .signal(Signals.drift("price", DriftStatistic.PSI))
            .above(0.25).clearBelow(0.1)                   // hysteresis: no flapping
            .forDuration(java.time.Duration.ofMinutes(10)) // pending first, then firing
            .minSamples(500)                               // quiet windows prove nothing
            .severity(Severity.CRITICAL)
            .label("team", "search-ranking")
            .description("price of {model} drifted: PSI {value} > {threshold}")
            .build())
        .alertSink(new LogSink())
        .alertSink(new AlertmanagerSink(alertmanagerUri, java.time.Duration.ofSeconds(5)))
        .alertSink(WebhookSink.builder(webhookUri).hmacSecret(webhookSecret).build())
        .alertSink(event -> pager.notify(event.description())) // any lambda
        .build();
    // end::alerts[]
    return monitors;
  }

  // tag::annotated[]
  interface CtrScorer {
    @Monitored(model = "ctr", version = "v7")
    double score(@Features float[] features, @RequestId String requestId);
  }
  // end::annotated[]

  static CtrScorer annotated(MonitorRegistry monitors, FeatureSchema<float[]> schema,
      CtrScorer onnxScorer) {
    // tag::proxy[]
    monitors.<float[], Double>monitorBuilder("ctr", "v7")   // the monitor comes first
        .schema(schema)
        .prediction(PredictionSpec.score(Double::doubleValue))
        .build();
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, onnxScorer, monitors);
    double score = scorer.score(new float[] {0.3f, 0.7f}, "req-42"); // monitored, remembered
    // end::proxy[]
    return scorer;
  }

  static MonitorHttpServer http(MonitorRegistry monitors,
      io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus, int port,
      String secretFromYourVault) throws IOException {
    // tag::http[]
    MonitorHttpServer http = MonitorHttpServer.builder(monitors) // binds 127.0.0.1 by default
        .port(port)                                               // 0: any free port
        .bearerToken(secretFromYourVault)                         // optional; never a default
        .prometheus(prometheus)                                   // optional: GET /metrics
        .start();                                                 // close() stops it
    // end::http[]
    return http;
  }

  static MonitorConfig logs(MonitorRegistry registry) {
    // tag::logs[]
    registry.addSnapshotListener(LogReporter.create(registry)); // INFO io.modelmonitor.report
    MonitorConfig config = MonitorConfig.custom()
        .predictionLog(PredictionLogPolicy.sampled(0.01)        // 1% of calls...
            .withAlwaysLogErrors(true)                          // ...and every failure
            .withSensitiveHashed(System.getenv("LOG_HASH_KEY"))) // or withSensitiveDropped()
        .build();
    // end::logs[]
    return config;
  }

  /** Stands in for the user's paging client. */
  static final Pager pager = new Pager();

  static final class Pager {
    final List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();

    void notify(String message) {
      sent.add(message);
    }
  }

  private Snippets() {}
}
