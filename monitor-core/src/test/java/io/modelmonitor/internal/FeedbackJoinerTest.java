package io.modelmonitor.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.JoinCounts;
import io.modelmonitor.feedback.QualitySummary;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FeedbackJoinerTest {

  private final AtomicLong now = new AtomicLong();

  /** An empty span written out by hand: every count and metric 0, the CUSUM at rest. */
  private static QualitySummary emptySummary(FeedbackPolicy policy, double offlineAuc) {
    List<QualitySummary.RankingQuality> ranking = new ArrayList<>();
    for (int k : policy.ks()) {
      ranking.add(new QualitySummary.RankingQuality(k, 0, 0, 0, 0, 0));
    }
    return new QualitySummary(JoinCounts.EMPTY, 0, 0, 0, 0, 0, 0, 0, 0, 0, offlineAuc, 0, 0,
        ranking, 0, new QualitySummary.CusumState(0, policy.cusumThreshold(), false, 0));
  }

  @Test
  void neverFed_keepsNoStatistics_reportsEmptySpansEveryWindow() {
    FeedbackJoiner joiner = new FeedbackJoiner(FeedbackPolicy.DEFAULTS, now::get, 0.75, 5);
    QualitySummary expected = emptySummary(FeedbackPolicy.DEFAULTS, 0.75);

    for (int w = 0; w < 7; w++) { // more windows than the rolling ring holds
      now.addAndGet(60_000_000_000L);
      joiner.cleanUp();
      assertThat(joiner.closeWindow()).containsExactly(expected, expected);
    }
    assertThat(joiner.total()).isEqualTo(expected);
    assertThat(joiner.pendingCount()).isZero();
    assertThat(joiner.hasStatistics()).isFalse();
  }

  @Test
  void firstFeedbackForAnUnknownId_createsTheStatisticsAndCountsIt() {
    FeedbackJoiner joiner = new FeedbackJoiner(FeedbackPolicy.DEFAULTS, now::get, 0.75, 5);
    joiner.closeWindow(); // a window passes before any feedback

    joiner.feedback("nobody", 1.0);

    assertThat(joiner.hasStatistics()).isTrue();
    assertThat(joiner.total().joins().unknown()).isEqualTo(1);
    QualitySummary[] closed = joiner.closeWindow();
    assertThat(closed[0].joins().unknown()).isEqualTo(1);
    assertThat(closed[1].joins().unknown()).isEqualTo(1); // the rolling view holds it too
  }

  @Test
  void manyThreadsRememberingFirst_createTheStatisticsOnce_countsExact() throws Exception {
    FeedbackPolicy policy = new FeedbackPolicy(FeedbackPolicy.DEFAULTS.attributionWindow(),
        1_000, true, FeedbackPolicy.DEFAULTS.positiveEvent(), FeedbackPolicy.DEFAULTS.ks(), 0.5,
        1e7, 1_000);
    FeedbackJoiner joiner = new FeedbackJoiner(policy, now::get, 0.5, 5);
    int threads = 8;
    int perThread = 20_000;
    CountDownLatch go = new CountDownLatch(1);
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      Thread w = new Thread(() -> {
        try {
          go.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        for (int i = 0; i < perThread; i++) {
          joiner.remember(id + ":" + i, 0.5);
          if (i % 10 == 0) {
            joiner.feedback(id + ":" + i, 1.0);
          }
        }
      });
      w.start();
      workers.add(w);
    }
    go.countDown();
    for (Thread w : workers) {
      w.join();
    }

    JoinCounts joins = joiner.total().joins();
    long total = (long) threads * perThread;
    assertThat(joins.remembered()).isEqualTo(total);
    assertThat(joiner.pendingCount()).isEqualTo(1_000);
    // every prediction not pending left by eviction: labelled ones count as joined
    assertThat(joins.joined() + joins.evicted()).isEqualTo(total - 1_000);
    // every label found its prediction pending (joined once evicted, or still pending) or
    // already evicted (late, or unknown once the bounded settled map forgot it); none twice
    long labels = total / 10;
    long settledLabels = joins.joined() + joins.late() + joins.unknown();
    assertThat(settledLabels).isBetween(labels - 1_000, labels);
    assertThat(joins.duplicate()).isZero();
  }
}
