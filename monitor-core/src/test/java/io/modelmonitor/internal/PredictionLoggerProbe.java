package io.modelmonitor.internal;

import io.modelmonitor.report.PredictionLogPolicy;
import java.time.Clock;

/** Reaches the package-private sampling decision of {@link PredictionLogger} from tests. */
public final class PredictionLoggerProbe {

  private final PredictionLogger<Object, Object> logger;

  private PredictionLoggerProbe(PredictionLogger<Object, Object> logger) {
    this.logger = logger;
  }

  /**
   * A logger that samples nothing but logs every failure (within the cap).
   *
   * @return the probe
   */
  public static PredictionLoggerProbe errorsOnly() {
    return new PredictionLoggerProbe(PredictionLogger.create(
        PredictionLogPolicy.OFF.withAlwaysLogErrors(true), "m", "v1", Clock.systemUTC(), null,
        null, null, new MonitorErrors("probe")));
  }

  /**
   * Asks whether a failed call would be logged.
   *
   * @return the decision
   */
  public boolean sampledFailure() {
    return logger.sampled(true);
  }

  /**
   * Returns the failures left out by the cap.
   *
   * @return the count
   */
  public long suppressed() {
    return logger.suppressedErrorLines();
  }
}
