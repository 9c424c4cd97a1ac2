package io.modelmonitor.alert;

import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes every alert event as one structured line on the {@code io.modelmonitor.alerts} logger:
 * WARN when firing, INFO when resolved.
 */
public final class LogSink implements AlertSink {

  private static final Logger LOG = LoggerFactory.getLogger("io.modelmonitor.alerts");

  @Override
  public void deliver(AlertEvent e) {
    String line = String.format(Locale.ROOT, "alert=%s state=%s%s model=%s version=%s "
            + "severity=%s value=%.6g threshold=%.6g fingerprint=%s description=\"%s\"",
        e.rule(), e.state().name().toLowerCase(Locale.ROOT), e.repeat() ? " repeat=true" : "",
        e.model(), e.version(), e.severity().label(), e.value(), e.threshold(), e.fingerprint(),
        e.description().replace("\"", "'"));
    if (e.state() == AlertEvent.State.FIRING) {
      LOG.warn(line);
    } else {
      LOG.info(line);
    }
  }

  @Override
  public String name() {
    return "log";
  }
}
