package io.modelmonitor.examples;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.LogSink;
import io.modelmonitor.alert.WebhookSink;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.http.MonitorHttpServer;
import java.io.Closeable;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * An e-commerce recommendation service with its CTR model served by ONNX Runtime and every kind
 * of monitoring on, under a traffic scenario that plays by itself: normal traffic, a price
 * promotion (drift), an upstream change that renames a feature and sends prices in cents (schema
 * violations), a latency regression, a model degradation where clicks no longer follow the
 * scores (online AUC), and recovery. At the end it prints which alert caught each incident and
 * after how long, and any false alarm.
 *
 * <p>Run: {@code mvn -B -q -pl monitor-examples -am package exec:exec -DskipTests}. Arguments
 * (through {@code -Dexec.args="..."}): {@code --seconds=N} scenario length (default 70, at least
 * 36; also the system property {@code demo.seconds}), {@code --serve} keep serving normal
 * traffic afterwards until stopped, {@code --fast} play on a fast clock (seconds of real time),
 * {@code --host=ADDRESS} bind address (default 127.0.0.1), {@code --api-port=N} and
 * {@code --monitor-port=N} (default 0: free ports), {@code --rate=N} requests per second
 * (default 100, at least {@link #MIN_RATE}), {@code --seed=N} the traffic's random seed
 * (default 42). {@code --fast} and {@code --serve} do not go together (a fast clock would serve
 * as fast as the CPU allows, forever). The process exits with status 1 when an incident was not
 * detected by the alert meant for it; false alarms are reported but do not fail the run (under
 * real-time load a slow machine may cause them).
 */
public final class RecommendationDemo {

  /** Default scenario length in seconds. */
  static final int DEFAULT_SECONDS = 70;

  /**
   * The lowest request rate at which every incident can be detected: ModelLatencyP99 and
   * ModelInvalidInputs need {@value Scenario#MIN_CALLS} calls per 1-second window (one call of
   * each model per request), ModelAucDrop needs {@value Scenario#MIN_AUC_LABELS} labelled
   * impressions over the {@value Scenario#ROLLING_WINDOWS} rolling windows at
   * {@value Scenario.Traffic#SHOWN} impressions per request (34 requests/s); plus 20% headroom
   * for requests that straddle a window boundary in real time: 60.
   */
  static final int MIN_RATE = (int) Math.ceil(1.2 * Math.max(Scenario.MIN_CALLS,
      Math.ceil((double) Scenario.MIN_AUC_LABELS
          / (Scenario.ROLLING_WINDOWS * Scenario.Traffic.SHOWN))));
  /** The highest request rate. */
  static final int MAX_RATE = 1000;

  private RecommendationDemo() {}

  /** The demo's options. */
  record Options(int seconds, boolean serve, boolean fast, String host, int apiPort,
      int monitorPort, int rate, long seed) {

    static Options parse(String[] args) {
      int seconds = Integer.getInteger("demo.seconds", DEFAULT_SECONDS);
      boolean serve = false;
      boolean fast = false;
      String host = "127.0.0.1";
      int apiPort = 0;
      int monitorPort = 0;
      int rate = 100;
      long seed = 42;
      for (String arg : args) {
        if (arg.startsWith("--seconds=")) {
          seconds = Integer.parseInt(arg.substring("--seconds=".length()));
        } else if (arg.equals("--serve")) {
          serve = true;
        } else if (arg.equals("--fast")) {
          fast = true;
        } else if (arg.startsWith("--host=")) {
          host = arg.substring("--host=".length());
        } else if (arg.startsWith("--api-port=")) {
          apiPort = Integer.parseInt(arg.substring("--api-port=".length()));
        } else if (arg.startsWith("--monitor-port=")) {
          monitorPort = Integer.parseInt(arg.substring("--monitor-port=".length()));
        } else if (arg.startsWith("--seed=")) {
          seed = Long.parseLong(arg.substring("--seed=".length()));
        } else if (arg.startsWith("--rate=")) {
          rate = Integer.parseInt(arg.substring("--rate=".length()));
        } else {
          throw new IllegalArgumentException("unknown argument " + arg + "; use --seconds=N, "
              + "--serve, --fast, --host=ADDRESS, --api-port=N, --monitor-port=N, --rate=N "
              + "(" + MIN_RATE + ".." + MAX_RATE + "), --seed=N");
        }
      }
      if (rate < MIN_RATE || rate > MAX_RATE) {
        throw new IllegalArgumentException("--rate must be " + MIN_RATE + ".." + MAX_RATE
            + " (below " + MIN_RATE + " requests/s the latency, invalid-input and AUC rules "
            + "lack the samples they need to fire): " + rate);
      }
      if (fast && serve) {
        throw new IllegalArgumentException("--fast and --serve do not go together: a fast "
            + "clock would serve at full CPU forever");
      }
      Scenario.phases(seconds); // validates
      return new Options(seconds, serve, fast, host, apiPort, monitorPort, rate, seed);
    }
  }

  /**
   * Runs the demo.
   *
   * @param args see the class description
   * @throws Exception if the demo itself fails
   */
  public static void main(String[] args) throws Exception {
    Options options = Options.parse(args);
    Run run = run(options, options.fast() ? ScenarioClock.fast() : ScenarioClock.realTime(),
        System.out);
    List<String> missed = run.result().detections().stream()
        .filter(d -> !d.detected()).map(Scenario.Detection::incident).toList();
    if (!missed.isEmpty()) {
      System.err.println("NOT DETECTED: " + String.join(", ", missed));
      System.exit(1);
    }
  }

  /** What one run produced: the judged scenario, the webhook deliveries, a final scrape. */
  record Run(Scenario.Result result, List<WebhookReceiver.Delivery> webhook, String scrape,
      String recommendation) {}

  /** Starts everything, plays the scenario, prints the table; with --serve, keeps serving. */
  static Run run(Options options, ScenarioClock clock, PrintStream out)
      throws Exception {
    // the JDK server otherwise waits for delayed ACKs (40 ms per loopback request); read once,
    // when the first server starts
    System.setProperty("sun.net.httpserver.nodelay", "true");
    Catalogue catalogue = Catalogue.load();
    byte[] secret = "demo-webhook-secret".getBytes(StandardCharsets.UTF_8);
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (Closeable closePrometheus = prometheus::close;
        WebhookReceiver webhook = new WebhookReceiver(secret, d -> out.printf(Locale.ROOT,
        "%n[webhook] %s %s on %s (value %.3f)%n", d.state(), d.alert(), d.model(), d.value()))) {
      MonitorRegistry registry = MonitorRegistry.builder()
          .ticker(clock)
          .clock(clock)
          // the scenario closes every 1-second window itself (tickNow), on real and fast clocks
          // alike, so the reporter's own schedule is set out of its way
          .reportingInterval(Duration.ofHours(1))
          .meterRegistry(prometheus)
          .commonTag("service", "recommendation-demo")
          .alertRules(Scenario.rules())
          .alertWarmUp(Duration.ofSeconds(3))
          .alertSink(new LogSink())
          .alertSink(WebhookSink.builder(webhook.uri()).hmacSecret(secret).build())
          .build();
      MonitorConfig config = MonitorConfig.custom()
          // clicks come within seconds here; production keeps the 30-minute default
          .feedback(FeedbackPolicy.DEFAULTS.withAttributionWindow(Duration.ofSeconds(1)))
          .build();
      InetAddress host = InetAddress.getByName(options.host());
      try (CtrModel ctr = CtrModel.open(registry, config)) {
        ModelMonitor<RecommendationService.Request, RecommendationService.Recommendation>
            recommender = registry.<RecommendationService.Request,
                RecommendationService.Recommendation>monitorBuilder(
                    RecommendationService.RECOMMENDER, ctr.embedded().version())
                .prediction(PredictionSpec.ranked(
                    RecommendationService.Recommendation::itemIds,
                    new PredictionSpec.RankedOptions(catalogue.items.size(), 10_000, 10)))
                .requestId(RecommendationService.Request::id)
                .config(config)
                .build();
        try (RecommendationService service = new RecommendationService(catalogue, ctr,
                recommender, clock, options.seed());
            MonitorHttpServer dashboard = MonitorHttpServer.builder(registry)
                .prometheus(prometheus).bindAddress(host).port(options.monitorPort()).start()) {
          InetSocketAddress api = service.start(host, options.apiPort());
          URI apiUri = URI.create("http://" + loopbackOr(options.host()) + ":" + api.getPort());
          String monitorBase = "http://" + loopbackOr(options.host()) + ":" + dashboard.port();
          out.printf(Locale.ROOT, "CTR model %s (ONNX, %d features, baseline of %d training "
              + "rows, offline AUC %.3f); catalogue of %d items, %d users%n",
              ctr.embedded().version(), ctr.embedded().schema().features().size(),
              ctr.embedded().baseline().features().get("price").count(),
              ctr.embedded().baseline().metrics().getOrDefault("test_auc", Double.NaN),
              catalogue.items.size(), catalogue.users.size());
          out.printf(Locale.ROOT, "recommendation API: %s/recommend?user=7&n=12   "
              + "(POST %s/feedback?request=r-1&item=17&event=click)%n", apiUri, apiUri);
          out.printf(Locale.ROOT, "dashboard: %s/   Prometheus: %s/metrics   alert webhook "
              + "receiver: %s%n", monitorBase, monitorBase, webhook.uri());
          List<Scenario.Phase> phases = Scenario.phases(options.seconds());
          out.printf(Locale.ROOT, "playing %ds of traffic (%d requests/s%s): %s%n",
              phases.stream().mapToInt(Scenario.Phase::windows).sum(), options.rate(),
              clock.isFast() ? ", fast clock" : "", phases.stream()
                  .map(p -> p.name() + " " + p.windows() + "s")
                  .reduce((a, b) -> a + ", " + b).orElse(""));
          Scenario.Result result = Scenario.play(phases, service, apiUri, registry, clock,
              options.rate(), options.seed(), out, System.console() != null && !clock.isFast());
          Scenario.print(result, out);
          out.printf(Locale.ROOT, "  alerts delivered to the webhook receiver: %d (log sink: "
              + "see the io.modelmonitor.alerts lines)%n", webhook.deliveries().size());
          String scrape = get(URI.create(monitorBase + "/metrics"));
          String sample = get(apiUri.resolve("/recommend?user=7&n=3"));
          if (options.serve()) {
            out.printf(Locale.ROOT, "serving normal traffic until stopped (Ctrl-C); dashboard "
                + "%s/%n", monitorBase);
            Scenario.serve(service, apiUri, registry, clock, options.rate(), options.seed());
          }
          registry.close(); // flushes the alert sinks
          return new Run(result, webhook.deliveries(), scrape, sample);
        }
      } finally {
        registry.close();
      }
    }
  }

  private static String get(URI uri) throws java.io.IOException, InterruptedException {
    return java.net.http.HttpClient.newHttpClient().send(
        java.net.http.HttpRequest.newBuilder(uri).build(),
        java.net.http.HttpResponse.BodyHandlers.ofString()).body();
  }

  private static String loopbackOr(String host) {
    return host.equals("0.0.0.0") ? "127.0.0.1" : host;
  }
}
