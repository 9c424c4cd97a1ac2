package io.modelmonitor.drift;

import java.util.Locale;

/** The drift statistics ModelMonitor computes; each becomes a {@code statistic} tag value. */
public enum DriftStatistic {
  /**
   * Population stability index over the baseline's bins,
   * {@code sum (a_i - e_i) ln(a_i / e_i)}; shares below {@value DriftStatistics#PSI_EPSILON} are
   * raised to it (Evidently's rule). 0.1 is commonly read as "watch", 0.25 as "act".
   */
  PSI,
  /** Jensen-Shannon distance with base-2 logarithms: the square root of the divergence, 0..1. */
  JENSEN_SHANNON,
  /** Kolmogorov-Smirnov statistic on the binned cumulative distributions, 0..1. */
  KS,
  /**
   * Wasserstein-1 (earth mover's) distance between the binned distributions, mass spread
   * uniformly within each bin, divided by the baseline's standard deviation (numeric only).
   */
  WASSERSTEIN,
  /** Largest absolute difference of category shares (TFDV's L-infinity), 0..1. */
  L_INFINITY,
  /** Pearson chi-square statistic of the live category counts against the baseline shares. */
  CHI_SQUARE,
  /** p-value of {@link #CHI_SQUARE} (chi-square distribution, categories minus one dof). */
  CHI_SQUARE_P,
  /** Cosine distance between the live and the baseline mean vectors, 0..2 (vectors only). */
  COSINE_DISTANCE;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /**
   * Returns the lowercase tag value, such as {@code jensen_shannon}.
   *
   * @return the tag value
   */
  public String tag() {
    return tag;
  }
}
