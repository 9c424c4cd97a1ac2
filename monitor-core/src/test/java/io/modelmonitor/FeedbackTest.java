package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.Event;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.JoinCounts;
import io.modelmonitor.feedback.QualitySummary;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class FeedbackTest {

  /** A request: its id and the model's score for it. */
  record Request(String id, double score) {}

  private final FakeTicker ticker = new FakeTicker();

  private ModelMonitor<Request, Double> ctr(MonitorRegistry registry, FeedbackPolicy policy) {
    return registry.<Request, Double>monitorBuilder("ctr", "v1")
        .prediction(PredictionSpec.score(Double::doubleValue))
        .requestId(Request::id)
        .config(MonitorConfig.custom().feedback(policy).build())
        .build();
  }

  @Test
  void quality_matchesExactReferenceValues() {
    SplittableRandom r = new SplittableRandom(1);
    int n = 20_000;
    double[] scores = new double[n];
    boolean[] labels = new boolean[n];
    for (int i = 0; i < n; i++) {
      scores[i] = r.nextDouble();
      labels[i] = r.nextDouble() < 0.2 + 0.5 * scores[i] * scores[i]; // informative scores
    }
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS);
      Function<Request, Double> model = m.decorateFunction(Request::score);
      for (int i = 0; i < n; i++) {
        model.apply(new Request("r" + i, scores[i]));
      }
      ticker.advance(Duration.ofSeconds(3));
      long explicit = 0;
      for (int i = 0; i < n; i++) {
        if (labels[i] || i % 2 == 0) { // every click, half the non-clicks; the rest expire
          m.feedback("r" + i, labels[i]);
          explicit++;
        }
      }
      ticker.advance(Duration.ofMinutes(31)); // every prediction settles in this window
      QualitySummary q = registry.tickNow().get("ctr").windowQuality();

      double logLoss = 0;
      double brier = 0;
      long positives = 0;
      for (int i = 0; i < n; i++) {
        double y = labels[i] ? 1 : 0;
        double p = Math.min(1 - 1e-15, Math.max(1e-15, scores[i]));
        logLoss += -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
        brier += (scores[i] - y) * (scores[i] - y);
        positives += labels[i] ? 1 : 0;
      }
      // AUC by brute force over every positive-negative pair
      double wins = 0;
      long pairs = 0;
      for (int i = 0; i < n; i++) {
        if (!labels[i]) {
          continue;
        }
        for (int j = 0; j < n; j++) {
          if (!labels[j]) {
            pairs++;
            wins += scores[i] > scores[j] ? 1 : scores[i] == scores[j] ? 0.5 : 0;
          }
        }
      }
      assertThat(q.labelled()).isEqualTo(n);
      assertThat(q.positives()).isEqualTo(positives);
      assertThat(q.logLoss()).isCloseTo(logLoss / n, within(1e-12));
      assertThat(q.brier()).isCloseTo(brier / n, within(1e-12));
      assertThat(q.aucPairs()).isEqualTo(pairs);
      assertThat(q.auc()).isCloseTo(wins / pairs, within(1e-3)); // 1000 bins: its resolution
      assertThat(q.joins().joined()).isEqualTo(explicit);
      assertThat(q.joins().expiredNegative()).isEqualTo(n - explicit);
      assertThat(q.joins().remembered()).isEqualTo(n);
      // the explicit delay, 3 s; implicit negatives (30 min) are not delays
      assertThat(q.delayP50Millis()).isBetween(2_970.0, 3_030.0);
      assertThat(q.delayP99Millis()).isBetween(2_970.0, 3_030.0);
      assertThat(q.calibration()).isCloseTo(
          java.util.Arrays.stream(scores).sum() / positives, within(1e-9));
    }
  }

  @Test
  void ranked_metricsForHandCheckedLists() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<String, List<String>> ranker = registry
          .<String, List<String>>monitorBuilder("ranker", "v1")
          .prediction(PredictionSpec.ranked(l -> l, PredictionSpec.RankedOptions.DEFAULTS))
          .requestId(id -> id)
          .config(MonitorConfig.custom().feedback(FeedbackPolicy.DEFAULTS
              .withAttributionWindow(Duration.ofMinutes(5))).build())
          .build();
      ranker.executeFunction(id -> List.of("a", "b", "c", "d", "e"), "q1");
      ranker.executeFunction(id -> List.of("x", "y", "z"), "q2");
      ranker.feedback("q1", "b", Event.CLICK);
      ranker.feedback("q1", "e", Event.PURCHASE);
      ranker.feedback("q1", "a", Event.IMPRESSION); // not positive
      ticker.advance(Duration.ofMinutes(6)); // both lists settle
      QualitySummary q = registry.tickNow().get("ranker").windowQuality();

      double log2 = Math.log(2);
      double ndcg5 = (1 / (Math.log(3) / log2) + 1 / (Math.log(6) / log2))
          / (1 + 1 / (Math.log(3) / log2));
      QualitySummary.RankingQuality at5 = q.ranking().get(0);
      assertThat(at5.k()).isEqualTo(5);
      assertThat(at5.lists()).isEqualTo(2);
      assertThat(at5.precision()).isCloseTo((2 / 5.0 + 0) / 2, within(1e-12));
      assertThat(at5.recall()).isCloseTo(1.0, within(1e-12)); // only q1 has relevant items
      assertThat(at5.ndcg()).isCloseTo(ndcg5 / 2, within(1e-12));
      assertThat(at5.hitRate()).isCloseTo(0.5, within(1e-12));
      assertThat(q.ranking().get(1).precision()).isCloseTo((2 / 10.0) / 2, within(1e-12));
      assertThat(q.mrr()).isCloseTo((1 / 2.0 + 0) / 2, within(1e-12));
      // each list settles once: q1 with feedback, q2 as an implicit negative; 3 item events
      assertThat(q.joins().joined()).isEqualTo(1);
      assertThat(q.joins().expiredNegative()).isEqualTo(1);
      assertThat(q.joins().events()).isEqualTo(3);
      assertThat(q.joins().remembered()).isEqualTo(2);
    }
  }

  private ModelMonitor<String, List<String>> ranker(MonitorRegistry registry,
      FeedbackPolicy policy) {
    return registry.<String, List<String>>monitorBuilder("ranker", "v1")
        .prediction(PredictionSpec.ranked(l -> l, PredictionSpec.RankedOptions.DEFAULTS))
        .requestId(id -> id)
        .config(MonitorConfig.custom().feedback(policy).build())
        .build();
  }

  @Test
  void ranked_listsWithoutFeedbackAreCountedDropped_whenImplicitNegativesAreOff() {
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withAttributionWindow(Duration.ofMinutes(5))
        .withImplicitNegatives(false);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<String, List<String>> ranker = ranker(registry, policy);
      ranker.remember("q1", List.of("a", "b"));
      ranker.remember("q2", List.of("c"));
      ranker.feedback("q1", "b", Event.CLICK);
      ticker.advance(Duration.ofMinutes(6));
      QualitySummary q = registry.tickNow().get("ranker").windowQuality();
      assertThat(q.joins().joined()).isEqualTo(1);
      assertThat(q.joins().expiredDropped()).isEqualTo(1);
      assertThat(q.ranking().get(0).lists()).isEqualTo(1);
      assertThat(q.ranking().get(0).hitRate()).isCloseTo(1.0, within(1e-12));
    }
  }

  @Test
  void ranked_scalarLabelForAList_isUnknownAndDoesNotExtendItsWindow() {
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withAttributionWindow(Duration.ofMinutes(5));
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<String, List<String>> ranker = ranker(registry, policy);
      ranker.remember("q1", List.of("a", "b"));
      ticker.advance(Duration.ofMinutes(4));
      ranker.feedback("q1", true);
      ticker.advance(Duration.ofMinutes(2)); // 6 minutes after the prediction
      QualitySummary q = registry.tickNow().get("ranker").windowQuality();
      assertThat(q.joins().unknown()).isEqualTo(1);
      assertThat(q.joins().expiredNegative()).isEqualTo(1);
      assertThat(q.ranking().get(0).lists()).isEqualTo(1);
    }
  }

  @Test
  void ranked_nullItemInAList_doesNotStopRelevanceOfLaterItems() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<String, List<String>> ranker = ranker(registry, FeedbackPolicy.DEFAULTS
          .withAttributionWindow(Duration.ofMinutes(5)));
      ranker.remember("q1", java.util.Arrays.asList("a", null, "b"));
      ranker.feedback("q1", "b", Event.CLICK);
      ticker.advance(Duration.ofMinutes(6));
      ModelSnapshot s = registry.tickNow().get("ranker");
      QualitySummary.RankingQuality at5 = s.windowQuality().ranking().get(0);
      assertThat(at5.hitRate()).isCloseTo(1.0, within(1e-12));
      assertThat(at5.precision()).isCloseTo(1 / 5.0, within(1e-12));
      assertThat(s.windowQuality().mrr()).isCloseTo(1 / 3.0, within(1e-12));
      assertThat(s.monitorErrors()).isZero();
    }
  }

  @Test
  void joinSemantics_eachOutcomeCountedExactly_expiryWithoutTraffic() {
    int n = 5_000; // more than a cache would expire in one maintenance run
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withAttributionWindow(Duration.ofMinutes(10))
        .withMaxPending(10_000);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, policy);
      Function<Request, Double> model = m.decorateFunction(Request::score);
      for (int i = 0; i < n; i++) {
        model.apply(new Request("r" + i, 0.1));
      }
      m.feedback("r0", true);                 // joined
      m.feedback("r0", false);                // duplicate
      m.feedback("never-seen", true);         // unknown
      ticker.advance(Duration.ofMinutes(11));
      m.feedback("r1", true);                 // late: expired, though no tick has run yet
      QualitySummary w = registry.tickNow().get("ctr").windowQuality();
      // every expiry lands in the window in which the attribution window closed
      assertThat(w.joins().expiredNegative()).isEqualTo(n - 1);
      assertThat(w.labelled()).isEqualTo(n);
      m.feedback("r2", true);                 // late
      ticker.advance(Duration.ofSeconds(1));
      QualitySummary q = registry.tickNow().get("ctr").totalQuality();

      JoinCounts j = q.joins();
      assertThat(j.remembered()).isEqualTo(n);
      assertThat(j.joined()).isEqualTo(1);
      assertThat(j.duplicate()).isEqualTo(1);
      assertThat(j.unknown()).isEqualTo(1);
      assertThat(j.expiredNegative()).isEqualTo(n - 1);
      assertThat(j.late()).isEqualTo(2);
      assertThat(j.evicted()).isZero();
      assertThat(q.labelled()).isEqualTo(n); // 1 explicit + n - 1 implicit negatives
      assertThat(q.positives()).isEqualTo(1);
      assertThat(j.joinRate()).isCloseTo(1.0 / n, within(1e-12));
      assertThat(((io.modelmonitor.internal.DefaultModelMonitor<?, ?>) m).pendingFeedback())
          .isZero();
    }
  }

  @Test
  void pendingCap_evictsTheOldestPredictions_newestStayJoinable() {
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withMaxPending(1_000)
        .withImplicitNegatives(false);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, policy);
      for (int i = 0; i < 3_000; i++) {
        m.remember("r" + i, 0.5);
        ticker.advance(Duration.ofMillis(1));
      }
      m.feedback("r0", true); // evicted
      for (int i = 2_000; i < 3_000; i++) {
        m.feedback("r" + i, true);
      }
      QualitySummary q = m.snapshot().totalQuality();
      assertThat(q.joins().joined()).isEqualTo(1_000);
      assertThat(q.joins().evicted()).isEqualTo(2_000);
      assertThat(q.joins().late()).isEqualTo(1);
      assertThat(q.joins().unknown()).isZero();
    }
  }

  @Test
  void hugeOrOutOfRangeScores_countForTheRate_neverBreakTheSummaryOrTheScrape() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .meterRegistry(prometheus).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withImplicitNegatives(false));
      m.remember("a", 1e200); // finite, but its square overflows
      m.remember("b", -3.0);
      m.remember("c", 0.5);
      m.feedback("a", true);
      m.feedback("b", true);
      m.feedback("c", false);
      ticker.advance(Duration.ofSeconds(10));
      ModelSnapshot s = registry.tickNow().get("ctr");
      QualitySummary q = s.windowQuality();
      assertThat(q.labelled()).isEqualTo(3);
      assertThat(q.positives()).isEqualTo(2);
      assertThat(q.positiveRate()).isCloseTo(2 / 3.0, within(1e-12));
      assertThat(q.meanPredicted()).isCloseTo(0.5, within(1e-12)); // only c is a score
      assertThat(q.brier()).isCloseTo(0.25, within(1e-12));
      assertThat(q.logLoss()).isCloseTo(Math.log(2), within(1e-12));
      assertThat(q.calibration()).isZero(); // undefined: no positive among the scored
      assertThat(m.snapshot().totalQuality().labelled()).isEqualTo(3);
      assertThat(s.monitorErrors()).isZero();
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_quality{model=\"ctr\",statistic=\"brier\","
          + "version=\"v1\"} 0.25");
      assertThat(scrape).doesNotContain("NaN");
    }
  }

  @Test
  void twoThreadsSendingTheSameLabels_duplicatesCountedExactly_noneUnknown() throws Exception {
    int n = 200_000;
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withMaxPending(1_000_000).withImplicitNegatives(false));
      for (int i = 0; i < n; i++) {
        m.remember(i, 0.2);
      }
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> senders = new ArrayList<>();
      for (int t = 0; t < 2; t++) {
        Thread sender = new Thread(() -> {
          awaitQuietly(start);
          for (int i = 0; i < n; i++) {
            m.feedback(i, i % 3 == 0);
          }
        });
        senders.add(sender);
        sender.start();
      }
      start.countDown();
      for (Thread sender : senders) {
        sender.join();
      }
      QualitySummary q = m.snapshot().totalQuality();
      assertThat(q.joins().joined()).isEqualTo(n);
      assertThat(q.joins().duplicate()).isEqualTo(n);
      assertThat(q.joins().unknown()).isZero();
      assertThat(q.joins().late()).isZero();
      assertThat(q.positives()).isEqualTo((n + 2) / 3);
    }
  }

  @Test
  void rollingQuality_spansTheLastWindows() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .defaultConfig(MonitorConfig.custom().drift(io.modelmonitor.drift.DriftPolicy.DEFAULTS
            .withRollingWindows(2)).build()).build()) {
      ModelMonitor<Request, Double> m = registry.<Request, Double>monitorBuilder("ctr", "v1")
          .prediction(PredictionSpec.score(Double::doubleValue))
          .config(MonitorConfig.custom().drift(io.modelmonitor.drift.DriftPolicy.DEFAULTS
              .withRollingWindows(2)).feedback(FeedbackPolicy.DEFAULTS
              .withImplicitNegatives(false)).build())
          .build();
      long id = 0;
      for (int w = 1; w <= 3; w++) { // windows with 1, 2 and 3 labels
        for (int i = 0; i < w; i++) {
          m.remember(id, 0.5);
          m.feedback(id++, true);
        }
        ticker.advance(Duration.ofSeconds(10));
        registry.tickNow();
      }
      ModelSnapshot s = m.snapshot();
      assertThat(s.windowQuality().labelled()).isEqualTo(3);
      assertThat(s.rollingQuality().labelled()).isEqualTo(5);
      assertThat(s.totalQuality().labelled()).isEqualTo(6);
    }
  }

  @Test
  void implicitNegativesOff_expiredPredictionsAreDropped() {
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withAttributionWindow(Duration.ofMinutes(1))
        .withImplicitNegatives(false);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, policy);
      m.remember("a", 0.4);
      m.remember("b", 0.4);
      m.feedback("a", true);
      ticker.advance(Duration.ofMinutes(2));
      QualitySummary q = registry.tickNow().get("ctr").windowQuality();
      assertThat(q.joins().expiredDropped()).isEqualTo(1);
      assertThat(q.labelled()).isEqualTo(1);
    }
  }

  @Test
  void eightPredictingThreadsAndFourFeedbackThreads_expiryEvictionAndDuplicates_exactTotals()
      throws Exception {
    // a fake ticker the predictors move 5 us per call: a 200 ms window holds ~40,000 calls,
    // three quarters never labelled, so the 20,000 cap evicts; every label is sent twice
    FeedbackPolicy policy = FeedbackPolicy.DEFAULTS.withMaxPending(20_000)
        .withAttributionWindow(Duration.ofMillis(200)).withImplicitNegatives(false);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, policy);
      Function<Request, Double> model = m.decorateFunction(Request::score);
      ConcurrentLinkedQueue<String> made = new ConcurrentLinkedQueue<>();
      AtomicBoolean predicting = new AtomicBoolean(true);
      AtomicLong sent = new AtomicLong();
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> predictors = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int id = t;
        Thread p = new Thread(() -> {
          awaitQuietly(start);
          for (int i = 0; i < 20_000; i++) {
            String requestId = id + "-" + i;
            model.apply(new Request(requestId, 0.3));
            ticker.advanceNanos(5_000);
            if (i % 4 == 0) {
              made.add(requestId);
            }
          }
        });
        predictors.add(p);
        p.start();
      }
      List<Thread> feeders = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        Thread f = new Thread(() -> {
          awaitQuietly(start);
          while (predicting.get() || !made.isEmpty()) {
            String id = made.poll();
            if (id == null) {
              Thread.onSpinWait();
              continue;
            }
            boolean positive = id.hashCode() % 3 == 0;
            m.feedback(id, positive);
            m.feedback(id, positive); // a retried delivery
            sent.addAndGet(2);
          }
        });
        feeders.add(f);
        f.start();
      }
      start.countDown();
      for (Thread p : predictors) {
        p.join();
      }
      predicting.set(false);
      for (Thread f : feeders) {
        f.join();
      }
      ticker.advance(Duration.ofSeconds(1)); // everything still pending expires
      QualitySummary q = m.snapshot().totalQuality();
      JoinCounts j = q.joins();
      assertThat(sent).hasValue(80_000);
      assertThat(j.remembered()).isEqualTo(160_000);
      // every prediction settled exactly once
      assertThat(j.joined() + j.expiredDropped() + j.evicted()).isEqualTo(160_000);
      // every feedback call landed exactly once
      assertThat(j.joined() + j.late() + j.duplicate() + j.unknown()).isEqualTo(80_000);
      assertThat(j.evicted()).as("the cap evicted").isPositive();
      assertThat(j.expiredDropped()).as("predictions expired").isPositive();
      // the second delivery of a joined label is a duplicate, unless so many predictions
      // settled in between that its id was forgotten (then unknown)
      assertThat(j.duplicate()).as("second deliveries of joined labels")
          .isBetween(j.joined() - j.unknown(), j.joined()).isPositive();
      assertThat(q.labelled()).isEqualTo(j.joined());
      assertThat(((io.modelmonitor.internal.DefaultModelMonitor<?, ?>) m).pendingFeedback())
          .isZero();
    }
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void tenMillionDistinctRequestIds_memoryStaysAtTheCap_evictionsCounted() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withMaxPending(10_000));
      System.gc();
      long before = usedHeap();
      for (long i = 0; i < 10_000_000L; i++) {
        m.remember(i, 0.5); // boxed Long ids: each one distinct
      }
      System.gc();
      long grown = usedHeap() - before;
      QualitySummary q = m.snapshot().totalQuality();
      long pending = ((io.modelmonitor.internal.DefaultModelMonitor<?, ?>) m).pendingFeedback();
      assertThat(pending).isLessThanOrEqualTo(10_000);
      assertThat(q.joins().remembered()).isEqualTo(10_000_000L);
      assertThat(q.joins().evicted() + pending).isEqualTo(10_000_000L);
      assertThat(grown).as("heap growth").isLessThan(64L << 20);
    }
  }

  private static long usedHeap() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }

  @Test
  void cusum_staysQuietOnAStableStream_catchesACollapseWithinMinutesOfTraffic() {
    SplittableRandom r = new SplittableRandom(7);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      // explicit labels both ways: each outcome is final at its label
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withImplicitNegatives(false));
      long id = 0;
      for (int i = 0; i < 200_000; i++) { // well calibrated: clicks at the predicted rate
        double p = 0.02 + 0.08 * r.nextDouble();
        m.remember(id, p);
        m.feedback(id++, r.nextDouble() < p);
      }
      QualitySummary stable = m.snapshot().totalQuality();
      assertThat(stable.cusum().alarms()).isZero();
      assertThat(stable.cusum().threshold()).isCloseTo(Math.log(1e7), within(1e-12));

      long collapseAt = id;
      long alarmAt = -1;
      for (int i = 0; i < 50_000 && alarmAt < 0; i++) { // the CTR collapses to a third
        double p = 0.02 + 0.08 * r.nextDouble();
        m.remember(id, p);
        m.feedback(id++, r.nextDouble() < p / 3);
        if (m.snapshot().totalQuality().cusum().alarms() > 0) {
          alarmAt = id;
        }
      }
      // at 100 labels per second, 6,000 labels is a minute of traffic
      assertThat(alarmAt - collapseAt).isBetween(1L, 6_000L);
    }
  }

  @Test
  void prometheus_exportsJoinOutcomesQualityRankingAndCusum() {
    io.micrometer.prometheusmetrics.PrometheusMeterRegistry prometheus =
        new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
            io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker)
        .meterRegistry(prometheus).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS);
      m.remember("a", 0.8);
      m.remember("b", 0.2);
      m.feedback("a", true);
      m.feedback("b", false);
      m.feedback("zzz", true);
      ticker.advance(Duration.ofMinutes(31)); // labelled predictions settle with their window
      registry.tickNow();
      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_feedback_total{model=\"ctr\",outcome=\"joined\","
          + "version=\"v1\"} 2.0");
      assertThat(scrape).contains("model_feedback_total{model=\"ctr\",outcome=\"unknown\","
          + "version=\"v1\"} 1.0");
      assertThat(scrape).contains("model_quality{model=\"ctr\",statistic=\"auc\","
          + "version=\"v1\"} 1.0");
      assertThat(scrape).contains("model_quality_ranking{k=\"5\",model=\"ctr\","
          + "statistic=\"ndcg\",version=\"v1\"} 0.0");
      assertThat(scrape).contains("model_quality_cusum_alarms_total{model=\"ctr\"");
      assertThat(scrape).contains("model_feedback_pending{model=\"ctr\",version=\"v1\"} 0.0");
      assertThat(scrape).doesNotContain("NaN");
    }
  }

  @Test
  void nanScores_countForTheObservedRate_butNeverPoisonScoreMetricsOrTheCusum() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withImplicitNegatives(false));
      long id = 0;
      for (int i = 0; i < 100; i++) {
        m.remember(id, Double.NaN); // e.g. a NaN feature upstream
        m.feedback(id++, true);
      }
      SplittableRandom r = new SplittableRandom(3);
      long collapseAt = id;
      long alarmAt = -1;
      for (int i = 0; i < 20_000 && alarmAt < 0; i++) {
        m.remember(id, 0.3);
        m.feedback(id++, r.nextDouble() < 0.1); // a third of the predicted rate
        if (m.snapshot().totalQuality().cusum().alarms() > 0) {
          alarmAt = id;
        }
      }
      QualitySummary q = m.snapshot().totalQuality();
      assertThat(q.meanPredicted()).isCloseTo(0.3, within(1e-12));
      assertThat(q.logLoss()).isFinite();
      assertThat(alarmAt).as("the CUSUM still alarms after NaN scores").isPositive();
      assertThat(alarmAt - collapseAt).isLessThan(2_000);
    }
  }

  @Test
  void cusum_trafficDropWithImplicitNegatives_raisesNoFalseAlarm() {
    // a calibrated model; clicks come back 5 s after the prediction, non-clicks never do.
    // Traffic falls from 100/s to 60/s: positives from now must not meet negatives from 30
    // minutes ago, or the observed rate looks like 60 % of the predicted one.
    SplittableRandom r = new SplittableRandom(11);
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = ctr(registry, FeedbackPolicy.DEFAULTS
          .withMaxPending(1_000_000));
      java.util.ArrayDeque<long[]> clicks = new java.util.ArrayDeque<>(); // {due, id}
      long id = 0;
      long made = 0;
      double predicted = 0;
      long positives = 0;
      int seconds = 70 * 60;
      for (int second = 0; second < seconds; second++) {
        int rate = second < 40 * 60 ? 100 : 60;
        for (int i = 0; i < rate; i++) {
          ticker.advanceNanos(1_000_000_000L / rate);
          long now = ticker.read();
          while (!clicks.isEmpty() && clicks.peekFirst()[0] <= now) {
            m.feedback(clicks.pollFirst()[1], true);
          }
          double p = 0.02 + 0.08 * r.nextDouble();
          boolean click = r.nextDouble() < p;
          m.remember(id, p);
          if (second < seconds - 30 * 60) { // settled by the end
            made++;
            predicted += p;
            positives += click ? 1 : 0;
          }
          if (click) {
            clicks.addLast(new long[] {now + 5_000_000_000L, id});
          }
          id++;
        }
        if (second % 60 == 59) {
          registry.tickNow();
        }
      }
      QualitySummary q = m.snapshot().totalQuality();
      assertThat(q.cusum().alarms()).isZero();
      assertThat(q.labelled()).isBetween(made - 1, made); // the last may sit on the boundary
      assertThat(q.joins().evicted()).isZero();
      // the settled stream is calibrated: observed positives match the scores
      assertThat((double) q.positives() / q.labelled())
          .isCloseTo(predicted / made, within(0.002));
      assertThat(q.positives()).isBetween(positives - 1, positives);
    }
  }

  @Test
  void cusumAlarmFlag_clearsOnceAlarmsStop_rollingReflectsItsWindows() {
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = registry.<Request, Double>monitorBuilder("ctr", "v1")
          .prediction(PredictionSpec.score(Double::doubleValue))
          .config(MonitorConfig.custom().drift(io.modelmonitor.drift.DriftPolicy.DEFAULTS
              .withRollingWindows(2)).feedback(FeedbackPolicy.DEFAULTS
              .withImplicitNegatives(false)).build())
          .build();
      long id = 0;
      for (int i = 0; i < 1_000; i++) { // predicted 30 %, never clicked: alarms
        m.remember(id, 0.3);
        m.feedback(id++, false);
      }
      ticker.advance(Duration.ofSeconds(10));
      ModelSnapshot first = registry.tickNow().get("ctr");
      assertThat(first.windowQuality().cusum().alarm()).isTrue();
      assertThat(first.rollingQuality().cusum().alarm()).isTrue();
      assertThat(first.totalQuality().cusum().alarm()).isTrue();
      long alarms = first.totalQuality().cusum().alarms();
      assertThat(alarms).isPositive();
      ModelSnapshot s = null;
      for (int w = 0; w < 2; w++) { // two quiet windows push the alarm out of the rolling view
        ticker.advance(Duration.ofSeconds(10));
        s = registry.tickNow().get("ctr");
      }
      assertThat(s.windowQuality().cusum().alarm()).isFalse();
      assertThat(s.rollingQuality().cusum().alarm()).isFalse();
      assertThat(s.totalQuality().cusum().alarm()).isFalse();
      assertThat(s.totalQuality().cusum().alarms()).isEqualTo(alarms);
    }
  }

  @Test
  void offlineAuc_fromTheBaseline_isReportedNextToTheOnlineOne() {
    Baseline baseline = Baseline.builder().metric("test_auc", 0.78)
        .predictions(new double[] {0.1, 0.2, 0.3}).build();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Request, Double> m = registry.<Request, Double>monitorBuilder("ctr", "v1")
          .baseline(baseline).prediction(PredictionSpec.score(Double::doubleValue)).build();
      assertThat(m.snapshot().totalQuality().offlineAuc()).isEqualTo(0.78);
    }
  }
}
