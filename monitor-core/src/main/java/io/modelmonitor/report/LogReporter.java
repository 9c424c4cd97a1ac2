package io.modelmonitor.report;

import io.modelmonitor.LatencySummary;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.Outcomes;
import io.modelmonitor.SnapshotListener;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.feedback.QualitySummary;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs one summary line per model per closed window on the logger {@value #LOGGER_NAME} at
 * INFO, as space-separated {@code key=value} pairs that log pipelines parse without a pattern:
 *
 * <pre>{@code
 * model=ctr version=v7 window_s=10.000 calls=1520 rate_per_s=152.00 errors=3 error_rate=0.0020
 *   p50_ms=1.210 p99_ms=4.870 in_flight=2 invalid_inputs=5 drift=WARN drift_feature=price
 *   labelled=310 positive_rate=0.0420 calibration=1.0800 firing_alerts=1
 * }</pre>
 *
 * <p>{@code calls} are the calls that reached the model (successes and errors), {@code rate_per_s}
 * their rate over the window, {@code p50_ms}/{@code p99_ms} the window's latency percentiles.
 * {@code drift} is the worst drift status of the window and is written only when the monitor
 * compares with a baseline; {@code drift_feature} names the first feature (or
 * {@code _prediction}) at that status, when it is WARN or ALERT. {@code labelled},
 * {@code positive_rate} and {@code calibration} appear once delayed feedback labelled a
 * prediction in the window. {@code firing_alerts} appears with {@link #create(MonitorRegistry)}.
 *
 * <pre>{@code
 * registry.addSnapshotListener(LogReporter.create(registry));
 * }</pre>
 *
 * <p>Thread-safe and stateless; it runs on the reporter thread, like every listener.
 */
public final class LogReporter implements SnapshotListener {

  /** The name of the logger the lines are written to. */
  public static final String LOGGER_NAME = "io.modelmonitor.report";

  private static final Logger LOG = LoggerFactory.getLogger(LOGGER_NAME);

  /** Null when alerts are not counted. */
  private final Supplier<? extends List<AlertEvent>> activeAlerts;

  LogReporter(Supplier<? extends List<AlertEvent>> activeAlerts) {
    this.activeAlerts = activeAlerts;
  }

  /**
   * Returns a reporter whose lines carry no alert count.
   *
   * @return a new reporter
   */
  public static LogReporter create() {
    return new LogReporter(null);
  }

  /**
   * Returns a reporter whose lines also count the alerts firing for the model
   * ({@link MonitorRegistry#activeAlerts()}, silenced ones included). Rules run before the
   * listeners of a tick, so the count reflects the window the line describes.
   *
   * @param registry the registry whose alerts are counted
   * @return a new reporter
   */
  public static LogReporter create(MonitorRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return new LogReporter(registry::activeAlerts);
  }

  /**
   * Writes the summary line of {@code snapshot}'s window, if the logger is enabled at INFO.
   *
   * @param snapshot the snapshot of the window that just closed
   */
  @Override
  public void onSnapshot(ModelSnapshot snapshot) {
    if (!LOG.isInfoEnabled()) {
      return;
    }
    int firing = -1;
    if (activeAlerts != null) {
      firing = 0;
      for (AlertEvent e : activeAlerts.get()) {
        if (e.model().equals(snapshot.model())) {
          firing++;
        }
      }
    }
    LOG.info("{}", format(snapshot, firing));
  }

  /** The line of one snapshot; {@code firingAlerts} negative leaves the alert count out. */
  static String format(ModelSnapshot s, int firingAlerts) {
    Outcomes o = s.windowOutcomes();
    LatencySummary l = s.windowLatency();
    StringBuilder b = new StringBuilder(256);
    b.append("model=").append(s.model())
        .append(" version=").append(s.version())
        .append(" window_s=").append(fixed(s.window().toNanos() / 1e9, 3))
        .append(" calls=").append(o.completed())
        .append(" rate_per_s=").append(fixed(s.ratePerSecond(), 2))
        .append(" errors=").append(o.errors());
    if (o.completed() > 0) { // an idle window has no error rate or latency, not a zero one
      b.append(" error_rate=").append(fixed(o.errorRatio(), 4))
          .append(" p50_ms=").append(fixed(l.p50Nanos() / 1e6, 3))
          .append(" p99_ms=").append(fixed(l.p99Nanos() / 1e6, 3));
    }
    b.append(" in_flight=").append(s.inFlight())
        .append(" invalid_inputs=").append(s.windowViolations().invalidInputs());
    DriftReport drift = s.windowDrift();
    if (!drift.features().isEmpty() || drift.prediction() != null) {
      DriftStatus worst = drift.worst();
      b.append(" drift=").append(worst);
      if (worst == DriftStatus.WARN || worst == DriftStatus.ALERT) {
        b.append(" drift_feature=").append(featureAt(drift, worst));
      }
    }
    QualitySummary q = s.windowQuality();
    if (q != null && q.labelled() > 0) {
      b.append(" labelled=").append(q.labelled())
          .append(" positive_rate=").append(fixed(q.positiveRate(), 4))
          .append(" calibration=").append(fixed(q.calibration(), 4));
    }
    if (firingAlerts >= 0) {
      b.append(" firing_alerts=").append(firingAlerts);
    }
    return b.toString();
  }

  private static String featureAt(DriftReport drift, DriftStatus status) {
    for (FeatureDrift f : drift.features()) {
      if (f.status() == status) {
        return f.feature();
      }
    }
    return drift.prediction() == null ? "" : drift.prediction().feature();
  }

  private static String fixed(double v, int decimals) {
    return Double.isFinite(v) ? String.format(Locale.ROOT, "%." + decimals + "f", v) : "NaN";
  }
}
