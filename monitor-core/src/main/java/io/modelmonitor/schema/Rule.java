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
  /** The bounds as whole numbers (saturated), for exact comparisons of longs. */
  private final long minLong;
  private final long maxLong;
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
    this.minLong = toLongBound(Math.ceil(min));
    this.maxLong = toLongBound(Math.floor(max));
    this.vocabulary = spec.hasVocabulary() ? new Vocabulary(spec.vocabulary()) : null;
    this.dimension = spec.dimension();
    this.checkNorm = spec.hasNormRange();
    this.normMin = spec.normMin();
    this.normMax = spec.normMax();
  }

  /** Saturating conversion: a bound beyond the long range stands for no bound on that side. */
  private static long toLongBound(double b) {
    if (b >= 0x1p63) {
      return Long.MAX_VALUE;
    }
    if (b <= -0x1p63) {
      return Long.MIN_VALUE;
    }
    return (long) b;
  }

  /** Largest bit length of a BigInteger (or BigDecimal unscaled value) read as a number. */
  static final int MAX_BIG_BITS = 1_100;

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

  /** A whole number, compared exactly (no rounding through double). */
  int checkLong(long v, ViolationListener l) {
    if (v < minLong || v > maxLong) {
      return report(l, ViolationKind.OUT_OF_RANGE, v, null);
    }
    return 0;
  }

  /**
   * A number of any {@link Number} type as a double; huge BigInteger/BigDecimal values (beyond
   * {@value #MAX_BIG_BITS} bits, where converting would cost time proportional to their size)
   * become infinite with their sign.
   */
  static double toDouble(Number n) {
    if (n instanceof java.math.BigInteger) {
      java.math.BigInteger b = (java.math.BigInteger) n;
      if (b.bitLength() > MAX_BIG_BITS) {
        return b.signum() * Double.POSITIVE_INFINITY;
      }
    } else if (n instanceof java.math.BigDecimal) {
      java.math.BigDecimal b = (java.math.BigDecimal) n;
      if (b.unscaledValue().bitLength() > MAX_BIG_BITS) {
        return b.signum() * Double.POSITIVE_INFINITY;
      }
    }
    return n.doubleValue();
  }

  private static boolean isBig(Number n) {
    return n instanceof java.math.BigInteger || n instanceof java.math.BigDecimal;
  }

  /** A number from an object: a finite value beyond double range is out of range, not NaN. */
  private int checkNumber(Number n, ViolationListener l) {
    double d = toDouble(n);
    if (Double.isInfinite(d) && isBig(n)) {
      return report(l, ViolationKind.OUT_OF_RANGE, d, null);
    }
    return checkDouble(d, l);
  }

  /** Passes a value of unknown static type to the visitor as this feature's type. */
  void visitObject(Object raw, FeatureVisitor v) {
    if (raw == null) {
      v.missing(index);
      return;
    }
    switch (type) {
      case NUMERIC:
      case INTEGER:
        if (raw instanceof Number) {
          v.numeric(index, toDouble((Number) raw));
        } else {
          v.missing(index);
        }
        break;
      case BOOLEAN:
        if (raw instanceof Boolean) {
          v.numeric(index, (Boolean) raw ? 1 : 0);
        } else {
          v.missing(index);
        }
        break;
      case CATEGORICAL:
        if (raw instanceof String) {
          v.category(index, (String) raw);
        } else if (raw instanceof Enum) {
          v.category(index, ((Enum<?>) raw).name());
        } else if (raw instanceof Integer || raw instanceof Long || raw instanceof Short
            || raw instanceof Byte) {
          v.categoryId(index, ((Number) raw).longValue());
        } else {
          v.missing(index);
        }
        break;
      default:
        if (raw instanceof float[] || raw instanceof double[] || raw instanceof List) {
          v.vector(index, raw);
        } else {
          v.missing(index);
        }
    }
  }

  /** Passes a value read from a numeric array position to the visitor. */
  void visitArrayValue(double d, FeatureVisitor v) {
    if (type == FeatureType.CATEGORICAL) {
      if (isIntegral(d)) {
        v.categoryId(index, (long) d);
      } else {
        v.missing(index);
      }
    } else {
      v.numeric(index, d);
    }
  }

  /** A primitive double read by an accessor or extractor. */
  void visitDouble(double d, FeatureVisitor v) {
    v.numeric(index, d);
  }

  /** A primitive long read by an accessor or extractor. */
  void visitLong(long value, FeatureVisitor v) {
    if (type == FeatureType.CATEGORICAL) {
      v.categoryId(index, value);
    } else {
      v.numeric(index, value);
    }
  }

  /** A primitive boolean read by an accessor or extractor. */
  void visitBoolean(boolean value, FeatureVisitor v) {
    v.numeric(index, value ? 1 : 0);
  }

  /** The accessor or extractor of this feature threw. */
  void visitFailed(RuntimeException e, Object input, FeatureVisitor v) {
    v.missing(index);
  }

  /** A value of a record component that may be null. */
  int checkNullable(Object raw, ViolationListener l) {
    return raw == null ? isNull(l) : checkObject(raw, l);
  }

  /** A value returned by an extractor function: null means the feature is absent. */
  int checkExtracted(Object raw, ViolationListener l) {
    return raw == null ? missing(l) : checkObject(raw, l);
  }

  /** The accessor or extractor of this feature threw: the input lacks the structure it expects. */
  int extractorThrew(RuntimeException e, Object input, ViolationListener l) {
    Throwable cause = e instanceof HandleChecker.ReadFailed && e.getCause() != null
        ? e.getCause() : e;
    return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, cause);
  }

  /** A value read from a numeric array position, checked as this feature's type. */
  int checkArrayValue(double d, ViolationListener l) {
    switch (type) {
      case NUMERIC:
        return checkDouble(d, l);
      case INTEGER:
        if (d != Math.rint(d)) { // NaN and fractions; infinities are rint-fixed points
          return report(l, ViolationKind.TYPE_MISMATCH, d, null);
        }
        return isIntegral(d) ? checkLong((long) d, l) : checkBeyondLong(d, l);
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
          return checkNumber((Number) raw, l);
        }
        return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, raw);
      case INTEGER:
        if (raw instanceof Integer || raw instanceof Long || raw instanceof Short
            || raw instanceof Byte) {
          return checkLong(((Number) raw).longValue(), l);
        }
        if (raw instanceof java.math.BigInteger
            && ((java.math.BigInteger) raw).bitLength() < 64) {
          return checkLong(((java.math.BigInteger) raw).longValue(), l);
        }
        if (raw instanceof Number) {
          double d = toDouble((Number) raw);
          if (d == Math.rint(d) && !Double.isNaN(d)) {
            return isIntegral(d) ? checkLong((long) d, l) : checkBeyondLong(d, l);
          }
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

  /** A whole number beyond the long range (or infinite): compared as a double. */
  private int checkBeyondLong(double d, ViolationListener l) {
    return d < min || d > max || Double.isInfinite(d)
        ? report(l, ViolationKind.OUT_OF_RANGE, d, null) : 0;
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
    if (v instanceof java.util.RandomAccess) { // no iterator: nothing allocated
      for (int i = 0; i < size; i++) {
        double x = vectorElement(v.get(i));
        if (!Double.isFinite(x)) {
          return badElement(v.get(i), x, l);
        }
        sumSquares += x * x;
      }
    } else { // linked lists: index access would be quadratic
      for (Object element : v) {
        double x = vectorElement(element);
        if (!Double.isFinite(x)) {
          return badElement(element, x, l);
        }
        sumSquares += x * x;
      }
    }
    return Double.isFinite(sumSquares) ? checkNorm(sumSquares, l) : checkOverflowedNorm(l);
  }

  /** A vector element as a double; NaN for non-numbers (told apart by {@link #badElement}). */
  private static double vectorElement(Object element) {
    return element instanceof Number ? toDouble((Number) element) : Double.NaN;
  }

  private int badElement(Object element, double x, ViolationListener l) {
    if (!(element instanceof Number)) {
      return report(l, ViolationKind.TYPE_MISMATCH, Double.NaN, element);
    }
    return isBig((Number) element) && Double.isInfinite(x)
        ? (checkNorm ? report(l, ViolationKind.OUT_OF_RANGE, x, null) : 0)
        : report(l, ViolationKind.NAN_OR_INFINITE, x, null);
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
