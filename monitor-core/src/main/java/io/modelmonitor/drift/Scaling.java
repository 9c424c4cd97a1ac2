package io.modelmonitor.drift;

/**
 * A standard scaler the training pipeline applied to a feature before the model saw it:
 * {@code (x - mean) / scale}. Serving can then be checked for the same scaling: a scaled feature
 * should arrive with mean near 0 and standard deviation near 1.
 *
 * @param mean the mean the scaler subtracts
 * @param scale the scale it divides by; positive
 */
public record Scaling(double mean, double scale) {

  /**
   * Creates the record after validating its components.
   *
   * @param mean see {@link #mean()}
   * @param scale see {@link #scale()}
   * @throws IllegalArgumentException if not finite or the scale is not positive
   */
  public Scaling {
    if (!Double.isFinite(mean) || !(scale > 0) || Double.isInfinite(scale)) {
      throw new IllegalArgumentException("invalid standard scaler: mean=" + mean + ", scale="
          + scale);
    }
  }
}
