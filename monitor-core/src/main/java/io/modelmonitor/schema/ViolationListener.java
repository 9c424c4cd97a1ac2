package io.modelmonitor.schema;

/**
 * Receives the violations of one input from {@link FeatureSchema#check(Object, ViolationListener)}
 * without any allocation: the offending value arrives as a {@code double} when it is a number and
 * as the raw object only when the input already held one.
 */
@FunctionalInterface
public interface ViolationListener {

  /**
   * Called once per violated feature (and once for all unexpected features together).
   *
   * @param featureIndex index into {@link FeatureSchema#features()}, or
   *     {@link FeatureSchema#unexpectedIndex()} / {@link FeatureSchema#inputIndex()}
   * @param kind what is wrong
   * @param value the offending number, or NaN when there is none
   * @param raw the offending object as found in the input, or null
   */
  void onViolation(int featureIndex, ViolationKind kind, double value, Object raw);
}
