package io.modelmonitor.schema;

import java.util.ArrayList;
import java.util.List;

/** A test listener that writes down every violation as {@code feature:kind}. */
final class Collected implements ViolationListener {

  private final FeatureSchema<?> schema;
  final List<String> seen = new ArrayList<>();

  Collected(FeatureSchema<?> schema) {
    this.schema = schema;
  }

  @Override
  public void onViolation(int featureIndex, ViolationKind kind, double value, Object raw) {
    seen.add(schema.nameOf(featureIndex) + ':' + kind.tag());
    if (!schema.possibleViolations(featureIndex).contains(kind)) {
      throw new AssertionError(kind + " of " + schema.nameOf(featureIndex)
          + " is not among its possible violations " + schema.possibleViolations(featureIndex));
    }
  }

  static <I> List<String> of(FeatureSchema<I> schema, I input) {
    Collected c = new Collected(schema);
    int n = schema.check(input, c);
    if (n != c.seen.size()) {
      throw new AssertionError("check returned " + n + " but reported " + c.seen);
    }
    return c.seen;
  }
}
