package io.modelmonitor.schema;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * Checks record inputs (through their component accessors) and inputs of any type (through
 * extractor functions) with one fused method handle {@code (Object input, ViolationListener)int}
 * built when the schema is built: for each feature, "read the value, check it with its rule",
 * summed over the features.
 *
 * <p>Design note. A loop over per-feature readers calls 20 different accessor or lambda classes
 * from one call site: megamorphic dispatch and interface casts cost about 10 ns a feature. The
 * fused handle instead has every accessor and rule bound as a constant; once it is hot, HotSpot
 * customises its lambda form for this instance and the JIT compiles the whole chain as one
 * straight-line method, like hand-written code. Records are read through their accessors
 * (unreflected once, never reflection per call); primitives are never boxed.
 */
final class HandleChecker extends Checker {

  /** How a value is read. */
  enum Access {
    DOUBLE, LONG, BOOLEAN, OBJECT
  }

  private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
  private static final MethodHandle ADD;
  private static final MethodHandle ZERO;
  private static final MethodHandle CHECK_DOUBLE;
  private static final MethodHandle CHECK_LONG;
  private static final MethodHandle CHECK_CATEGORY_ID;
  private static final MethodHandle CHECK_NULLABLE;
  private static final MethodHandle CHECK_EXTRACTED;
  private static final MethodHandle EXTRACTOR_THREW;

  static {
    try {
      MethodType check = MethodType.methodType(int.class, double.class, ViolationListener.class);
      ADD = LOOKUP.findStatic(HandleChecker.class, "add",
          MethodType.methodType(int.class, int.class, int.class));
      ZERO = MethodHandles.dropArguments(MethodHandles.constant(int.class, 0), 0, Object.class,
          ViolationListener.class);
      CHECK_DOUBLE = LOOKUP.findVirtual(Rule.class, "checkDouble", check);
      CHECK_LONG = LOOKUP.findVirtual(Rule.class, "checkLong", check.changeParameterType(0,
          long.class));
      CHECK_CATEGORY_ID = LOOKUP.findVirtual(Rule.class, "checkCategoryId",
          check.changeParameterType(0, long.class));
      CHECK_NULLABLE = LOOKUP.findVirtual(Rule.class, "checkNullable",
          check.changeParameterType(0, Object.class));
      CHECK_EXTRACTED = LOOKUP.findVirtual(Rule.class, "checkExtracted",
          check.changeParameterType(0, Object.class));
      EXTRACTOR_THREW = LOOKUP.findVirtual(Rule.class, "extractorThrew",
          MethodType.methodType(int.class, RuntimeException.class, Object.class,
              ViolationListener.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Class<?> type;
  private final MethodHandle all;

  private HandleChecker(Rule[] rules, Class<?> type, MethodHandle all) {
    super(rules);
    this.type = type;
    this.all = all;
  }

  @SuppressWarnings("unused") // through ADD
  private static int add(int a, int b) {
    return a + b;
  }

  @Override
  int check(Object input, ViolationListener l) {
    if (input == null) {
      return nullInput(l);
    }
    if (!type.isInstance(input)) {
      return wrongInputType(input, l);
    }
    try {
      return (int) all.invokeExact(input, l);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) { // nothing in the chain declares a checked exception
      throw new IllegalStateException(t);
    }
  }

  /** How a record component of this Java type is read, or null when it cannot be a feature. */
  static Access accessFor(Class<?> javaType) {
    if (javaType == double.class || javaType == float.class) {
      return Access.DOUBLE;
    }
    if (javaType == long.class || javaType == int.class || javaType == short.class
        || javaType == byte.class) {
      return Access.LONG;
    }
    if (javaType == boolean.class) {
      return Access.BOOLEAN;
    }
    return javaType.isPrimitive() ? null : Access.OBJECT;
  }

  /** The accessor of {@code component} as {@code (Object)double|long|boolean|Object}. */
  static MethodHandle accessor(RecordComponent component, Access how) {
    Class<?> recordType = component.getDeclaringRecord();
    MethodHandle handle;
    try {
      MethodHandles.Lookup lookup;
      try {
        lookup = MethodHandles.privateLookupIn(recordType, LOOKUP);
      } catch (IllegalAccessException notOpen) {
        lookup = MethodHandles.publicLookup();
      }
      handle = lookup.unreflect(component.getAccessor());
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("record " + recordType.getName() + " is not accessible "
          + "to ModelMonitor: make it public or open its package (" + e.getMessage() + ')', e);
    }
    return handle.asType(MethodType.methodType(returnType(how), Object.class));
  }

  private static Class<?> returnType(Access how) {
    switch (how) {
      case DOUBLE:
        return double.class;
      case LONG:
        return long.class;
      case BOOLEAN:
        return boolean.class;
      default:
        return Object.class;
    }
  }

  /** A checker reading the record's components named by the rules. */
  static HandleChecker forRecord(Rule[] rules, Class<?> recordType,
      java.util.Map<String, RecordComponent> components) {
    MethodHandle all = ZERO;
    for (Rule rule : rules) {
      RecordComponent c = components.get(rule.name);
      Access how = accessFor(c.getType());
      if (how == Access.BOOLEAN) {
        continue; // every boolean is valid
      }
      MethodHandle check = how == Access.OBJECT ? CHECK_NULLABLE
          : how == Access.DOUBLE ? CHECK_DOUBLE
          : rule.type == FeatureType.CATEGORICAL ? CHECK_CATEGORY_ID : CHECK_LONG;
      all = plus(all, MethodHandles.filterArguments(check.bindTo(rule), 0, accessor(c, how)));
    }
    return new HandleChecker(rules, recordType, all);
  }

  /** A checker reading features through the user's extractor functions. */
  static HandleChecker forExtractors(Rule[] rules, Class<?> inputType, Object[] extractors) {
    try {
      MethodHandle all = ZERO;
      for (int i = 0; i < rules.length; i++) {
        Rule rule = rules[i];
        Object ex = extractors[i];
        MethodHandle feature;
        if (ex instanceof ToDoubleFunction) {
          feature = MethodHandles.filterArguments(CHECK_DOUBLE.bindTo(rule), 0,
              LOOKUP.findVirtual(ToDoubleFunction.class, "applyAsDouble",
                  MethodType.methodType(double.class, Object.class)).bindTo(ex));
        } else if (ex instanceof ToLongFunction) {
          feature = MethodHandles.filterArguments(CHECK_LONG.bindTo(rule), 0,
              LOOKUP.findVirtual(ToLongFunction.class, "applyAsLong",
                  MethodType.methodType(long.class, Object.class)).bindTo(ex));
        } else if (ex instanceof Predicate) {
          continue; // every boolean is valid
        } else {
          feature = MethodHandles.filterArguments(CHECK_EXTRACTED.bindTo(rule), 0,
              LOOKUP.findVirtual(Function.class, "apply",
                  MethodType.methodType(Object.class, Object.class)).bindTo(ex));
        }
        // an extractor that throws reports a type mismatch of its feature instead
        feature = MethodHandles.catchException(feature, RuntimeException.class,
            EXTRACTOR_THREW.bindTo(rule));
        all = plus(all, feature);
      }
      return new HandleChecker(rules, inputType, all);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code (o, l) -> sum(o, l) + feature(o, l)}. */
  private static MethodHandle plus(MethodHandle sum, MethodHandle feature) {
    return MethodHandles.foldArguments(MethodHandles.collectArguments(ADD, 1, feature), sum);
  }
}
