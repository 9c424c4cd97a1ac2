package io.modelmonitor.internal;

import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.Silence;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Evaluates alert rules against each window's snapshots, with Prometheus' alert states.
 *
 * <p>Design note. One instance per (rule, model) holds its state: inactive, pending (the
 * condition holds, for less than {@code for}), firing. Every transition into firing or back to
 * inactive makes exactly one event; a still-firing alert is re-sent after its repeat interval.
 * A firing alert clears only once the signal has come back past the clear threshold
 * (hysteresis) and stayed there for {@code keepFiringFor}. A window with fewer samples than the
 * rule's minimum is no evidence: a pending alert falls back to inactive (its {@code for} starts
 * again with the next breach, as Prometheus resets a pending alert whose series vanished), a
 * firing one stays firing. Nothing fires during the warm-up after a model is first seen.
 *
 * <p>Silences decide delivery, not state. A sink that was told an alert fires is always told it
 * resolved; an alert that started firing under a silence is delivered (as firing) at the first
 * evaluation after the silence ends; a resolution of an alert no sink heard of is not delivered.
 * One rule that throws is counted and skipped; the others are still evaluated. Evaluation runs
 * on the reporter thread only (one tick at a time); silences and reads come from any thread.
 */
final class AlertEvaluator {

  private static final int HISTORY = 1_000;

  private enum Phase { INACTIVE, PENDING, FIRING }

  /** The state of one rule for one model. */
  private static final class Instance {
    Phase phase = Phase.INACTIVE;
    long breachSince;
    long clearSince = -1;
    long lastSent;
    Instant startsAt;
    AlertEvent last;
    /** Whether the sinks were told this alert fires (so they must hear it resolve). */
    boolean delivered;
  }

  private final List<AlertRule> rules;
  private final Map<String, String> commonLabels;
  private final Clock clock;
  private final long warmUpNanos;
  private final MonitorErrors errors;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final Map<String, Long> firstSeen = new java.util.HashMap<>();
  private final List<Silence> silences = new CopyOnWriteArrayList<>();
  private final Deque<AlertEvent> history = new ArrayDeque<>();
  private volatile List<AlertEvent> active = List.of();
  private volatile List<AlertEvent> deliveredFiring = List.of();

  AlertEvaluator(List<AlertRule> rules, Map<String, String> commonLabels, Clock clock,
      long warmUpNanos, MonitorErrors errors) {
    this.rules = List.copyOf(rules);
    this.commonLabels = Map.copyOf(commonLabels);
    this.clock = clock;
    this.warmUpNanos = warmUpNanos;
    this.errors = errors;
  }

  boolean hasRules() {
    return !rules.isEmpty();
  }

  void silence(Silence silence) {
    silences.add(silence);
  }

  List<Silence> silences() {
    prune(clock.instant());
    return List.copyOf(silences);
  }

  private void prune(Instant now) {
    silences.removeIf(s -> !now.isBefore(s.until()));
  }

  List<AlertEvent> active() {
    return active;
  }

  /** The firing alerts the sinks were told about: what a refreshing sink must keep alive. */
  List<AlertEvent> deliveredFiring() {
    return deliveredFiring;
  }

  List<AlertEvent> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Evaluates every rule for every snapshot; returns the events to deliver. */
  List<AlertEvent> evaluate(Collection<ModelSnapshot> snapshots, long nowTicks) {
    Instant now = clock.instant();
    prune(now);
    List<AlertEvent> out = new ArrayList<>();
    List<AlertEvent> firing = new ArrayList<>();
    List<AlertEvent> delivered = new ArrayList<>();
    for (ModelSnapshot s : snapshots) {
      firstSeen.putIfAbsent(s.model(), nowTicks);
    }
    for (AlertRule rule : rules) {
      for (ModelSnapshot s : snapshots) {
        if (!rule.appliesTo(s.model())) {
          continue;
        }
        String key = rule.name() + '\u0000' + s.model();
        Instance in = instances.computeIfAbsent(key, k -> new Instance());
        boolean warm = nowTicks - firstSeen.get(s.model()) >= warmUpNanos;
        try {
          AlertEvent event = step(rule, s, in, nowTicks, now, warm);
          if (event != null) {
            record(event);
            if (!event.silenced()) {
              out.add(event);
            }
          }
        } catch (RuntimeException e) { // a user signal that throws: this pair only
          errors.record(MonitorErrors.Cause.INTERNAL, "alert rule " + rule.name()
              + " failed for model " + s.model(), e);
        }
        if (in.phase == Phase.FIRING && in.last != null) {
          firing.add(in.last);
          if (in.delivered) {
            delivered.add(in.last);
          }
        }
      }
    }
    active = List.copyOf(firing);
    deliveredFiring = List.copyOf(delivered);
    return out;
  }

  private AlertEvent step(AlertRule rule, ModelSnapshot s, Instance in, long nowTicks,
      Instant now, boolean warm) {
    double value = rule.signal().value(s); // read once: some signals measure since last read
    long samples = rule.signal().samples(s);
    if (samples < rule.minSamples()) { // no evidence
      if (in.phase == Phase.PENDING) {
        in.phase = Phase.INACTIVE;
      }
      return in.phase == Phase.FIRING ? stillFiring(rule, s, in, nowTicks, now,
          in.last == null ? value : in.last.value()) : null;
    }
    boolean breach = rule.breaches(value);
    switch (in.phase) {
      case INACTIVE:
        if (!breach) {
          return null;
        }
        in.phase = Phase.PENDING;
        in.breachSince = nowTicks;
        return fireIfDue(rule, s, in, nowTicks, now, value, warm);
      case PENDING:
        if (!breach) {
          in.phase = Phase.INACTIVE;
          return null;
        }
        return fireIfDue(rule, s, in, nowTicks, now, value, warm);
      default: // FIRING
        if (rule.clears(value)) {
          if (in.clearSince < 0) {
            in.clearSince = nowTicks;
          }
          if (nowTicks - in.clearSince >= rule.keepFiringFor().toNanos()) {
            in.phase = Phase.INACTIVE;
            in.clearSince = -1;
            AlertEvent resolved = event(rule, s, AlertEvent.State.RESOLVED, false, value,
                in.startsAt, now, now);
            if (in.delivered && resolved.silenced()) { // the sinks heard it fire: owed
              resolved = resolved.withSilenced(false);
            } else if (!in.delivered && !resolved.silenced()) { // no sink heard it fire
              resolved = resolved.withSilenced(true);
            }
            in.delivered = false;
            in.last = resolved;
            return resolved;
          }
        } else {
          in.clearSince = -1;
        }
        return stillFiring(rule, s, in, nowTicks, now, value);
    }
  }

  /** A firing alert that stays firing: a due repeat, or the first delivery after a silence. */
  private AlertEvent stillFiring(AlertRule rule, ModelSnapshot s, Instance in, long nowTicks,
      Instant now, double value) {
    AlertEvent current = event(rule, s, AlertEvent.State.FIRING, false, value, in.startsAt,
        null, now);
    in.last = current;
    if (!in.delivered) {
      if (current.silenced()) {
        return null;
      }
      in.delivered = true; // the silence ended: the sinks hear of it now
      in.lastSent = nowTicks;
      return current;
    }
    long repeat = rule.repeatInterval().toNanos();
    if (repeat > 0 && nowTicks - in.lastSent >= repeat) {
      in.lastSent = nowTicks;
      AlertEvent again = event(rule, s, AlertEvent.State.FIRING, true, value, in.startsAt, null,
          now);
      in.last = again;
      return again;
    }
    return null;
  }

  private AlertEvent fireIfDue(AlertRule rule, ModelSnapshot s, Instance in, long nowTicks,
      Instant now, double value, boolean warm) {
    if (!warm || nowTicks - in.breachSince < rule.forDuration().toNanos()) {
      return null;
    }
    in.phase = Phase.FIRING;
    in.startsAt = now;
    in.lastSent = nowTicks;
    in.clearSince = -1;
    AlertEvent firing = event(rule, s, AlertEvent.State.FIRING, false, value, now, null, now);
    in.delivered = !firing.silenced();
    in.last = firing;
    return firing;
  }

  private AlertEvent event(AlertRule rule, ModelSnapshot s, AlertEvent.State state,
      boolean repeat, double value, Instant startsAt, Instant endsAt, Instant now) {
    Map<String, String> labels = new LinkedHashMap<>(commonLabels);
    labels.putAll(rule.labels());
    labels.put("alertname", rule.name());
    labels.put("model", s.model());
    labels.put("version", s.version());
    labels.put("severity", rule.severity().label());
    labels.put("signal", rule.signal().name());
    String description = rule.description()
        .replace("{model}", s.model())
        .replace("{version}", s.version())
        .replace("{value}", format(value))
        .replace("{threshold}", format(rule.threshold()))
        .replace("{signal}", rule.signal().name());
    String fingerprint = UUID.nameUUIDFromBytes((rule.name() + '|' + s.model() + '|'
        + s.version()).getBytes(StandardCharsets.UTF_8)).toString();
    AlertEvent draft = new AlertEvent(rule.name(), s.model(), s.version(), state, repeat,
        rule.severity(), value, rule.threshold(), labels, description,
        startsAt == null ? now : startsAt, endsAt, fingerprint, false);
    boolean silenced = false;
    for (Silence silence : silences) {
      silenced |= silence.matches(draft, now);
    }
    return silenced ? draft.withSilenced(true) : draft;
  }

  private static String format(double v) {
    return String.format(Locale.ROOT, "%.4g", v);
  }

  private void record(AlertEvent event) {
    synchronized (history) {
      history.addLast(event);
      while (history.size() > HISTORY) {
        history.removeFirst();
      }
    }
  }
}
