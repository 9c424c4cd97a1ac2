package io.modelmonitor.alert;

import java.util.Locale;

/** How urgent an alert is; becomes the {@code severity} label. */
public enum Severity {
  /** Worth a look during working hours. */
  INFO,
  /** Needs attention soon. */
  WARNING,
  /** Page someone. */
  CRITICAL;

  /**
   * Returns the lowercase label value.
   *
   * @return for example {@code warning}
   */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
