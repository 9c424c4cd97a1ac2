package io.modelmonitor.internal;

import io.modelmonitor.Ticker;
import io.modelmonitor.feedback.Event;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.feedback.QualitySummary;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Joins delayed feedback to the predictions that caused it.
 *
 * <p>Design note. Everything happens under one lock: the pending predictions, the settled ids,
 * every count and metric. Pending predictions sit in an insertion-ordered map; their
 * {@code madeAt} is read from the ticker under the lock, so map order is prediction order. Every
 * call first expires the head of the map (all predictions older than the attribution window, with
 * no batch limit), and the cap {@link FeedbackPolicy#maxPending()} evicts the oldest, so both
 * expiry and eviction are strictly first-in first-out. The reporter tick calls
 * {@link #cleanUp()}, so expiry happens even when traffic stops; otherwise the expiry work runs
 * on whichever thread (predicting or feeding back) calls next, under the lock.
 *
 * <p>A prediction's outcome is recorded (join counts, label statistics, CUSUM) when it settles.
 * With implicit negatives, a labelled scalar prediction stays pending with its label until its
 * window closes: an unlabelled prediction is only known to be negative at that point, so
 * recording explicit labels earlier would feed the label stream positives from now and
 * negatives from one window ago, a bias whenever traffic changes. Settling in prediction order
 * keeps the stream unbiased. Without implicit negatives every outcome is explicit and settles
 * at its first label. A bounded, insertion-ordered map of settled ids (twice the pending cap)
 * tells feedback arriving twice or too late from feedback for ids never seen; an id moves from
 * pending to settled in one step under the lock, so no concurrent duplicate is miscounted.
 *
 * <p>The quality statistics (histograms of delays and of scores for the AUC, per span) are
 * created under the lock by the first remembered prediction or feedback; before that every
 * span is empty and reports the summary of an empty accumulator, so a monitor that never joins
 * feedback does not keep them.
 */
final class FeedbackJoiner {

  /** One prediction waiting for feedback; fields other than the finals are guarded by lock. */
  private static final class Pending {
    final double score;
    final Object[] items; // null for scalar predictions
    final boolean[] relevant;
    long madeAt;
    boolean labelled; // a scalar label arrived (kept pending until the window closes)
    double label;
    long delayMillis;
    boolean gotEvent; // a ranked list got at least one item event

    Pending(double score, Object[] items) {
      this.score = score;
      this.items = items;
      this.relevant = items == null ? null : new boolean[items.length];
    }
  }

  private final FeedbackPolicy policy;
  private final Ticker ticker;
  private final double offlineAuc;
  private final long windowNanos;
  private final Object lock = new Object();
  /** Pending predictions in prediction order; guarded by lock. */
  private final LinkedHashMap<Object, Pending> pending = new LinkedHashMap<>();
  /** Recently settled ids, oldest first: TRUE if labelled, FALSE if not; guarded by lock. */
  private final LinkedHashMap<Object, Boolean> settled;
  private final int rollingWindows;
  /**
   * The quality statistics, created under the lock by the first prediction remembered or
   * feedback received: a monitor that never joins feedback keeps none of their histograms.
   * Until then every span is empty and {@link #empty} stands for its summary.
   */
  private Spans spans;
  /** The summary of an empty span with no CUSUM state: what every span reports before spans. */
  private final QualitySummary empty;
  private final double threshold;
  private double cusum;
  private long alarms;
  private boolean alarmInLastWindow;

  FeedbackJoiner(FeedbackPolicy policy, Ticker ticker, double offlineAuc, int rollingWindows) {
    this.policy = policy;
    this.ticker = ticker;
    this.offlineAuc = offlineAuc;
    this.windowNanos = policy.attributionWindow().toNanos();
    this.rollingWindows = rollingWindows;
    this.threshold = policy.cusumThreshold();
    // the same code that summarises a real empty span, run once on a throwaway accumulator
    this.empty = new QualityAccumulator(policy).summary(offlineAuc, state(false));
    long settledCap = 2 * policy.maxPending();
    this.settled = new LinkedHashMap<>() {
      @Override
      protected boolean removeEldestEntry(Map.Entry<Object, Boolean> eldest) {
        return size() > settledCap;
      }
    };
  }

  /** The statistics of every span, all created at once. */
  private static final class Spans {
    final QualityAccumulator window;
    final QualityAccumulator total;
    /** The last closed windows, for the rolling view. */
    final QualityAccumulator[] ring;
    int ringNext;
    final QualityAccumulator rolling;

    Spans(FeedbackPolicy policy, int rollingWindows) {
      this.window = new QualityAccumulator(policy);
      this.total = new QualityAccumulator(policy);
      this.ring = new QualityAccumulator[rollingWindows];
      for (int i = 0; i < rollingWindows; i++) {
        ring[i] = new QualityAccumulator(policy);
      }
      this.rolling = new QualityAccumulator(policy);
    }
  }

  /** The spans, created on first use. Holds the lock. */
  private Spans spans() {
    Spans s = spans;
    if (s == null) {
      s = new Spans(policy, rollingWindows);
      spans = s;
    }
    return s;
  }

  void remember(Object requestId, double score) {
    store(requestId, new Pending(score, null));
  }

  void rememberRanked(Object requestId, List<?> items) {
    store(requestId, new Pending(Double.NaN, items.toArray()));
  }

  private void store(Object requestId, Pending p) {
    synchronized (lock) {
      long now = ticker.read();
      expire(now);
      p.madeAt = now;
      Spans q = spans();
      q.window.remembered++;
      q.total.remembered++;
      Pending replaced = pending.remove(requestId);
      if (replaced != null) { // the earlier prediction under this id can never be joined now
        settle(requestId, replaced, false);
      }
      pending.put(requestId, p);
      if (pending.size() > policy.maxPending()) { // at most one over: evict the oldest
        Iterator<Map.Entry<Object, Pending>> it = pending.entrySet().iterator();
        Map.Entry<Object, Pending> oldest = it.next();
        it.remove();
        settle(oldest.getKey(), oldest.getValue(), false);
      }
    }
  }

  void feedback(Object requestId, double label) {
    synchronized (lock) {
      long now = ticker.read();
      expire(now);
      Pending p = pending.get(requestId);
      if (p == null) {
        miss(requestId);
      } else if (p.items != null) { // a scalar label cannot join a ranked list
        spans().window.unknown++;
        spans().total.unknown++;
      } else {
        labelScalar(requestId, p, label, now);
      }
    }
  }

  void feedback(Object requestId, Object itemId, Event event) {
    boolean positive = event.compareTo(policy.positiveEvent()) >= 0;
    synchronized (lock) {
      long now = ticker.read();
      expire(now);
      Pending p = pending.get(requestId);
      if (p == null) {
        miss(requestId);
        return;
      }
      if (p.items == null) { // scalar model: the event is its label
        labelScalar(requestId, p, positive ? 1 : 0, now);
        return;
      }
      spans().window.events++;
      spans().total.events++;
      p.gotEvent = true;
      if (positive) {
        for (int i = 0; i < p.items.length; i++) {
          if (Objects.equals(p.items[i], itemId)) {
            p.relevant[i] = true;
          }
        }
      }
    }
  }

  /** The first (or a repeated) label of a pending scalar prediction. Holds the lock. */
  private void labelScalar(Object requestId, Pending p, double label, long now) {
    if (p.labelled) {
      spans().window.duplicate++;
      spans().total.duplicate++;
      return;
    }
    p.labelled = true;
    p.label = label;
    p.delayMillis = Math.max(0, (now - p.madeAt) / 1_000_000);
    if (!policy.implicitNegatives()) { // every outcome is explicit: final now
      pending.remove(requestId);
      settle(requestId, p, false);
    }
  }

  private void miss(Object requestId) {
    Boolean s = settled.get(requestId);
    Spans q = spans();
    if (Boolean.TRUE.equals(s)) {
      q.window.duplicate++;
      q.total.duplicate++;
    } else if (Boolean.FALSE.equals(s)) {
      q.window.late++;
      q.total.late++;
    } else {
      q.window.unknown++;
      q.total.unknown++;
    }
  }

  /** Settles every prediction whose attribution window has closed, oldest first. Holds lock. */
  private void expire(long now) {
    Iterator<Map.Entry<Object, Pending>> it = pending.entrySet().iterator();
    while (it.hasNext()) {
      Map.Entry<Object, Pending> e = it.next();
      if (now - e.getValue().madeAt < windowNanos) {
        return;
      }
      it.remove();
      settle(e.getKey(), e.getValue(), true);
    }
  }

  /**
   * Records the outcome of a prediction that left the pending map: labelled (joined), expired
   * (a negative or dropped) or evicted before its window closed. Holds the lock.
   */
  private void settle(Object id, Pending p, boolean expired) {
    settled.remove(id); // re-insert, so the map stays in settle order
    if (p.items != null) {
      settled.put(id, Boolean.FALSE); // events from now on are late
      if (!expired) {
        count(Outcome.EVICTED);
      } else if (p.gotEvent) {
        count(Outcome.JOINED);
        addRanked(p.relevant);
      } else if (policy.implicitNegatives()) {
        count(Outcome.NEGATIVE);
        addRanked(p.relevant);
      } else {
        count(Outcome.DROPPED);
      }
      return;
    }
    settled.put(id, p.labelled);
    if (p.labelled) {
      count(Outcome.JOINED);
      spans().window.addDelay(p.delayMillis);
      spans().total.addDelay(p.delayMillis);
      label(p.score, p.label);
    } else if (!expired) {
      count(Outcome.EVICTED);
    } else if (policy.implicitNegatives()) {
      count(Outcome.NEGATIVE);
      label(p.score, 0);
    } else {
      count(Outcome.DROPPED);
    }
  }

  private enum Outcome { JOINED, NEGATIVE, DROPPED, EVICTED }

  private void count(Outcome o) {
    increment(spans().window, o);
    increment(spans().total, o);
  }

  private static void increment(QualityAccumulator a, Outcome o) {
    switch (o) {
      case JOINED -> a.joined++;
      case NEGATIVE -> a.expiredNegative++;
      case DROPPED -> a.expiredDropped++;
      default -> a.evicted++;
    }
  }

  private void addRanked(boolean[] relevant) {
    spans().window.addRanked(relevant);
    spans().total.addRanked(relevant);
  }

  /**
   * Records one settled scalar label and feeds the CUSUM. Holds the lock.
   *
   * <p>The CUSUM accumulates the log-likelihood ratio of "the true rate is {@code ratio} times
   * the predicted one" against "the model is right", per label; it resets at 0 and alarms at
   * {@code ln(runLength)}, which by Wald's bound keeps at least {@code runLength} labels between
   * false alarms on a stable stream whose labels are independent given the scores. Labels enter
   * in settle order (see the design note), so the stream is not biased by traffic changes.
   */
  private void label(double score, double label) {
    Spans q = spans();
    q.window.addScalar(score, label);
    q.total.addScalar(score, label);
    if (!QualityAccumulator.isScore(score)) {
      return; // nothing predicted to test the label against
    }
    double p0 = Math.min(1 - 1e-6, Math.max(1e-6, score));
    double p1 = Math.min(1 - 1e-6, Math.max(1e-6, p0 * policy.cusumRatio()));
    double llr = label * Math.log(p1 / p0) + (1 - label) * Math.log((1 - p1) / (1 - p0));
    cusum = Math.max(0, cusum + llr);
    if (cusum >= threshold) {
      alarms++;
      q.window.alarms++;
      q.total.alarms++;
      cusum = 0; // restart, to detect the next change
    }
  }

  /** Runs pending expiries now, with or without traffic. */
  void cleanUp() {
    synchronized (lock) {
      expire(ticker.read());
    }
  }

  /** Whether the quality statistics exist (something was remembered or fed back). */
  boolean hasStatistics() {
    synchronized (lock) {
      return spans != null;
    }
  }

  long pendingCount() {
    synchronized (lock) {
      return pending.size();
    }
  }

  /** Closes the window: its summary, and the rolling one over the last windows. */
  QualitySummary[] closeWindow() {
    synchronized (lock) {
      expire(ticker.read());
      Spans q = spans;
      if (q == null) { // nothing ever remembered or fed back: every span is empty
        alarmInLastWindow = false;
        return new QualitySummary[] {empty, empty};
      }
      try {
        QualitySummary s = q.window.summary(offlineAuc, state(q.window.alarms > 0));
        QualityAccumulator slot = q.ring[q.ringNext];
        slot.reset();
        slot.mergeFrom(q.window);
        q.ringNext = (q.ringNext + 1) % q.ring.length;
        q.rolling.reset();
        for (QualityAccumulator a : q.ring) {
          q.rolling.mergeFrom(a);
        }
        QualitySummary r = q.rolling.summary(offlineAuc, state(q.rolling.alarms > 0));
        alarmInLastWindow = q.window.alarms > 0;
        return new QualitySummary[] {s, r};
      } finally { // whatever happens, the next window starts clean
        q.window.reset();
      }
    }
  }

  QualitySummary total() {
    synchronized (lock) {
      expire(ticker.read());
      Spans q = spans;
      if (q == null) {
        return empty;
      }
      return q.total.summary(offlineAuc, state(alarmInLastWindow || q.window.alarms > 0));
    }
  }

  private QualitySummary.CusumState state(boolean alarm) {
    return new QualitySummary.CusumState(cusum, threshold, alarm, alarms);
  }
}
