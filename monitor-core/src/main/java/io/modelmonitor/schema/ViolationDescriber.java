package io.modelmonitor.schema;

import java.util.ArrayList;
import java.util.List;

/**
 * Turns reported violations into {@link Violation}s with details for humans. Used only on the
 * rare paths (validate, LOG, REJECT), so it may allocate. Values of sensitive features are
 * replaced by {@code ***}.
 */
final class ViolationDescriber implements ViolationListener {

  static final String MASK = "***";
  private static final int MAX_SHOWN = 64;

  private final FeatureSchema<?> schema;
  private final Object input;
  private final List<Violation> out = new ArrayList<>();

  ViolationDescriber(FeatureSchema<?> schema, Object input) {
    this.schema = schema;
    this.input = input;
  }

  List<Violation> violations() {
    return List.copyOf(out);
  }

  @Override
  public void onViolation(int index, ViolationKind kind, double value, Object raw) {
    FeatureSpec spec = index < schema.features().size() ? schema.features().get(index) : null;
    boolean sensitive = spec != null && spec.sensitive();
    out.add(new Violation(schema.nameOf(index), kind, detail(spec, sensitive, kind, value, raw)));
  }

  private String detail(FeatureSpec spec, boolean sensitive, ViolationKind kind, double value,
      Object raw) {
    switch (kind) {
      case MISSING:
        return "absent";
      case NULL:
        return spec == null ? "input is null" : "null";
      case UNEXPECTED:
        long count = (long) value;
        List<String> names = schema.checker().unexpectedNames(input,
            FeatureSchema.MAX_LISTED_UNEXPECTED);
        StringBuilder sb = new StringBuilder().append(count)
            .append(count == 1 ? " unexpected feature" : " unexpected features");
        if (!names.isEmpty()) {
          sb.append(": ");
          for (int i = 0; i < names.size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(shorten(names.get(i)));
          }
          if (count > names.size()) {
            sb.append(", ...");
          }
        }
        return sb.toString();
      case TYPE_MISMATCH:
        if (spec == null) {
          return "expected " + schema.shape() + ", got " + typeName(raw);
        }
        if (raw instanceof RuntimeException) {
          return "reading it threw " + raw.getClass().getSimpleName();
        }
        return "expected " + expected(spec) + ", got "
            + (raw != null ? (typeName(raw) + ' ' + show(raw, sensitive)).strip()
                : Double.isNaN(value) ? "null" : show(value, sensitive));
      case NAN_OR_INFINITE:
        return spec != null && spec.type() == FeatureType.VECTOR
            ? "non-finite element" : show(value, sensitive);
      case OUT_OF_RANGE:
        if (spec != null && spec.type() == FeatureType.VECTOR) {
          return "norm " + show(value, sensitive) + " not in [" + spec.normMin() + ", "
              + spec.normMax() + "]";
        }
        return show(value, sensitive) + " not in [" + bound(spec.min()) + ", "
            + bound(spec.max()) + "]";
      case UNSEEN_CATEGORY:
        return (raw != null ? show(raw, sensitive) : show((long) value, sensitive))
            + " not in the vocabulary of " + spec.vocabulary().size();
      case DIMENSION_MISMATCH:
        return "length " + (long) value + ", expected " + spec.dimension();
      default:
        return "";
    }
  }

  private static String expected(FeatureSpec spec) {
    switch (spec.type()) {
      case NUMERIC:
        return "a number";
      case INTEGER:
        return "a whole number";
      case BOOLEAN:
        return "a boolean";
      case CATEGORICAL:
        return "a string, enum or integral id";
      default:
        return "a numeric vector";
    }
  }

  private static String typeName(Object raw) {
    return raw == null ? "null" : raw.getClass().getSimpleName();
  }

  private static String bound(double b) {
    return Double.isInfinite(b) ? (b > 0 ? "+inf" : "-inf") : Double.toString(b);
  }

  private static String show(double v, boolean sensitive) {
    return sensitive ? MASK : Double.toString(v);
  }

  private static String show(long v, boolean sensitive) {
    return sensitive ? MASK : Long.toString(v);
  }

  private static String show(Object raw, boolean sensitive) {
    if (sensitive) {
      return MASK;
    }
    if (raw instanceof String) {
      return '"' + shorten((String) raw) + '"';
    }
    if (raw instanceof Integer || raw instanceof Long || raw instanceof Short
        || raw instanceof Byte || raw instanceof Double || raw instanceof Float
        || raw instanceof Boolean) {
      return String.valueOf(raw);
    }
    if (raw instanceof Enum) {
      return shorten(((Enum<?>) raw).name());
    }
    // arrays, maps, big or unknown numbers, objects: the type name says enough, and their
    // toString() may be huge or slow
    return "";
  }

  /** Cuts long text and escapes control characters, so no value can forge a log line. */
  static String shorten(String s) {
    String cut = s.length() <= MAX_SHOWN ? s : s.substring(0, MAX_SHOWN) + "...";
    StringBuilder sb = null;
    for (int i = 0; i < cut.length(); i++) {
      char c = cut.charAt(i);
      if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
        if (sb == null) {
          sb = new StringBuilder(cut.substring(0, i));
        }
        sb.append(String.format(java.util.Locale.ROOT, "\\u%04x", (int) c));
      } else if (sb != null) {
        sb.append(c);
      }
    }
    return sb == null ? cut : sb.toString();
  }
}
