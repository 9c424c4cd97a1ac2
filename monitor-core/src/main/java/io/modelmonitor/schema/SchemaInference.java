package io.modelmonitor.schema;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.RecordComponent;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Learns feature options from training samples (cold path: boxing and allocation are fine).
 * Options the user set explicitly are never overridden.
 */
final class SchemaInference {

  private static final Object ABSENT = new Object();

  private SchemaInference() {}

  /** What one feature looked like across the samples. */
  private static final class Stats {
    long present;
    long nulls;
    final EnumMap<FeatureType, Long> votes = new EnumMap<>(FeatureType.class);
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    boolean nan;
    final LinkedHashMap<String, Long> categories = new LinkedHashMap<>();
    boolean tooManyCategories;
    final Map<Integer, Long> dimensions = new LinkedHashMap<>();
    double normMin = Double.POSITIVE_INFINITY;
    double normMax = Double.NEGATIVE_INFINITY;

    void vote(FeatureType t) {
      votes.merge(t, 1L, Long::sum);
    }

    void number(double d) {
      if (Double.isNaN(d)) {
        nan = true;
      } else if (Double.isFinite(d)) {
        min = Math.min(min, d);
        max = Math.max(max, d);
      }
    }

    void category(String c, int cap) {
      if (tooManyCategories) {
        return;
      }
      categories.merge(c, 1L, Long::sum);
      if (categories.size() > cap) {
        tooManyCategories = true;
        categories.clear(); // memory stays bounded by the cap
      }
    }

    void vector(int dimension, double norm) {
      dimensions.merge(dimension, 1L, Long::sum);
      if (Double.isFinite(norm)) {
        normMin = Math.min(normMin, norm);
        normMax = Math.max(normMax, norm);
      }
    }
  }

  static <I> void apply(FeatureSchema.Builder<I> b, Collection<? extends I> samples) {
    Map<String, Stats> stats = new LinkedHashMap<>();
    for (String name : b.drafts().keySet()) {
      stats.put(name, new Stats());
    }
    int cap = b.vocabularyCap();
    for (I sample : samples) {
      if (b.shape().kind() == InputShape.Kind.MAP) {
        if (sample instanceof Map) {
          for (Map.Entry<?, ?> e : ((Map<?, ?>) sample).entrySet()) {
            if (!(e.getKey() instanceof String)) {
              continue; // only string keys can be features; others stay unexpected
            }
            String name = (String) e.getKey();
            if (b.ignoredNames().contains(name)) {
              continue;
            }
            if (name.isBlank() || name.startsWith("_")) {
              b.ignoredNames().add(name); // not a valid feature name: carried, never checked
              continue;
            }
            observe(stats.computeIfAbsent(name, n -> new Stats()), e.getValue(), cap);
          }
        }
        continue;
      }
      for (Map.Entry<String, Stats> e : stats.entrySet()) {
        observe(e.getValue(), read(b, sample, e.getKey()), cap);
      }
    }
    for (Map.Entry<String, Stats> e : stats.entrySet()) {
      String name = e.getKey();
      Stats s = e.getValue();
      FeatureOptions o = b.drafts().get(name);
      if (o == null) {
        FeatureType type = majority(s);
        if (type == null) { // only ever null: accept it unchecked rather than guess a type
          b.ignoredNames().add(name);
          continue;
        }
        o = new FeatureOptions(name, type);
        b.drafts().put(name, o);
      }
      finish(o, s, samples.size(), b.margin(), cap);
    }
  }

  /** The raw value of a declared feature of a non-map sample, boxed; ABSENT if there is none. */
  @SuppressWarnings({"unchecked", "rawtypes"})
  private static Object read(FeatureSchema.Builder<?> b, Object sample, String name) {
    if (sample == null) {
      return ABSENT;
    }
    List<String> names = List.copyOf(b.drafts().keySet());
    switch (b.shape().kind()) {
      case FLOAT_ARRAY: {
        float[] a = (float[]) sample;
        int i = names.indexOf(name);
        return i < a.length ? (Object) (double) a[i] : ABSENT;
      }
      case DOUBLE_ARRAY: {
        double[] a = (double[]) sample;
        int i = names.indexOf(name);
        return i < a.length ? (Object) a[i] : ABSENT;
      }
      case RECORD: {
        RecordComponent c = b.recordComponents().get(name);
        try {
          MethodHandle h = HandleChecker.accessor(c, HandleChecker.Access.OBJECT);
          return (Object) h.invokeExact(sample);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable t) {
          throw new IllegalStateException(t);
        }
      }
      default: {
        Object ex = b.extractors().get(name);
        if (ex instanceof ToDoubleFunction) {
          return ((ToDoubleFunction) ex).applyAsDouble(sample);
        }
        if (ex instanceof ToLongFunction) {
          return ((ToLongFunction) ex).applyAsLong(sample);
        }
        if (ex instanceof Predicate) {
          return ((Predicate) ex).test(sample);
        }
        Object v = ((Function) ex).apply(sample);
        return v == null ? ABSENT : v;
      }
    }
  }

  private static void observe(Stats s, Object v, int cap) {
    if (v == ABSENT) {
      return;
    }
    s.present++;
    if (v == null) {
      s.nulls++;
      return;
    }
    if (v instanceof Boolean) {
      s.vote(FeatureType.BOOLEAN);
    } else if (v instanceof Integer || v instanceof Long || v instanceof Short
        || v instanceof Byte || v instanceof java.math.BigInteger) {
      s.vote(FeatureType.INTEGER);
      s.number(((Number) v).doubleValue());
      s.category(String.valueOf(((Number) v).longValue()), cap);
    } else if (v instanceof Number) {
      s.vote(FeatureType.NUMERIC);
      double d = ((Number) v).doubleValue();
      s.number(d);
      if (Rule.isIntegral(d)) { // array positions declared categorical hold integral ids
        s.category(Long.toString((long) d), cap);
      }
    } else if (v instanceof String || v instanceof Enum) {
      s.vote(FeatureType.CATEGORICAL);
      s.category(v instanceof Enum ? ((Enum<?>) v).name() : (String) v, cap);
    } else if (v instanceof float[]) {
      double sum = 0;
      for (float x : (float[]) v) {
        sum += (double) x * x;
      }
      s.vote(FeatureType.VECTOR);
      s.vector(((float[]) v).length, Math.sqrt(sum));
    } else if (v instanceof double[]) {
      double sum = 0;
      for (double x : (double[]) v) {
        sum += x * x;
      }
      s.vote(FeatureType.VECTOR);
      s.vector(((double[]) v).length, Math.sqrt(sum));
    } else if (v instanceof List) {
      double sum = 0;
      for (Object x : (List<?>) v) {
        double d = x instanceof Number ? ((Number) x).doubleValue() : Double.NaN;
        sum += d * d;
      }
      s.vote(FeatureType.VECTOR);
      s.vector(((List<?>) v).size(), Math.sqrt(sum));
    }
  }

  private static FeatureType majority(Stats s) {
    long numeric = s.votes.getOrDefault(FeatureType.NUMERIC, 0L);
    long integer = s.votes.getOrDefault(FeatureType.INTEGER, 0L);
    FeatureType best = null;
    long bestVotes = 0;
    for (Map.Entry<FeatureType, Long> e : s.votes.entrySet()) {
      long votes = e.getValue();
      if (e.getKey() == FeatureType.NUMERIC || e.getKey() == FeatureType.INTEGER) {
        votes = numeric + integer; // 3 and 2.5 in one column are both numbers
      }
      if (votes > bestVotes) {
        best = e.getKey();
        bestVotes = votes;
      }
    }
    if (best == FeatureType.INTEGER && numeric > 0) {
      best = FeatureType.NUMERIC;
    }
    return best;
  }

  private static void finish(FeatureOptions o, Stats s, int samples, double margin, int cap) {
    if (!o.requiredSet) {
      o.required = s.present == samples;
    }
    if (!o.nullableSet) {
      o.nullable = s.nulls > 0;
    }
    switch (o.type) {
      case NUMERIC:
      case INTEGER:
        if (!o.rangeSet && s.min <= s.max) {
          double span = s.max - s.min;
          double pad = margin * (span > 0 ? span : Math.max(Math.abs(s.max), 1.0));
          double lo = s.min - pad;
          if (s.min >= 0 && lo < 0) {
            lo = 0;
          }
          double hi = s.max + pad;
          o.min = o.type == FeatureType.INTEGER ? Math.floor(lo) : lo;
          o.max = o.type == FeatureType.INTEGER ? Math.ceil(hi) : hi;
        }
        if (o.type == FeatureType.NUMERIC && s.nan) {
          o.allowNaN = true;
        }
        break;
      case CATEGORICAL:
        if (!o.vocabularySet && !s.tooManyCategories && !s.categories.isEmpty()
            && s.categories.size() <= cap) {
          o.vocabulary = new java.util.LinkedHashSet<>(s.categories.keySet());
        }
        break;
      case VECTOR:
        if (!o.dimensionSet && s.dimensions.size() == 1) {
          o.dimension = s.dimensions.keySet().iterator().next();
        }
        if (!o.normSet && s.normMin <= s.normMax) {
          o.normMin = Math.max(0, s.normMin * (1 - margin));
          o.normMax = s.normMax * (1 + margin);
        }
        break;
      default:
        break;
    }
  }
}
