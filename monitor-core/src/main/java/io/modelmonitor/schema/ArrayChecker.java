package io.modelmonitor.schema;

/**
 * Checks positional {@code float[]} or {@code double[]} inputs: position {@code i} holds feature
 * {@code i}. Excluded positions hold a null rule. A shorter array misses its trailing features,
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
        Rule rule = rules[i];
        if (rule != null) {
          violations += rule.checkArrayValue(a[i], l);
        }
      }
    } else if (doubles && input instanceof double[]) {
      double[] a = (double[]) input;
      length = a.length;
      int n = Math.min(length, rules.length);
      for (int i = 0; i < n; i++) {
        Rule rule = rules[i];
        if (rule != null) {
          violations += rule.checkArrayValue(a[i], l);
        }
      }
    } else {
      return wrongInputType(input, l);
    }
    for (int i = length; i < rules.length; i++) {
      if (rules[i] != null) {
        violations += rules[i].missing(l);
      }
    }
    if (length > rules.length) {
      l.onViolation(unexpectedIndex, ViolationKind.UNEXPECTED, length - rules.length, null);
      violations++;
    }
    return violations;
  }
}
