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
 * inactive emits exactly one event; a still-firing alert is re-sent after its repeat interval.
 * A firing alert clears only once the signal has come back past the clear threshold
 * (hysteresis) and stayed there for {@code keepFiringFor}. Fewer samples than the rule's minimum
 * change nothing, and nothing fires during the warm-up after start. Evaluation runs on the
 * reporter thread only (one tick at a time); silences and reads come from any thread.
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
  }

  private final List<AlertRule> rules;
  private final Map<String, String> commonLabels;
  private final Clock clock;
  private final long warmUpNanos;
  private final long startTicks;
  private final Map<String, Instance> instances = new LinkedHashMap<>();
  private final List<Silence> silences = new CopyOnWriteArrayList<>();
  private final Deque<AlertEvent> history = new ArrayDeque<>();
  private volatile List<AlertEvent> active = List.of();

  AlertEvaluator(List<AlertRule> rules, Map<String, String> commonLabels, Clock clock,
      long warmUpNanos, long startTicks) {
    this.rules = List.copyOf(rules);
    this.commonLabels = Map.copyOf(commonLabels);
    this.clock = clock;
    this.warmUpNanos = warmUpNanos;
    this.startTicks = startTicks;
  }

  boolean hasRules() {
    return !rules.isEmpty();
  }

  void silence(Silence silence) {
    silences.add(silence);
  }

  List<Silence> silences() {
    Instant now = clock.instant();
    silences.removeIf(s -> !now.isBefore(s.until()));
    return List.copyOf(silences);
  }

  List<AlertEvent> active() {
    return active;
  }

  List<AlertEvent> history() {
    synchronized (history) {
      return List.copyOf(history);
    }
  }

  /** Evaluates every rule for every snapshot; returns the events to deliver (not silenced). */
  List<AlertEvent> evaluate(Collection<ModelSnapshot> snapshots, long nowTicks) {
    Instant now = clock.instant();
    boolean warm = nowTicks - startTicks >= warmUpNanos;
    List<AlertEvent> out = new ArrayList<>();
    List<AlertEvent> firing = new ArrayList<>();
    for (AlertRule rule : rules) {
      for (ModelSnapshot s : snapshots) {
        if (!rule.appliesTo(s.model())) {
          continue;
        }
        String key = rule.name() + '\u0000' + s.model();
        Instance in = instances.computeIfAbsent(key, k -> new Instance());
        AlertEvent event = step(rule, s, in, nowTicks, now, warm);
        if (event != null) {
          record(event);
          if (!event.silenced()) {
            out.add(event);
          }
        }
        if (in.phase == Phase.FIRING && in.last != null) {
          firing.add(in.last);
        }
      }
    }
    active = List.copyOf(firing);
    return out;
  }

  private AlertEvent step(AlertRule rule, ModelSnapshot s, Instance in, long nowTicks,
      Instant now, boolean warm) {
    if (rule.signal().samples(s) < rule.minSamples()) {
      return null; // not enough evidence to change anything
    }
    double value = rule.signal().value(s);
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
            in.last = resolved;
            return resolved;
          }
          return null;
        }
        in.clearSince = -1;
        long repeat = rule.repeatInterval().toNanos();
        if (repeat > 0 && nowTicks - in.lastSent >= repeat) {
          in.lastSent = nowTicks;
          AlertEvent again = event(rule, s, AlertEvent.State.FIRING, true, value, in.startsAt,
              null, now);
          in.last = again;
          return again;
        }
        in.last = event(rule, s, AlertEvent.State.FIRING, false, value, in.startsAt, null, now);
        return null;
    }
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
    return silenced ? new AlertEvent(draft.rule(), draft.model(), draft.version(),
        draft.state(), draft.repeat(), draft.severity(), draft.value(), draft.threshold(),
        draft.labels(), draft.description(), draft.startsAt(), draft.endsAt(),
        draft.fingerprint(), true) : draft;
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
