package io.modelmonitor.drift;

import java.util.Objects;

/**
 * How drift is judged: which statistic decides per feature type, its warn and alert thresholds,
 * the fewest samples a verdict needs, and the share of calls observed.
 *
 * <p>Defaults: numeric features and vector norms by {@link DriftStatistic#PSI} (warn 0.1, alert
 * 0.25, the common reading of PSI), categorical features by {@link DriftStatistic#L_INFINITY}
 * (warn 0.15, alert 0.3, TFDV's usual L-infinity threshold), at least 100 samples per window,
 * every call observed.
 *
 * @param numeric the statistic judging numeric features and vector norms
 * @param numericWarn its warn threshold
 * @param numericAlert its alert threshold
 * @param categorical the statistic judging categorical features
 * @param categoricalWarn its warn threshold
 * @param categoricalAlert its alert threshold
 * @param minSamples fewest live samples in a window for a verdict
 * @param sampleRate share of calls whose features and prediction are observed, (0, 1]; 0.1
 *     observes every tenth call of each thread
 * @param rollingWindows how many closed windows the rolling view spans (default 5)
 */
public record DriftPolicy(DriftStatistic numeric, double numericWarn, double numericAlert,
    DriftStatistic categorical, double categoricalWarn, double categoricalAlert,
    long minSamples, double sampleRate, int rollingWindows) {

  /** The defaults described above. */
  public static final DriftPolicy DEFAULTS = new DriftPolicy(DriftStatistic.PSI, 0.1, 0.25,
      DriftStatistic.L_INFINITY, 0.15, 0.3, 100, 1.0, 5);

  /**
   * Creates the record after validating its components.
   *
   * @param numeric see {@link #numeric()}
   * @param numericWarn see {@link #numericWarn()}
   * @param numericAlert see {@link #numericAlert()}
   * @param categorical see {@link #categorical()}
   * @param categoricalWarn see {@link #categoricalWarn()}
   * @param categoricalAlert see {@link #categoricalAlert()}
   * @param minSamples see {@link #minSamples()}
   * @param sampleRate see {@link #sampleRate()}
   * @param rollingWindows see {@link #rollingWindows()}
   * @throws IllegalArgumentException if a value is out of range or a statistic does not apply
   */
  public DriftPolicy {
    Objects.requireNonNull(numeric, "numeric");
    Objects.requireNonNull(categorical, "categorical");
    if (numeric == DriftStatistic.CHI_SQUARE || numeric == DriftStatistic.CHI_SQUARE_P
        || numeric == DriftStatistic.L_INFINITY || numeric == DriftStatistic.COSINE_DISTANCE) {
      throw new IllegalArgumentException(numeric + " does not judge numeric features");
    }
    if (categorical == DriftStatistic.WASSERSTEIN || categorical == DriftStatistic.KS
        || categorical == DriftStatistic.COSINE_DISTANCE
        || categorical == DriftStatistic.CHI_SQUARE_P) {
      throw new IllegalArgumentException(categorical + " does not judge categorical features");
    }
    if (!(numericWarn >= 0 && numericAlert >= numericWarn && categoricalWarn >= 0
        && categoricalAlert >= categoricalWarn) || Double.isInfinite(numericAlert)
        || Double.isInfinite(categoricalAlert)) {
      throw new IllegalArgumentException("thresholds must be finite with 0 <= warn <= alert");
    }
    if (minSamples < 1) {
      throw new IllegalArgumentException("minSamples must be >= 1: " + minSamples);
    }
    if (!(sampleRate >= 1e-6 && sampleRate <= 1)) {
      throw new IllegalArgumentException("sampleRate must be in [1e-6, 1]: " + sampleRate);
    }
    if (rollingWindows < 1 || rollingWindows > 1_440) {
      throw new IllegalArgumentException("rollingWindows must be 1..1440: " + rollingWindows);
    }
  }

  /**
   * Returns a copy with another sampling rate.
   *
   * @param rate share of calls observed, (0, 1]
   * @return the copy
   */
  public DriftPolicy withSampleRate(double rate) {
    return new DriftPolicy(numeric, numericWarn, numericAlert, categorical, categoricalWarn,
        categoricalAlert, minSamples, rate, rollingWindows);
  }

  /**
   * Returns a copy whose rolling view spans {@code windows} closed windows.
   *
   * @param windows 1 to 1,440
   * @return the copy
   */
  public DriftPolicy withRollingWindows(int windows) {
    return new DriftPolicy(numeric, numericWarn, numericAlert, categorical, categoricalWarn,
        categoricalAlert, minSamples, sampleRate, windows);
  }

  /**
   * Returns a copy with another minimum sample count.
   *
   * @param samples fewest samples for a verdict
   * @return the copy
   */
  public DriftPolicy withMinSamples(long samples) {
    return new DriftPolicy(numeric, numericWarn, numericAlert, categorical, categoricalWarn,
        categoricalAlert, samples, sampleRate, rollingWindows);
  }

  /** Observe every n-th call per thread. */
  int stride() {
    return (int) Math.max(1, Math.round(1 / sampleRate));
  }
}
