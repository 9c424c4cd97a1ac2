package io.modelmonitor.schema;

import java.util.List;

/**
 * The compiled checks of one feature. Every method reports at most one violation to the listener
 * and returns how many it reported (0 or 1); none allocates.
 */
final class Rule {

  final int index;
  final String name;
  final FeatureType type;
  final boolean required;
  final boolean nullable;
  final boolean sensitive;
  private final boolean allowNaN;
  final double min;
  final double max;
  private final Vocabulary vocabulary;
  final int dimension;
  private final boolean checkNorm;
  final double normMin;
  final double normMax;

  Rule(int index, FeatureSpec spec) {
    this.index = index;
    this.name = spec.name();
    this.type = spec.type();
    this.required = spec.required();
    this.nullable = spec.nullable();
    this.sensitive = spec.sensitive();
    this.allowNaN = spec.allowNaN();
    this.min = spec.min();
    this.max = spec.max();
    this.vocabulary = spec.hasVocabulary() ? new Vocabulary(spec.vocabulary()) : null;
    this.dimension = spec.dimension();
    this.checkNorm = spec.hasNormRange();
    this.normMin = spec.normMin();
    this.normMax = spec.normMax();
  }

  private int report(ViolationListener l, ViolationKind kind, double value, Object raw) {
    l.onViolation(index, kind, value, raw);
    return 1;
  }

  int missing(ViolationListener l) {
    return required ? report(l, ViolationKind.MISSING, Double.NaN, null) : 0;
  }

  int isNull(ViolationListener l) {
    return nullable ? 0 : report(l, ViolationKind.NULL, Double.NaN, null);
  }

  /** A numeric value. */
  int checkDouble(double d, ViolationListener l) {
    if (d != d) {
      return allowNaN ? 0 : report(l, ViolationKind.NAN_OR_INFINITE, d, null);
    }
    if (d == Double.POSITIVE_INFINITY || d == Double.NEGATIVE_INFINITY) {
      return report(l, ViolationKind.NAN_OR_INFINITE, d, null);
    }
    if (d < min || d > max) {
      return report(l, ViolationKind.OUT_OF_RANGE, d, null);
    }
    return 0;
  }

  /** A whole number. */
  int checkLong(long v, ViolationListener l) {
    if (v < min || v > max) {
      return report(l, ViolationKind.OUT_OF_RANGE, v, null);
    }
    return 0;
  }

  /** A value of a record component that may be null. */
  int checkNullable(Object raw, ViolationListener l) {
    return raw == null ? isNull(l) : checkObject(raw, l);
  }

  /** A value returned by an extractor function: null means the feature is absent. */
  int checkExtracted(Object raw, ViolationListener l) {
    return raw == null ? missing(l) : checkObject(raw, l);
  }

  /** The extractor of this feature threw: the input lacks the structure it expects. */
  int extractorThrew(RuntimeException e, Object input, ViolationListener l) {
    return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, e);
  }

  /** A value read from a numeric array position, checked as this feature's type. */
  int checkArrayValue(double d, ViolationListener l) {
    switch (type) {
      case NUMERIC:
        return checkDouble(d, l);
      case INTEGER:
        if (!isIntegral(d)) {
          return report(l, ViolationKind.TYPE_MISMATCH, d, null);
        }
        return checkLong((long) d, l);
      case BOOLEAN:
        return d == 0 || d == 1 ? 0 : report(l, ViolationKind.TYPE_MISMATCH, d, null);
      case CATEGORICAL:
        if (!isIntegral(d)) {
          return report(l, ViolationKind.TYPE_MISMATCH, d, null);
        }
        return checkCategoryId((long) d, l);
      default:
        return report(l, ViolationKind.TYPE_MISMATCH, d, null);
    }
  }

  /** A non-null value of unknown static type, as found in a map or a boxed record component. */
  int checkObject(Object raw, ViolationListener l) {
    switch (type) {
      case NUMERIC:
        if (raw instanceof Number) {
          return checkDouble(((Number) raw).doubleValue(), l);
        }
        return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
      case INTEGER:
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short
            || raw instanceof Byte) {
          return checkLong(((Number) raw).longValue(), l);
        }
        if (raw instanceof Number && isIntegral(((Number) raw).doubleValue())) {
          return checkLong((long) ((Number) raw).doubleValue(), l);
        }
        return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
      case BOOLEAN:
        return raw instanceof Boolean ? 0 : report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
      case CATEGORICAL:
        return checkCategoryObject(raw, l);
      case VECTOR:
        return checkVectorObject(raw, l);
      default:
        throw new AssertionError(type);
    }
  }

  int checkCategoryObject(Object raw, ViolationListener l) {
    if (raw instanceof String) {
      return checkCategory((String) raw, l);
    }
    if (raw instanceof Enum) {
      return checkCategory(((Enum<?>) raw).name(), l);
    }
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short
        || raw instanceof Byte) {
      return checkCategoryId(((Number) raw).longValue(), l);
    }
    return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
  }

  int checkCategory(String category, ViolationListener l) {
    if (vocabulary != null && !vocabulary.contains(category)) {
      return report(l, ViolationKind.UNSEEN_CATEGORY, Double.NaN, category);
    }
    return 0;
  }

  int checkCategoryId(long id, ViolationListener l) {
    if (vocabulary != null && !vocabulary.containsId(id)) {
      return report(l, ViolationKind.UNSEEN_CATEGORY, id, null);
    }
    return 0;
  }

  int checkVectorObject(Object raw, ViolationListener l) {
    if (raw instanceof float[]) {
      return checkVector((float[]) raw, l);
    }
    if (raw instanceof double[]) {
      return checkVector((double[]) raw, l);
    }
    if (raw instanceof List) {
      return checkVector((List<?>) raw, l);
    }
    return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
  }

  int checkVector(float[] v, ViolationListener l) {
    if (dimension > 0 && v.length != dimension) {
      return report(l, ViolationKind.DIMENSION_MISMATCH, v.length, null);
    }
    double sumSquares = 0;
    for (float x : v) {
      sumSquares += (double) x * x;
    }
    return checkNorm(sumSquares, l);
  }

  int checkVector(double[] v, ViolationListener l) {
    if (dimension > 0 && v.length != dimension) {
      return report(l, ViolationKind.DIMENSION_MISMATCH, v.length, null);
    }
    double sumSquares = 0;
    for (double x : v) {
      sumSquares += x * x;
    }
    if (!Double.isFinite(sumSquares)) {
      boolean nonFinite = false;
      for (double x : v) {
        nonFinite |= !Double.isFinite(x);
      }
      return nonFinite ? checkNorm(Double.NaN, l) : checkOverflowedNorm(l);
    }
    return checkNorm(sumSquares, l);
  }

  int checkVector(List<?> v, ViolationListener l) {
    int size = v.size();
    if (dimension > 0 && size != dimension) {
      return report(l, ViolationKind.DIMENSION_MISMATCH, size, null);
    }
    double sumSquares = 0;
    for (int i = 0; i < size; i++) {
      Object element = v.get(i);
      if (!(element instanceof Number)) {
        return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, element);
      }
      double x = ((Number) element).doubleValue();
      if (!Double.isFinite(x)) {
        return report(l, ViolationKind.NAN_OR_INFINITE, x, null);
      }
      sumSquares += x * x;
    }
    return Double.isFinite(sumSquares) ? checkNorm(sumSquares, l) : checkOverflowedNorm(l);
  }

  /** Finite elements whose squares overflow: the norm is beyond any representable bound. */
  private int checkOverflowedNorm(ViolationListener l) {
    return checkNorm ? report(l, ViolationKind.OUT_OF_RANGE, Double.POSITIVE_INFINITY, null) : 0;
  }

  /**
   * A non-finite element makes the sum of squares non-finite: one test covers them all (callers
   * with double elements first rule out an overflow of finite values).
   */
  private int checkNorm(double sumSquares, ViolationListener l) {
    if (!Double.isFinite(sumSquares)) {
      return report(l, ViolationKind.NAN_OR_INFINITE, sumSquares, null);
    }
    if (checkNorm) {
      double norm = Math.sqrt(sumSquares);
      if (norm < normMin || norm > normMax) {
        return report(l, ViolationKind.OUT_OF_RANGE, norm, null);
      }
    }
    return 0;
  }

  static boolean isIntegral(double d) {
    return d == Math.rint(d) && !Double.isInfinite(d) && Math.abs(d) < 0x1p63;
  }
}
