package io.modelmonitor.schema;

import java.util.Objects;

/**
 * One violation of one input, with a human-readable detail. Values of features marked
 * sensitive never appear in {@code detail}.
 *
 * @param feature the feature name, or {@link FeatureSchema#UNEXPECTED} or
 *     {@link FeatureSchema#INPUT}
 * @param kind what is wrong
 * @param detail what was found and what was expected, such as {@code 1.5E7 not in [0.0, 1.0E5]}
 */
public record Violation(String feature, ViolationKind kind, String detail) {

  /**
   * Creates the record after validating its components.
   *
   * @param feature see {@link #feature()}
   * @param kind see {@link #kind()}
   * @param detail see {@link #detail()}
   */
  public Violation {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(detail, "detail");
  }

  @Override
  public String toString() {
    return feature + ": " + kind.tag() + (detail.isEmpty() ? "" : " (" + detail + ')');
  }
}
