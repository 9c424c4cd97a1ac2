package io.modelmonitor.schema;

/**
 * Checks positional {@code float[]} or {@code double[]} inputs: position {@code i} holds feature
 * {@code i}. A shorter array misses its trailing features,
 * a longer one has unexpected ones; neither needs a pass over the extra elements.
 */
final class ArrayChecker extends Checker {

  private final boolean doubles;

  ArrayChecker(Rule[] rules, boolean doubles) {
    super(rules);
    this.doubles = doubles;
  }

  @Override
  int check(Object input, ViolationListener l) {
    if (input == null) {
      return nullInput(l);
    }
    int length;
    int violations = 0;
    if (!doubles && input instanceof float[]) {
      float[] a = (float[]) input;
      length = a.length;
      int n = Math.min(length, rules.length);
      for (int i = 0; i < n; i++) {
        violations += rules[i].checkArrayValue(a[i], l);
      }
    } else if (doubles && input instanceof double[]) {
      double[] a = (double[]) input;
      length = a.length;
      int n = Math.min(length, rules.length);
      for (int i = 0; i < n; i++) {
        violations += rules[i].checkArrayValue(a[i], l);
      }
    } else {
      return wrongInputType(input, l);
    }
    for (int i = length; i < rules.length; i++) {
      violations += rules[i].missing(l);
    }
    if (length > rules.length) {
      l.onViolation(unexpectedIndex, ViolationKind.UNEXPECTED, length - rules.length, null);
      violations++;
    }
    return violations;
  }

  @Override
  void visit(Object input, FeatureVisitor v) {
    int length;
    if (!doubles && input instanceof float[]) {
      float[] a = (float[]) input;
      length = Math.min(a.length, rules.length);
      for (int i = 0; i < length; i++) {
        rules[i].visitArrayValue(a[i], v);
      }
    } else if (doubles && input instanceof double[]) {
      double[] a = (double[]) input;
      length = Math.min(a.length, rules.length);
      for (int i = 0; i < length; i++) {
        rules[i].visitArrayValue(a[i], v);
      }
    } else {
      length = 0;
    }
    for (int i = length; i < rules.length; i++) {
      v.missing(i);
    }
  }
}
