package io.modelmonitor.drift;

/**
 * The frozen reference distribution of one feature (or of the prediction) in a
 * {@link Baseline}. Immutable.
 */
public sealed interface FeatureProfile permits NumericProfile, CategoricalProfile, VectorProfile {

  /**
   * Returns the number of reference rows, missing ones included.
   *
   * @return the row count
   */
  long count();

  /**
   * Returns the number of reference rows where the feature was absent, null or NaN.
   *
   * @return the missing count
   */
  long missing();

  /**
   * Returns the number of bins live values are counted in.
   *
   * @return the bin count
   */
  int binCount();
}
