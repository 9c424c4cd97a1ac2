package io.modelmonitor.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertRules;
import io.modelmonitor.alert.LogSink;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.QualitySummary;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.schema.FeatureSchema;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * A small e-commerce recommendation service under load, monitored by ModelMonitor, that ends by
 * itself.
 *
 * <p>Three models serve traffic from four request threads: an in-process CTR scorer (decorated
 * function; a flaky upstream feature store makes about 1% of calls fail; its input schema is
 * inferred from a training sample at start-up, and about 1% of requests carry a NaN or a price
 * in cents instead of yuan, which the schema check counts; a baseline fitted on the same sample
 * makes the monitor report drift, and halfway through a promotion cuts prices by 40%, which the
 * price drift turns into an ALERT; a simulated click stream answers each request a few hundred
 * milliseconds later, and after the promotion shoppers click less than the model predicts,
 * which the online quality and its CUSUM catch), a batch re-ranker
 * (decorated batch function) and a remote price model called asynchronously (decorated
 * completion stage). A snapshot listener prints one line per model per window; at the end the
 * demo prints the final snapshots and the Prometheus scrape of the {@code model_*} series.
 *
 * <p>Run: {@code mvn -B -q -pl monitor-examples -am package exec:java -DskipTests}; pass
 * {@code -Dexec.args="--seconds=20"} for a longer run.
 */
public final class RecommendationDemo {

  private RecommendationDemo() {}

  /**
   * Runs the demo.
   *
   * @param args {@code --seconds=N} (default 6)
   * @throws Exception if the demo itself fails
   */
  public static void main(String[] args) throws Exception {
    Duration duration = Duration.ofSeconds(6);
    for (String arg : args) {
      if (arg.startsWith("--seconds=")) {
        duration = Duration.ofSeconds(Long.parseLong(arg.substring("--seconds=".length())));
      } else {
        throw new IllegalArgumentException("unknown argument " + arg + "; use --seconds=N");
      }
    }
    run(duration, System.out);
  }

  /**
   * Serves traffic for {@code duration} and prints what the monitors saw.
   *
   * @param duration how long to serve traffic
   * @param out where the report goes
   * @return the final snapshot of every model
   * @throws Exception if a worker fails unexpectedly
   */
  public static List<ModelSnapshot> run(Duration duration, PrintStream out) throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MonitorRegistry monitors = MonitorRegistry.builder()
        .meterRegistry(prometheus)
        .reportingInterval(Duration.ofSeconds(1))
        .commonTag("service", "recommendation-demo")
        .alertRules(AlertRules.defaults())
        .alertRule(AlertRule.builder("PriceDrift")
            .signal(Signals.drift("price", DriftStatistic.PSI))
            .above(0.25).clearBelow(0.1).minSamples(200).models("ctr")
            .description("price distribution of {model} moved: PSI {value} (threshold "
                + "{threshold})").build())
        .alertRule(AlertRule.builder("ClickShortfall")
            .signal(Signals.calibration())
            .above(1.25).clearBelow(1.1).minSamples(300).models("ctr")
            .description("{model} predicts {value} times the clicks shoppers make").build())
        .alertWarmUp(Duration.ofSeconds(1)) // production: keep the 1-minute default
        .alertSink(new LogSink())
        .alertSink(event -> out.printf(Locale.ROOT, "[alert] %s %s %s: %s%n", event.state(),
            event.rule(), event.model(), event.description()))
        .build();
    monitors.addSnapshotListener(s -> out.println(windowLine(s)));

    CtrScorer scorer = new CtrScorer(42);
    FeatureSchema<float[]> ctrSchema = FeatureSchema.forFloatArray(CtrScorer.featureNames())
        .rangeMargin(0.5)
        .inferFrom(trainingSample(5_000))
        .build();
    out.printf(Locale.ROOT, "ctr schema inferred from 5000 training rows: %d features, price "
        + "range [%.2f, %.2f]%n", ctrSchema.features().size(),
        ctrSchema.feature("price").orElseThrow().min(),
        ctrSchema.feature("price").orElseThrow().max());
    List<float[]> training = trainingSample(5_000);
    double[] trainingScores = training.stream().mapToDouble(scorer::predict).toArray();
    Baseline ctrBaseline = Baseline.builder().features(training, ctrSchema)
        .predictions(trainingScores).metric("test_auc", 0.781).build();
    ModelMonitor<float[], Float> ctrMonitor = monitors
        .<float[], Float>monitorBuilder("ctr", "2024-06-01")
        .schema(ctrSchema)
        .baseline(ctrBaseline)
        .prediction(PredictionSpec.score(Float::doubleValue))
        .config(MonitorConfig.custom().feedback(FeedbackPolicy.DEFAULTS
            .withAttributionWindow(Duration.ofMillis(500))).build())
        .build();
    // the click stream: each request is clicked 10-300 ms later, at the predicted rate until the
    // promotion, then at 0.6 of it (the model no longer fits the shoppers)
    java.util.concurrent.ScheduledExecutorService clicks =
        Executors.newSingleThreadScheduledExecutor(daemon("click-stream"));
    java.util.concurrent.atomic.AtomicLong requestIds = new java.util.concurrent.atomic.AtomicLong();
    Function<float[], Float> ctr = ctrMonitor.decorateFunction(features -> {
      if (ThreadLocalRandom.current().nextInt(100) == 0) {
        throw new IllegalStateException("feature store timeout");
      }
      return scorer.predict(features);
    });

    ModelMonitor<float[], Float> rerankMonitor = monitors.monitor("reranker", "v3");
    Function<List<float[]>, List<Float>> rerank = rerankMonitor.decorateBatchFunction(batch -> {
      List<Float> scores = new ArrayList<>(batch.size());
      for (float[] item : batch) {
        scores.add(scorer.predict(item) * 0.9f);
      }
      return scores;
    });

    ExecutorService remote = Executors.newFixedThreadPool(2, daemon("price-model-client"));
    ModelMonitor<float[], Float> priceMonitor = monitors.monitor("price-elasticity", "v1");
    Supplier<CompletableFuture<Float>> remoteCall = () -> CompletableFuture.supplyAsync(() -> {
      sleepMicros(200 + ThreadLocalRandom.current().nextInt(800));
      if (ThreadLocalRandom.current().nextInt(200) == 0) {
        throw new IllegalStateException(new TimeoutException("price model timed out"));
      }
      return 0.5f;
    }, remote);

    io.modelmonitor.http.MonitorHttpServer http = io.modelmonitor.http.MonitorHttpServer
        .builder(monitors).prometheus(prometheus).start(); // 127.0.0.1, a free port
    out.printf(Locale.ROOT, "dashboard: http://127.0.0.1:%d/  (JSON: /api/models, /api/alerts; "
        + "Prometheus: /metrics) while the demo runs%n", http.port());
    out.printf(Locale.ROOT, "serving traffic for %ds on 4 threads; one line per model per "
        + "1-second window%n", duration.toSeconds());
    ExecutorService workers = Executors.newFixedThreadPool(4, daemon("request"));
    long begin = System.nanoTime();
    long deadline = begin + duration.toNanos();
    long promotion = begin + duration.toNanos() / 2;
    List<java.util.concurrent.Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      futures.add(workers.submit(() -> {
        float[] features = new float[CtrScorer.FEATURES];
        List<float[]> candidates = new ArrayList<>();
        while (System.nanoTime() < deadline) {
          ThreadLocalRandom random = ThreadLocalRandom.current();
          CtrScorer.fill(features, random);
          if (System.nanoTime() > promotion) {
            features[CtrScorer.PRICE] *= 0.6f; // the promotion: everything 40% off
          }
          int glitch = random.nextInt(200);
          if (glitch == 0) {
            features[3] = Float.NaN; // a feature-store default leaking through
          } else if (glitch == 1) {
            features[CtrScorer.PRICE] *= 100; // an upstream team switched to cents
          }
          try {
            float score = ctr.apply(features);
            String requestId = "req-" + requestIds.incrementAndGet();
            ctrMonitor.remember(requestId, score);
            double clickRate = System.nanoTime() > promotion ? 0.6 * score : score;
            if (random.nextDouble() < clickRate) {
              clicks.schedule(() -> ctrMonitor.feedback(requestId, true),
                  10 + random.nextInt(290), TimeUnit.MILLISECONDS);
            }
          } catch (IllegalStateException e) {
            // the service falls back to popularity ranking; the monitor counted the error
          }
          candidates.clear();
          int n = 5 + random.nextInt(45);
          for (int i = 0; i < n; i++) {
            candidates.add(features.clone());
          }
          rerank.apply(candidates);
          if (random.nextInt(20) == 0) {
            priceMonitor.executeCompletionStage(remoteCall::get).toCompletableFuture()
                .exceptionally(failure -> 0.5f).join();
          }
          sleepMicros(50);
        }
        return null;
      }));
    }
    for (java.util.concurrent.Future<?> f : futures) {
      f.get(duration.toSeconds() + 30, TimeUnit.SECONDS);
    }
    workers.shutdown();
    clicks.shutdown();
    clicks.awaitTermination(2, TimeUnit.SECONDS);
    remote.shutdown();
    remote.awaitTermination(5, TimeUnit.SECONDS);

    List<ModelSnapshot> finals = new ArrayList<>();
    for (ModelMonitor<?, ?> m : monitors.monitors()) {
      finals.add(m.snapshot());
    }
    out.println();
    out.println("since start:");
    for (ModelSnapshot s : finals) {
      out.println(totalLine(s));
    }
    out.println();
    out.println("Prometheus scrape (model_* series, excerpt):");
    prometheus.scrape().lines()
        .filter(l -> l.startsWith("model_") && (l.contains("model=\"ctr\"")))
        .filter(l -> !l.startsWith("model_input_violations") || !l.endsWith(" 0.0"))
        .filter(l -> !l.contains("_bucket") || l.contains("le=\"0.001\"")
            || l.contains("le=\"+Inf\""))
        .forEach(out::println);
    out.println();
    java.net.http.HttpResponse<String> api = java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:"
            + http.port() + "/api/alerts")).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString());
    out.printf(Locale.ROOT, "GET /api/alerts -> HTTP %d, %d bytes of JSON%n", api.statusCode(),
        api.body().length());
    http.close();
    out.println("closing the registry; the last, partial window is flushed to the listeners:");
    monitors.close();
    out.println();
    out.printf(Locale.ROOT, "alert history (%d events):%n", monitors.alertHistory().size());
    for (io.modelmonitor.alert.AlertEvent e : monitors.alertHistory()) {
      out.printf(Locale.ROOT, "  %s %-8s %-14s %s value=%.3f%n", e.startsAt(), e.state(),
          e.rule(), e.model(), e.value());
    }
    return finals;
  }

  static String windowLine(ModelSnapshot s) {
    String violations = s.windowViolations().invalidInputs() == 0 ? ""
        : " invalid inputs=" + s.windowViolations().invalidInputs() + " "
            + s.windowViolations().byFeature();
    QualitySummary q = s.windowQuality();
    if (q != null && q.labelled() > 0) {
      violations += String.format(Locale.ROOT, " | clicks: CTR=%.3f predicted=%.3f "
          + "calibration=%.2f AUC=%.3f joined=%d cusum alarms=%d", q.positiveRate(),
          q.meanPredicted(), q.calibration(), q.auc(), q.joins().joined(), q.cusum().alarms());
    }
    FeatureDrift price = s.windowDrift().feature("price").orElse(null);
    if (price != null) {
      violations += String.format(Locale.ROOT, " | drift: price PSI=%.3f W=%.2fstd %s, scores "
          + "PSI=%.3f", price.value(DriftStatistic.PSI), price.value(DriftStatistic.WASSERSTEIN),
          price.status(), s.windowDrift().prediction().value(DriftStatistic.PSI));
    }
    return String.format(Locale.ROOT,
        "[window] %-16s %7.0f calls/s  p50=%7.1fus p99=%7.1fus max=%8.1fus  errors=%d%s "
            + "in-flight=%d%s", s.model(), s.ratePerSecond(), s.windowLatency().p50Nanos() / 1e3,
        s.windowLatency().p99Nanos() / 1e3, s.windowLatency().maxNanos() / 1e3,
        s.windowOutcomes().errors(), s.windowOutcomes().errorsByType(), s.inFlight(),
        violations);
  }

  /** Rows like the ones the CTR model was trained on. */
  static List<float[]> trainingSample(int rows) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(7);
    List<float[]> sample = new ArrayList<>(rows);
    for (int r = 0; r < rows; r++) {
      float[] row = new float[CtrScorer.FEATURES];
      for (int i = 0; i < row.length; i++) {
        row[i] = (float) (random.nextGaussian());
      }
      row[CtrScorer.PRICE] = (float) (10 + random.nextDouble() * 490);
      sample.add(row);
    }
    return sample;
  }

  static String totalLine(ModelSnapshot s) {
    String batches = s.totalBatches().batches() == 0 ? ""
        : String.format(Locale.ROOT, "  batches=%d mean size=%.1f per-item p99=%.2fus",
            s.totalBatches().batches(), s.totalBatches().meanSize(),
            s.totalBatches().itemLatency().p99Nanos() / 1e3);
    String violations = s.totalViolations().invalidInputs() == 0 ? ""
        : "\n    invalid inputs=" + s.totalViolations().invalidInputs() + " "
            + s.totalViolations().byFeature();
    return String.format(Locale.ROOT,
        "  %-16s calls=%d errors=%d (%.2f%%) p50=%.1fus p99=%.1fus p99.9=%.1fus%s%s",
        s.model(), s.totalOutcomes().completed(), s.totalOutcomes().errors(),
        100 * s.totalOutcomes().errorRatio(), s.totalLatency().p50Nanos() / 1e3,
        s.totalLatency().p99Nanos() / 1e3, s.totalLatency().p999Nanos() / 1e3, batches,
        violations);
  }

  private static void sleepMicros(long micros) {
    try {
      TimeUnit.MICROSECONDS.sleep(micros);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
    return r -> {
      Thread t = new Thread(r, name + '-' + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    };
  }
}
