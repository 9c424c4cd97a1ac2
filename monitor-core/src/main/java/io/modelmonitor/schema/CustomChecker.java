package io.modelmonitor.schema;

import java.util.function.Function;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Checks inputs of any type through extractor functions given per feature: numeric features by
 * {@link ToDoubleFunction} (no boxing), integer features by {@link ToLongFunction}, categorical
 * and vector features by {@link Function} (null means absent). An extractor that throws is
 * reported as {@link ViolationKind#TYPE_MISMATCH} of its feature: the input did not have the
 * structure the extractor expects.
 */
final class CustomChecker extends Checker {

  private final Class<?> type;
  private final Object[] extractors;

  CustomChecker(Rule[] rules, Class<?> type, Object[] extractors) {
    super(rules);
    this.type = type;
    this.extractors = extractors;
  }

  @Override
  int check(Object input, ViolationListener l) {
    if (input == null) {
      return nullInput(l);
    }
    if (!type.isInstance(input)) {
      return wrongInputType(input, l);
    }
    int violations = 0;
    for (int i = 0; i < rules.length; i++) {
      violations += checkFeature(i, input, l);
    }
    return violations;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private int checkFeature(int i, Object input, ViolationListener l) {
    Rule rule = rules[i];
    try {
      switch (rule.type) {
        case NUMERIC:
          return rule.checkDouble(((ToDoubleFunction) extractors[i]).applyAsDouble(input), l);
        case INTEGER:
          return rule.checkLong(((ToLongFunction) extractors[i]).applyAsLong(input), l);
        case BOOLEAN:
          return 0;
        default:
          Object raw = ((Function) extractors[i]).apply(input);
          if (raw == null) {
            return rule.required ? rule.missing(l) : 0;
          }
          return rule.checkObject(raw, l);
      }
    } catch (RuntimeException e) {
      l.onViolation(rule.index, ViolationKind.TYPE_MISMATCH, Double.NaN, e);
      return 1;
    }
  }
}
