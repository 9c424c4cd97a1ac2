package io.modelmonitor.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.RemovalCause;
import io.modelmonitor.Ticker;
import io.modelmonitor.feedback.Event;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.QualitySummary;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Joins delayed feedback to the predictions that caused it.
 *
 * <p>Design note. Pending predictions live in a Caffeine cache bounded by
 * {@link FeedbackPolicy#maxPending()} and expiring {@link FeedbackPolicy#attributionWindow()}
 * after they were made, on the registry's ticker; its eviction listener runs synchronously and
 * settles every prediction that leaves without a label (expired: a negative or dropped; evicted
 * by size: counted). A second bounded cache remembers recently settled ids, so feedback arriving
 * twice or too late is told apart from feedback for ids never seen. The reporter tick calls
 * {@link #cleanUp()}, so expiry happens even when traffic stops. Scalar predictions settle at
 * their first label; ranked lists collect events until their window closes, then settle with
 * the relevance they gathered. Every count and metric changes under one lock.
 */
final class FeedbackJoiner {

  /** One prediction waiting for feedback. */
  private static final class Pending {
    final double score;
    final Object[] items; // null for scalar predictions
    final boolean[] relevant;
    final long madeAt;

    Pending(double score, Object[] items, long madeAt) {
      this.score = score;
      this.items = items;
      this.relevant = items == null ? null : new boolean[items.length];
      this.madeAt = madeAt;
    }
  }

  private final FeedbackPolicy policy;
  private final Ticker ticker;
  private final double offlineAuc;
  private final Cache<Object, Pending> pending;
  private final Cache<Object, Boolean> settled;
  private final Object lock = new Object();
  private final QualityAccumulator window;
  private final QualityAccumulator total;
  /** The last closed windows, for the rolling view; guarded by lock. */
  private final QualityAccumulator[] ring;
  private int ringNext;
  private final QualityAccumulator rolling;
  private final double threshold;
  private double cusum;
  private long alarms;
  private boolean alarmInWindow;

  FeedbackJoiner(FeedbackPolicy policy, Ticker ticker, double offlineAuc, int rollingWindows) {
    this.policy = policy;
    this.ticker = ticker;
    this.offlineAuc = offlineAuc;
    this.window = new QualityAccumulator(policy);
    this.total = new QualityAccumulator(policy);
    this.ring = new QualityAccumulator[rollingWindows];
    for (int i = 0; i < rollingWindows; i++) {
      ring[i] = new QualityAccumulator(policy);
    }
    this.rolling = new QualityAccumulator(policy);
    this.threshold = policy.cusumThreshold();
    long windowNanos = policy.attributionWindow().toNanos();
    this.pending = Caffeine.newBuilder()
        .maximumSize(policy.maxPending())
        .expireAfterWrite(windowNanos, TimeUnit.NANOSECONDS)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .<Object, Pending>evictionListener((id, p, cause) -> settle(id, p, cause))
        .build();
    this.settled = Caffeine.newBuilder()
        .maximumSize(policy.maxPending())
        .expireAfterWrite(4 * windowNanos, TimeUnit.NANOSECONDS)
        .ticker(ticker::read)
        .executor(Runnable::run)
        .build();
  }

  private long millisSince(long madeAt) {
    return Math.max(0, (ticker.read() - madeAt) / 1_000_000);
  }

  void remember(Object requestId, double score) {
    store(requestId, new Pending(score, null, ticker.read()));
  }

  void rememberRanked(Object requestId, List<?> items) {
    store(requestId, new Pending(Double.NaN, items.toArray(), ticker.read()));
  }

  private void store(Object requestId, Pending p) {
    Pending replaced = pending.asMap().put(requestId, p);
    synchronized (lock) {
      window.remembered++;
      total.remembered++;
      if (replaced != null) { // the earlier prediction under this id can never be joined now
        window.evicted++;
        total.evicted++;
      }
    }
  }

  void feedback(Object requestId, double label) {
    Pending p = pending.asMap().remove(requestId);
    if (p == null || p.items != null) {
      if (p != null) { // a label for a ranked list: put it back, it waits for item events
        pending.asMap().putIfAbsent(requestId, p);
      }
      miss(requestId);
      return;
    }
    settled.put(requestId, Boolean.TRUE);
    synchronized (lock) {
      window.joined++;
      total.joined++;
      label(p.score, label, millisSince(p.madeAt));
    }
  }

  void feedback(Object requestId, Object itemId, Event event) {
    Pending p = pending.getIfPresent(requestId);
    if (p == null) {
      miss(requestId);
      return;
    }
    if (p.items == null) { // scalar model: the event is its label
      feedback(requestId, event.compareTo(policy.positiveEvent()) >= 0 ? 1 : 0);
      return;
    }
    synchronized (lock) {
      if (event.compareTo(policy.positiveEvent()) >= 0) {
        for (int i = 0; i < p.items.length; i++) {
          if (p.items[i].equals(itemId)) {
            p.relevant[i] = true;
          }
        }
      }
      window.joined++;
      total.joined++;
    }
  }

  private void miss(Object requestId) {
    Boolean s = settled.getIfPresent(requestId);
    synchronized (lock) {
      if (Boolean.TRUE.equals(s)) {
        window.duplicate++;
        total.duplicate++;
      } else if (Boolean.FALSE.equals(s)) {
        window.late++;
        total.late++;
      } else {
        window.unknown++;
        total.unknown++;
      }
    }
  }

  /** Called by the cache when a prediction leaves it without an explicit label. */
  private void settle(Object id, Pending p, RemovalCause cause) {
    settled.put(id, Boolean.FALSE); // feedback from now on is late
    synchronized (lock) {
      if (cause != RemovalCause.EXPIRED) {
        window.evicted++;
        total.evicted++;
        return;
      }
      if (p.items != null) { // a ranked list: its window closed with the events it gathered
        boolean any = false;
        for (boolean r : p.relevant) {
          any |= r;
        }
        if (any || policy.implicitNegatives()) {
          window.addRanked(p.relevant);
          total.addRanked(p.relevant);
        }
        return;
      }
      if (policy.implicitNegatives()) {
        window.expiredNegative++;
        total.expiredNegative++;
        label(p.score, 0, policy.attributionWindow().toMillis());
      } else {
        window.expiredDropped++;
        total.expiredDropped++;
      }
    }
  }

  /**
   * Records one labelled scalar prediction and feeds the CUSUM. Holds the lock.
   *
   * <p>The CUSUM accumulates the log-likelihood ratio of "the true rate is {@code ratio} times
   * the predicted one" against "the model is right", per label; it resets at 0 and alarms at
   * {@code ln(runLength)}, which by Wald's bound keeps at least {@code runLength} labels between
   * false alarms on a stable stream.
   */
  private void label(double score, double label, long delayMillis) {
    window.addScalar(score, label, delayMillis);
    total.addScalar(score, label, delayMillis);
    if (!Double.isFinite(score)) {
      return; // nothing predicted to test the label against
    }
    double p0 = Math.min(1 - 1e-6, Math.max(1e-6, score));
    double p1 = Math.min(1 - 1e-6, Math.max(1e-6, p0 * policy.cusumRatio()));
    double llr = label * Math.log(p1 / p0) + (1 - label) * Math.log((1 - p1) / (1 - p0));
    cusum = Math.max(0, cusum + llr);
    if (cusum >= threshold) {
      alarms++;
      alarmInWindow = true;
      cusum = 0; // restart, to detect the next change
    }
  }

  /** Runs pending expiries now, with or without traffic. */
  void cleanUp() {
    pending.cleanUp();
    settled.cleanUp();
  }

  long pendingCount() {
    return pending.estimatedSize();
  }

  /** Closes the window: its summary, and the rolling one over the last windows. */
  QualitySummary[] closeWindow() {
    cleanUp();
    synchronized (lock) {
      QualitySummary s = window.summary(offlineAuc, state(alarmInWindow));
      QualityAccumulator slot = ring[ringNext];
      slot.reset();
      slot.mergeFrom(window);
      ringNext = (ringNext + 1) % ring.length;
      rolling.reset();
      for (QualityAccumulator a : ring) {
        rolling.mergeFrom(a);
      }
      QualitySummary r = rolling.summary(offlineAuc, state(alarms > 0));
      window.reset();
      alarmInWindow = false;
      return new QualitySummary[] {s, r};
    }
  }

  QualitySummary total() {
    cleanUp();
    synchronized (lock) {
      return total.summary(offlineAuc, state(alarms > 0));
    }
  }

  private QualitySummary.CusumState state(boolean alarm) {
    return new QualitySummary.CusumState(cusum, threshold, alarm, alarms);
  }
}
