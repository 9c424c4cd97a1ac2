package io.modelmonitor.drift;

/**
 * How a drift statistic varies when the reference data is compared with itself, chunk by chunk
 * at the size of a live window (NannyML's way of fitting thresholds to the data): a feature
 * whose statistic is naturally noisy gets a higher threshold, a stable one a lower threshold.
 *
 * @param mean mean of the statistic over the reference chunks
 * @param std its standard deviation over the chunks
 * @param chunks how many chunks it was computed on (at least 2)
 */
public record Calibration(double mean, double std, int chunks) {

  /**
   * Creates the record after validating its components.
   *
   * @param mean see {@link #mean()}
   * @param std see {@link #std()}
   * @param chunks see {@link #chunks()}
   * @throws IllegalArgumentException if not finite, negative or from fewer than 2 chunks
   */
  public Calibration {
    if (!Double.isFinite(mean) || !(std >= 0) || Double.isInfinite(std) || chunks < 2) {
      throw new IllegalArgumentException("invalid calibration: mean=" + mean + ", std=" + std
          + ", chunks=" + chunks);
    }
  }

  /**
   * Returns the warn threshold, {@code mean + 2 std}.
   *
   * @return the threshold
   */
  public double warn() {
    return mean + 2 * std;
  }

  /**
   * Returns the alert threshold, {@code mean + 3 std}.
   *
   * @return the threshold
   */
  public double alert() {
    return mean + 3 * std;
  }
}
