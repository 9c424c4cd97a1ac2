package io.modelmonitor.examples;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.Severity;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.feedback.QualitySummary;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

/**
 * The traffic scenario: shoppers call the recommendation API over HTTP, click and buy, while
 * incidents are injected one after another; afterwards every alert is matched to the incident it
 * caught. The scenario drives the reporting windows itself (one {@code tickNow()} per second of
 * scenario time), so it plays the same in real time and on a {@linkplain ScenarioClock#fast()
 * fast} clock.
 */
final class Scenario {

  /** What a phase does to the service or to the shoppers. */
  enum Kind { NORMAL, PROMOTION, UPSTREAM_CHANGE, LATENCY_REGRESSION, MODEL_DEGRADATION,
      RECOVERY }

  /**
   * One phase: its name, what it injects, its length in 1-second windows, and for an incident
   * the alert (rule on model) meant to catch it.
   */
  record Phase(String name, Kind kind, int windows, String rule, String model) {
    boolean incident() {
      return rule != null;
    }
  }

  /** An injected incident and what caught it; {@code rule} null when nothing did. */
  record Detection(String incident, double startSeconds, String intendedRule,
      String intendedModel, String rule, String model, double firedSeconds,
      List<String> alsoFired) {
    boolean detected() {
      return rule != null;
    }

    double delaySeconds() {
      return firedSeconds - startSeconds;
    }
  }

  /** An alert that fired in a normal or recovery phase, where nothing was injected. */
  record FalseAlarm(String rule, String model, double atSeconds, String phase) {}

  /**
   * Everything the scenario measured; {@code driftAlerts} maps each phase's name to the CTR
   * features whose rolling drift was ALERT at the phase's last window.
   */
  record Result(List<Phase> phases, List<Detection> detections, List<FalseAlarm> falseAlarms,
      List<AlertEvent> alerts, long requests, long failedRequests, long clicks, long purchases,
      double seconds, Map<String, List<String>> driftAlerts) {}

  /** Seconds after the end of an incident in which alerts still count as caused by it. */
  static final int GRACE_WINDOWS = 6;
  /** Without a console, a progress line every this many windows ({@code demo.progressEvery}). */
  private static final int PROGRESS_EVERY = Math.max(1, Integer.getInteger("demo.progressEvery",
      5));
  private static final int[] WEIGHTS = {12, 10, 10, 10, 16, 12};
  /** Calls per window the rate-based rules (latency, invalid inputs, errors) need. */
  static final int MIN_CALLS = 50;
  /** Labelled impressions over the rolling view that ModelAucDrop needs. */
  static final int MIN_AUC_LABELS = 2_000;
  /** Windows in the rolling view (the registry's default). */
  static final int ROLLING_WINDOWS = 5;

  private Scenario() {}

  /** The phases of a scenario of about {@code seconds} (at least 36). */
  static List<Phase> phases(int seconds) {
    if (seconds < 36) {
      throw new IllegalArgumentException("the scenario needs at least 36 seconds: " + seconds);
    }
    double scale = seconds / 70.0;
    int[] w = new int[WEIGHTS.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = Math.max(6, (int) Math.round(WEIGHTS[i] * scale));
    }
    String ctr = CtrModel.NAME;
    return List.of(
        new Phase("normal", Kind.NORMAL, w[0], null, null),
        new Phase("promotion", Kind.PROMOTION, w[1], "ModelFeatureDrift", ctr),
        new Phase("upstream change", Kind.UPSTREAM_CHANGE, w[2], "ModelInvalidInputs", ctr),
        new Phase("latency regression", Kind.LATENCY_REGRESSION, w[3], "ModelLatencyP99",
            RecommendationService.RECOMMENDER),
        new Phase("model degradation", Kind.MODEL_DEGRADATION, w[4], "ModelAucDrop", ctr),
        new Phase("recovery", Kind.RECOVERY, w[5], null, null));
  }

  /**
   * The demo's alert rules, for the service's two models: the names and signals of
   * {@code AlertRules.defaults()}, with pending periods of 2 seconds instead of minutes (the
   * phases last about ten seconds), plus an online-AUC rule. ModelErrorRate, ModelInvalidInputs
   * (0.01, clear below 0.005), ModelFeatureDrift and ModelStuckPredictions keep the defaults'
   * thresholds. Deviations: every rate rule needs {@value #MIN_CALLS} calls per window instead of
   * 100 (a 1-second window holds only as many calls as the request rate, 100 by default);
   * ModelLatencyP99 fires above 0.1 s and clears below 0.08 s instead of 0.25/0.2 s (on the fast
   * clock requests run one after another, so the regression's slow requests, 6% slowed by
   * 120 ms, must fit in one second of scenario time; 400 ms ones would not); ModelNoTraffic
   * waits 5 seconds.
   */
  static List<AlertRule> rules() {
    String ctr = CtrModel.NAME;
    String rec = RecommendationService.RECOMMENDER;
    Duration pending = Duration.ofSeconds(2);
    return List.of(
        AlertRule.builder("ModelErrorRate").signal(Signals.errorRate()).models(ctr, rec)
            .above(0.05).clearBelow(0.02).forDuration(pending).keepFiringFor(pending)
            .minSamples(MIN_CALLS).severity(Severity.CRITICAL)
            .description("{model} fails {value} of its calls (threshold {threshold})").build(),
        AlertRule.builder("ModelLatencyP99").signal(Signals.latencyP99Seconds()).models(ctr, rec)
            .above(0.1).clearBelow(0.08).forDuration(pending).keepFiringFor(pending)
            .minSamples(MIN_CALLS)
            .description("{model} p99 latency is {value}s (threshold {threshold}s)").build(),
        AlertRule.builder("ModelInvalidInputs").signal(Signals.invalidInputRate())
            .models(ctr, rec).above(0.01).clearBelow(0.005).forDuration(pending)
            .keepFiringFor(pending).minSamples(MIN_CALLS)
            .description("{value} of {model}'s inputs break its schema (threshold "
                + "{threshold})").build(),
        AlertRule.builder("ModelFeatureDrift").signal(Signals.driftedFeatures()).models(ctr)
            .above(0.5).forDuration(pending)
            .description("{value} features of {model} drifted from the training baseline")
            .build(),
        AlertRule.builder("ModelStuckPredictions").signal(Signals.stuckShare()).models(ctr)
            .above(0.5).clearBelow(0.2).forDuration(pending).minSamples(100)
            .severity(Severity.CRITICAL)
            .description("{value} of {model}'s scores repeat the previous one").build(),
        AlertRule.builder("ModelNoTraffic").signal(Signals.calls()).models(ctr, rec)
            .below(1).forDuration(Duration.ofSeconds(5))
            .description("{model} has served no call for 5 seconds").build(),
        AlertRule.builder("ModelAucDrop").signal(rollingAuc()).models(ctr)
            .below(0.58).clearAbove(0.6).forDuration(pending).minSamples(MIN_AUC_LABELS)
            .description("online AUC of {model} over the last windows is {value} (threshold "
                + "{threshold}); clicks no longer follow its scores").build(),
        AlertRule.builder("ModelQualityShift").signal(Signals.cusumAlarm()).models(ctr)
            .above(0.5).keepFiringFor(Duration.ofSeconds(10)).minSamples(1)
            .description("the CUSUM on {model}'s delayed labels detected a shift in the "
                + "positive rate").build());
  }

  /**
   * The online AUC over the rolling view (the last five windows): one window holds about a
   * hundred clicks, whose AUC wobbles by some 0.03; five hold five times as many.
   */
  static io.modelmonitor.alert.Signal rollingAuc() {
    return Signals.of("auc_rolling", s -> s.rollingQuality() == null ? 0
        : s.rollingQuality().auc(), s -> s.rollingQuality() == null
        || s.rollingQuality().aucPairs() == 0 ? 0 : s.rollingQuality().labelled());
  }

  /**
   * Plays the phases against the service at {@code rate} requests per second and returns what
   * the monitors caught.
   */
  static Result play(List<Phase> phases, RecommendationService service, URI api,
      MonitorRegistry registry, ScenarioClock clock, int rate, long seed, PrintStream out,
      boolean progressInPlace) throws InterruptedException {
    Traffic traffic = new Traffic(service, api, clock, seed);
    int total = phases.stream().mapToInt(Phase::windows).sum();
    long startNanos = clock.elapsedNanos();
    Instant start = clock.instant();
    int window = 0;
    double[] begin = new double[phases.size()];
    double[] end = new double[phases.size()];
    Map<String, List<String>> driftAlerts = new java.util.LinkedHashMap<>();
    try {
      for (int i = 0; i < phases.size(); i++) {
        Phase phase = phases.get(i);
        // phases start on window boundaries; on a clock that fell behind, when it gets there
        begin[i] = Math.max(window, (clock.elapsedNanos() - startNanos) / 1e9);
        inject(service, traffic, phase.kind());
        for (int w = 0; w < phase.windows(); w++, window++) {
          long windowStart = Math.max(startNanos + window * 1_000_000_000L,
              clock.elapsedNanos());
          traffic.second(windowStart, rate);
          clock.sleepUntil(windowStart + 1_000_000_000L);
          traffic.awaitIdle();
          Map<String, ModelSnapshot> snapshots = registry.tickNow();
          if (w == phase.windows() - 1 && snapshots.get(CtrModel.NAME) != null) {
            driftAlerts.put(phase.name(), snapshots.get(CtrModel.NAME).rollingDrift().features()
                .stream().filter(f -> f.status() == io.modelmonitor.drift.DriftStatus.ALERT)
                .map(io.modelmonitor.drift.FeatureDrift::feature).toList());
          }
          String line = progress(window + 1, total, phase, snapshots, registry, rate);
          if (progressInPlace) {
            out.print("\r" + line);
          } else if ((window + 1) % PROGRESS_EVERY == 0 || window + 1 == total) {
            out.println(line);
          }
        }
        end[i] = (clock.elapsedNanos() - startNanos) / 1e9;
      }
      if (progressInPlace) {
        out.println();
      }
    } finally {
      inject(service, traffic, Kind.NORMAL);
      traffic.close();
    }
    double seconds = (clock.elapsedNanos() - startNanos) / 1e9;
    List<AlertEvent> alerts = registry.alertHistory();
    Result judged = judge(phases, begin, end, alerts, start, traffic, seconds);
    return new Result(judged.phases(), judged.detections(), judged.falseAlarms(),
        judged.alerts(), judged.requests(), judged.failedRequests(), judged.clicks(),
        judged.purchases(), judged.seconds(), Map.copyOf(driftAlerts));
  }

  /** Keeps normal traffic and one window per second going until the thread is interrupted. */
  static void serve(RecommendationService service, URI api, MonitorRegistry registry,
      ScenarioClock clock, int rate, long seed) throws InterruptedException {
    Traffic traffic = new Traffic(service, api, clock, seed + 1);
    try {
      long next = clock.elapsedNanos();
      while (!Thread.currentThread().isInterrupted()) {
        traffic.second(next, rate);
        next += 1_000_000_000L;
        clock.sleepUntil(next);
        registry.tickNow();
      }
    } finally {
      traffic.close();
    }
  }

  private static void inject(RecommendationService service, Traffic traffic, Kind kind) {
    RecommendationService.Faults f = service.faults;
    f.promotion = kind == Kind.PROMOTION ? new Catalogue.Promotion(new int[] {
        Catalogue.category("electronics"), Catalogue.category("toys"),
        Catalogue.category("beauty")}, 0.7, 0.3, 0.6) : null;
    f.upstreamShare = kind == Kind.UPSTREAM_CHANGE ? 0.3 : 0;
    f.slowBy = Duration.ofMillis(120);
    f.slowShare = kind == Kind.LATENCY_REGRESSION ? 0.06 : 0;
    traffic.clicksFollowScores = kind != Kind.MODEL_DEGRADATION;
  }

  private static String progress(int window, int total, Phase phase,
      Map<String, ModelSnapshot> snapshots, MonitorRegistry registry, int rate) {
    ModelSnapshot ctr = snapshots.get(CtrModel.NAME);
    ModelSnapshot rec = snapshots.get(RecommendationService.RECOMMENDER);
    String auc = "-";
    String invalid = "-";
    long drifted = 0;
    if (ctr != null) {
      QualitySummary q = ctr.rollingQuality();
      auc = q != null && q.aucPairs() > 0 ? String.format(Locale.ROOT, "%.2f", q.auc()) : "-";
      long calls = ctr.windowOutcomes().completed();
      invalid = calls == 0 ? "-" : String.format(Locale.ROOT, "%.0f%%",
          100.0 * ctr.windowViolations().invalidInputs() / Math.max(1,
              ctr.windowBatches().items()));
      drifted = (long) Signals.driftedFeatures().value(ctr);
    }
    String p99 = rec == null ? "-" : String.format(Locale.ROOT, "%.0fms",
        rec.windowLatency().p99Nanos() / 1e6);
    String firing = registry.activeAlerts().stream()
        .filter(a -> a.state() == AlertEvent.State.FIRING).map(AlertEvent::rule).distinct()
        .collect(Collectors.joining(","));
    return String.format(Locale.ROOT, "[%3ds/%ds] %-18s %3d req/s  p99=%-6s invalid=%-4s "
        + "drifted=%d  AUC(5s)=%-4s  firing: %-40s", window, total, phase.name(), rate, p99,
        invalid, drifted, auc, firing.isEmpty() ? "-" : firing);
  }

  /** Matches every alert that started firing to the incident it caught, or calls it false. */
  static Result judge(List<Phase> phases, double[] begin, double[] end, List<AlertEvent> alerts,
      Instant start, Traffic traffic, double seconds) {
    List<AlertEvent> firings = alerts.stream()
        .filter(a -> a.state() == AlertEvent.State.FIRING && !a.repeat()).toList();
    List<Detection> detections = new ArrayList<>();
    List<FalseAlarm> falseAlarms = new ArrayList<>();
    List<AlertEvent> attributed = new ArrayList<>();
    for (int i = 0; i < phases.size(); i++) {
      Phase p = phases.get(i);
      if (!p.incident()) {
        continue;
      }
      // an incident owns the alerts that start firing from its start until the next incident
      // starts, or until GRACE_WINDOWS after its end if no incident follows
      double until = end[i] + GRACE_WINDOWS;
      for (int j = i + 1; j < phases.size(); j++) {
        if (phases.get(j).incident()) {
          until = Math.min(until, begin[j]);
          break;
        }
      }
      AlertEvent caught = null;
      List<String> also = new ArrayList<>();
      for (AlertEvent a : firings) {
        double at = secondsOf(a, start);
        if (at < begin[i] || at >= until) {
          continue;
        }
        attributed.add(a);
        if (caught == null && a.rule().equals(p.rule()) && a.model().equals(p.model())) {
          caught = a;
        } else {
          also.add(String.format(Locale.ROOT, "%s on %s at %.1fs", a.rule(), a.model(), at));
        }
      }
      detections.add(new Detection(p.name(), begin[i], p.rule(), p.model(),
          caught == null ? null : caught.rule(), caught == null ? null : caught.model(),
          caught == null ? Double.NaN : secondsOf(caught, start), List.copyOf(also)));
    }
    for (AlertEvent a : firings) {
      if (attributed.contains(a)) {
        continue;
      }
      double at = secondsOf(a, start);
      String phase = "after the scenario";
      for (int i = 0; i < phases.size(); i++) {
        if (at >= begin[i] && (at < end[i] || i == phases.size() - 1)) {
          phase = phases.get(i).name();
        }
      }
      falseAlarms.add(new FalseAlarm(a.rule(), a.model(), at, phase));
    }
    return new Result(phases, List.copyOf(detections), List.copyOf(falseAlarms), alerts,
        traffic.requests.get(), traffic.failed.get(), traffic.clicks.get(),
        traffic.purchases.get(), seconds, Map.of());
  }

  private static double secondsOf(AlertEvent a, Instant start) {
    return Duration.between(start, a.startsAt()).toNanos() / 1e9;
  }

  /** Prints the detection table. */
  static void print(Result r, PrintStream out) {
    out.println();
    out.println("Incidents and the alerts that caught them (times in scenario seconds):");
    out.printf(Locale.ROOT, "  %-20s %7s  %-32s %-28s %7s  %s%n", "incident", "start",
        "intended alert", "caught by", "delay", "also fired");
    for (Detection d : r.detections()) {
      out.printf(Locale.ROOT, "  %-20s %6.1fs  %-32s %-28s %7s  %s%n", d.incident(),
          d.startSeconds(), d.intendedRule() + " on " + d.intendedModel(),
          d.detected() ? String.format(Locale.ROOT, "%s at %.1fs", d.rule(), d.firedSeconds())
              : "NOT DETECTED",
          d.detected() ? String.format(Locale.ROOT, "%.1fs", d.delaySeconds()) : "-",
          d.alsoFired().isEmpty() ? "-" : String.join(", ", d.alsoFired()));
    }
    if (r.falseAlarms().isEmpty()) {
      out.println("  false alarms in the normal and recovery phases: none");
    } else {
      for (FalseAlarm f : r.falseAlarms()) {
        out.printf(Locale.ROOT, "  FALSE ALARM: %s on %s at %.1fs (%s)%n", f.rule(), f.model(),
            f.atSeconds(), f.phase());
      }
    }
    out.printf(Locale.ROOT, "  traffic: %d requests (%d failed), %d clicks, %d purchases in "
        + "%.0fs of scenario time%n", r.requests(), r.failedRequests(), r.clicks(),
        r.purchases(), r.seconds());
  }

  /**
   * The shoppers: each request is one user asking the API for 12 items, then clicking each
   * with the real click probability of what they see (or, when clicks no longer follow the
   * scores, all at the same rate whatever the item) and buying some of what
   * they clicked. In real time requests run on eight client threads; on a fast clock one at a
   * time.
   */
  static final class Traffic implements AutoCloseable {

    /** Items shown (and remembered as impressions) per request. */
    static final int SHOWN = 12;
    private static final double PURCHASE_AFTER_CLICK = 0.12;
    /** About the click rate of shown items in normal traffic. */
    private static final double DEGRADED_CLICK_RATE = 0.10;
    private final RecommendationService service;
    private final URI api;
    private final ScenarioClock clock;
    private final long seed;
    private final HttpClient http;
    private final ObjectMapper json = new ObjectMapper();
    private final ExecutorService clients;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong inFlight = new AtomicLong();
    final AtomicLong requests = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    final AtomicLong clicks = new AtomicLong();
    final AtomicLong purchases = new AtomicLong();
    volatile boolean clicksFollowScores = true;

    Traffic(RecommendationService service, URI api, ScenarioClock clock, long seed) {
      this.service = service;
      this.api = api;
      this.clock = clock;
      this.seed = seed;
      this.clients = clock.isFast() ? null : Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "shopper");
        t.setDaemon(true);
        return t;
      });
      this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5)).build();
    }

    /** Sends {@code rate} requests spread evenly over the second from {@code from}. */
    void second(long from, int rate) {
      for (int i = 0; i < rate; i++) {
        clock.sleepUntil(from + i * 1_000_000_000L / rate);
        long n = sent.incrementAndGet();
        if (clients == null) {
          shop(n);
        } else {
          inFlight.incrementAndGet();
          clients.execute(() -> {
            try {
              shop(n);
            } finally {
              inFlight.decrementAndGet();
            }
          });
        }
      }
    }

    /** In real time, waits (at most 2 s) for the requests of the second to finish. */
    void awaitIdle() throws InterruptedException {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (inFlight.get() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(1);
      }
    }

    private void shop(long n) {
      SplittableRandom random = new SplittableRandom(seed * 1_000_003L + n);
      int user = random.nextInt(serviceUsers());
      try {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(api.resolve(
            "/recommend?user=" + user + "&n=" + SHOWN)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString());
        requests.incrementAndGet();
        if (response.statusCode() != 200) {
          failed.incrementAndGet();
          return;
        }
        JsonNode body = json.readTree(response.body());
        String request = body.path("request").asText();
        JsonNode items = body.path("items");
        Catalogue.User u = catalogue().users.get(user);
        double[] p = new double[items.size()];
        for (int k = 0; k < p.length; k++) {
          JsonNode it = items.get(k);
          Catalogue.Item item = catalogue().items.get(it.path("item").asInt());
          p[k] = Catalogue.clickProbability(u, item, it.path("price").asDouble(),
              it.path("discount").asDouble());
        }
        if (!clicksFollowScores) { // tastes changed: clicks have nothing to do with the
          Arrays.fill(p, DEGRADED_CLICK_RATE); // features any more, at the usual rate
        }
        for (int k = 0; k < p.length; k++) {
          if (random.nextDouble() < p[k]) {
            int item = items.get(k).path("item").asInt();
            post(request, item, "click");
            clicks.incrementAndGet();
            if (random.nextDouble() < PURCHASE_AFTER_CLICK) {
              post(request, item, "purchase");
              purchases.incrementAndGet();
            }
          }
        }
      } catch (IOException e) {
        failed.incrementAndGet();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    private void post(String request, int item, String event)
        throws IOException, InterruptedException {
      http.send(HttpRequest.newBuilder(api.resolve("/feedback?request=" + request + "&item="
          + item + "&event=" + event)).POST(HttpRequest.BodyPublishers.noBody()).build(),
          HttpResponse.BodyHandlers.discarding());
    }

    private int serviceUsers() {
      return catalogue().users.size();
    }

    private Catalogue catalogue() {
      return service.catalogue();
    }

    @Override
    public void close() {
      if (clients != null) {
        clients.shutdownNow();
      }
    }
  }
}
