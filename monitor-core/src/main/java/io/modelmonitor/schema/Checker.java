package io.modelmonitor.schema;

/** Checks whole inputs of one shape against compiled rules; implementations never allocate. */
abstract class Checker {

  final Rule[] rules;
  final int unexpectedIndex;
  final int inputIndex;

  Checker(Rule[] rules) {
    this.rules = rules;
    this.unexpectedIndex = rules.length;
    this.inputIndex = rules.length + 1;
  }

  /** Reports the violations of {@code input} and returns how many were reported. */
  abstract int check(Object input, ViolationListener l);

  /** Passes every feature's value to {@code v}; a null or foreign input has every one missing. */
  abstract void visit(Object input, FeatureVisitor v);

  final void allMissing(FeatureVisitor v) {
    for (int i = 0; i < rules.length; i++) {
      v.missing(i);
    }
  }

  /** The names of up to {@code limit} unexpected features of {@code input}; describe path only. */
  java.util.List<String> unexpectedNames(Object input, int limit) {
    return java.util.List.of();
  }

  final int nullInput(ViolationListener l) {
    l.onViolation(inputIndex, ViolationKind.NULL, Double.NaN, null);
    return 1;
  }

  final int wrongInputType(Object input, ViolationListener l) {
    l.onViolation(inputIndex, ViolationKind.TYPE_MISMATCH, Double.NaN, input);
    return 1;
  }
}
