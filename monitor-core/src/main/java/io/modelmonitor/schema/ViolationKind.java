package io.modelmonitor.schema;

import java.util.Locale;

/**
 * What is wrong with a feature of one input. The kinds mirror the data-quality checks of
 * SageMaker Model Monitor and TensorFlow Data Validation.
 */
public enum ViolationKind {
  /** A required feature is absent (SageMaker: missing column). */
  MISSING,
  /** The input carries features the schema does not know (SageMaker: extra column). */
  UNEXPECTED,
  /** The value has the wrong type, such as a string where a number belongs (data type check). */
  TYPE_MISMATCH,
  /** The value is null and the feature is not nullable (completeness). */
  NULL,
  /** A number is NaN or infinite where only finite values are allowed. */
  NAN_OR_INFINITE,
  /** A number lies outside the feature's bounds, or a vector's norm outside its norm range. */
  OUT_OF_RANGE,
  /** A category outside the feature's vocabulary (TFDV: unexpected string values). */
  UNSEEN_CATEGORY,
  /** A vector of the wrong length. */
  DIMENSION_MISMATCH;

  private final String tag = name().toLowerCase(Locale.ROOT);

  /**
   * Returns the lowercase tag value, such as {@code out_of_range}.
   *
   * @return the tag value
   */
  public String tag() {
    return tag;
  }
}
