package io.modelmonitor.drift;

/** The verdict on one feature's drift over one window. */
public enum DriftStatus {
  /** Fewer live samples than {@link DriftPolicy#minSamples()}: no verdict. */
  NO_DATA,
  /** The primary statistic is below the warn threshold. */
  OK,
  /** The primary statistic reached the warn threshold. */
  WARN,
  /** The primary statistic reached the alert threshold. */
  ALERT
}
