package io.modelmonitor.schema;

import java.util.List;
import java.util.Objects;

/**
 * The immutable description of one feature: what a schema file stores and what equality of
 * schemas compares (extractor code is not part of it).
 *
 * @param name the feature name; for array inputs the position follows from the order
 * @param type the value type
 * @param required whether the feature must be present (absent: {@link ViolationKind#MISSING})
 * @param nullable whether a present feature may be null (else {@link ViolationKind#NULL})
 * @param sensitive whether values must never leave the process in clear (logs, messages)
 * @param min lower bound, inclusive; {@code -Infinity} when unbounded (numeric and integer)
 * @param max upper bound, inclusive; {@code +Infinity} when unbounded (numeric and integer)
 * @param allowNaN whether NaN is a valid value (numeric); infinities never are
 * @param vocabulary the known categories; empty when any category is accepted (categorical)
 * @param dimension the vector length; 0 when any length is accepted (vector)
 * @param normMin lower bound of the vector's L2 norm, or NaN when unchecked (vector)
 * @param normMax upper bound of the vector's L2 norm, or NaN when unchecked (vector)
 */
public record FeatureSpec(
    String name,
    FeatureType type,
    boolean required,
    boolean nullable,
    boolean sensitive,
    double min,
    double max,
    boolean allowNaN,
    List<String> vocabulary,
    int dimension,
    double normMin,
    double normMax) {

  /**
   * Creates the record after validating its components.
   *
   * @param name see {@link #name()}
   * @param type see {@link #type()}
   * @param required see {@link #required()}
   * @param nullable see {@link #nullable()}
   * @param sensitive see {@link #sensitive()}
   * @param min see {@link #min()}
   * @param max see {@link #max()}
   * @param allowNaN see {@link #allowNaN()}
   * @param vocabulary see {@link #vocabulary()}
   * @param dimension see {@link #dimension()}
   * @param normMin see {@link #normMin()}
   * @param normMax see {@link #normMax()}
   * @throws IllegalArgumentException if bounds are inverted or NaN, or the dimension negative
   */
  public FeatureSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    vocabulary = List.copyOf(Objects.requireNonNull(vocabulary, "vocabulary"));
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("feature '" + name + "': invalid range [" + min + ", "
          + max + "]");
    }
    if (dimension < 0) {
      throw new IllegalArgumentException("feature '" + name + "': negative dimension "
          + dimension);
    }
    if (Double.isNaN(normMin) != Double.isNaN(normMax) || normMin > normMax || normMin < 0) {
      throw new IllegalArgumentException("feature '" + name + "': invalid norm range ["
          + normMin + ", " + normMax + "]");
    }
  }

  /**
   * Returns whether a vocabulary restricts the categories.
   *
   * @return true if {@link #vocabulary()} is not empty
   */
  public boolean hasVocabulary() {
    return !vocabulary.isEmpty();
  }

  /**
   * Returns whether the vector norm is checked.
   *
   * @return true if a norm range is set
   */
  public boolean hasNormRange() {
    return !Double.isNaN(normMin);
  }
}
