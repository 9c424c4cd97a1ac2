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
  private static final MethodHandle NOTHING;
  private static final MethodHandle VISIT_DOUBLE;
  private static final MethodHandle VISIT_LONG;
  private static final MethodHandle VISIT_BOOLEAN;
  private static final MethodHandle VISIT_OBJECT;
  private static final MethodHandle VISIT_FAILED;
  private static final MethodHandle FAIL_READ;

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
      MethodType visit = MethodType.methodType(void.class, double.class, FeatureVisitor.class);
      NOTHING = MethodHandles.empty(MethodType.methodType(void.class, Object.class,
          FeatureVisitor.class));
      VISIT_DOUBLE = LOOKUP.findVirtual(Rule.class, "visitDouble", visit);
      VISIT_LONG = LOOKUP.findVirtual(Rule.class, "visitLong",
          visit.changeParameterType(0, long.class));
      VISIT_BOOLEAN = LOOKUP.findVirtual(Rule.class, "visitBoolean",
          visit.changeParameterType(0, boolean.class));
      VISIT_OBJECT = LOOKUP.findVirtual(Rule.class, "visitObject",
          visit.changeParameterType(0, Object.class));
      VISIT_FAILED = LOOKUP.findVirtual(Rule.class, "visitFailed",
          MethodType.methodType(void.class, RuntimeException.class, Object.class,
              FeatureVisitor.class));
      FAIL_READ = LOOKUP.findStatic(HandleChecker.class, "failRead",
          MethodType.methodType(Object.class, RuntimeException.class, Object.class));
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private final Class<?> type;
  private final MethodHandle all;
  /** {@code (Object input, FeatureVisitor)void}: every feature's value to the visitor. */
  private final MethodHandle visitAll;

  private HandleChecker(Rule[] rules, Class<?> type, MethodHandle all, MethodHandle visitAll) {
    super(rules);
    this.type = type;
    this.all = all;
    this.visitAll = visitAll;
  }

  @SuppressWarnings("unused") // through ADD
  private static int add(int a, int b) {
    return a + b;
  }

  /**
   * Marks an exception thrown by an accessor or extractor, so the handler that reports it as a
   * type mismatch never catches what the listener or visitor itself threw.
   */
  static final class ReadFailed extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ReadFailed(RuntimeException cause) {
      super(cause.getClass().getSimpleName(), cause, false, false);
    }
  }

  @SuppressWarnings("unused") // through FAIL_READ
  private static Object failRead(RuntimeException e, Object input) {
    throw new ReadFailed(e);
  }

  /** {@code read}, with any RuntimeException it throws turned into {@link ReadFailed}. */
  private static MethodHandle guarded(MethodHandle read) {
    MethodHandle fail = FAIL_READ.asType(MethodType.methodType(read.type().returnType(),
        RuntimeException.class, Object.class));
    return MethodHandles.catchException(read, RuntimeException.class, fail);
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

  @Override
  void visit(Object input, FeatureVisitor v) {
    if (input == null || !type.isInstance(input)) {
      allMissing(v);
      return;
    }
    try {
      visitAll.invokeExact(input, v);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** {@code (o, v) -> { rest(o, v); feature(o, v); }}; a failed read visits as missing. */
  private static MethodHandle andThen(MethodHandle rest, MethodHandle feature, Rule rule) {
    MethodHandle safe = MethodHandles.catchException(feature, ReadFailed.class,
        VISIT_FAILED.bindTo(rule).asType(VISIT_FAILED.type().dropParameterTypes(0, 1)
            .changeParameterType(0, ReadFailed.class)));
    return MethodHandles.foldArguments(safe, rest);
  }

  /** A check whose failed read is reported as a type mismatch of its feature. */
  private static MethodHandle safeCheck(MethodHandle feature, Rule rule) {
    return MethodHandles.catchException(feature, ReadFailed.class,
        EXTRACTOR_THREW.bindTo(rule).asType(EXTRACTOR_THREW.type().dropParameterTypes(0, 1)
            .changeParameterType(0, ReadFailed.class)));
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
    MethodHandle visitAll = NOTHING;
    for (Rule rule : rules) {
      RecordComponent c = components.get(rule.name);
      Access how = accessFor(c.getType());
      MethodHandle read = guarded(accessor(c, how));
      MethodHandle visit = how == Access.OBJECT ? VISIT_OBJECT : how == Access.DOUBLE
          ? VISIT_DOUBLE : how == Access.LONG ? VISIT_LONG : VISIT_BOOLEAN;
      visitAll = andThen(visitAll, MethodHandles.filterArguments(visit.bindTo(rule), 0, read),
          rule);
      if (how == Access.BOOLEAN) {
        continue; // every boolean is valid
      }
      MethodHandle check = how == Access.OBJECT ? CHECK_NULLABLE
          : how == Access.DOUBLE ? CHECK_DOUBLE
          : rule.type == FeatureType.CATEGORICAL ? CHECK_CATEGORY_ID : CHECK_LONG;
      all = plus(all, safeCheck(MethodHandles.filterArguments(check.bindTo(rule), 0, read),
          rule));
    }
    return new HandleChecker(rules, recordType, all, visitAll);
  }

  /** A checker reading features through the user's extractor functions. */
  static HandleChecker forExtractors(Rule[] rules, Class<?> inputType, Object[] extractors) {
    try {
      MethodHandle all = ZERO;
      MethodHandle visitAll = NOTHING;
      for (int i = 0; i < rules.length; i++) {
        Rule rule = rules[i];
        Object ex = extractors[i];
        MethodHandle feature;
        if (ex instanceof ToDoubleFunction) {
          MethodHandle read = guarded(LOOKUP.findVirtual(ToDoubleFunction.class, "applyAsDouble",
              MethodType.methodType(double.class, Object.class)).bindTo(ex));
          visitAll = andThen(visitAll,
              MethodHandles.filterArguments(VISIT_DOUBLE.bindTo(rule), 0, read), rule);
          feature = MethodHandles.filterArguments(CHECK_DOUBLE.bindTo(rule), 0, read);
        } else if (ex instanceof ToLongFunction) {
          MethodHandle read = guarded(LOOKUP.findVirtual(ToLongFunction.class, "applyAsLong",
              MethodType.methodType(long.class, Object.class)).bindTo(ex));
          visitAll = andThen(visitAll,
              MethodHandles.filterArguments(VISIT_LONG.bindTo(rule), 0, read), rule);
          feature = MethodHandles.filterArguments(CHECK_LONG.bindTo(rule), 0, read);
        } else if (ex instanceof Predicate) {
          MethodHandle read = guarded(LOOKUP.findVirtual(Predicate.class, "test",
              MethodType.methodType(boolean.class, Object.class)).bindTo(ex));
          visitAll = andThen(visitAll,
              MethodHandles.filterArguments(VISIT_BOOLEAN.bindTo(rule), 0, read), rule);
          continue; // every boolean is valid
        } else {
          MethodHandle read = guarded(LOOKUP.findVirtual(Function.class, "apply",
              MethodType.methodType(Object.class, Object.class)).bindTo(ex));
          visitAll = andThen(visitAll,
              MethodHandles.filterArguments(VISIT_OBJECT.bindTo(rule), 0, read), rule);
          feature = MethodHandles.filterArguments(CHECK_EXTRACTED.bindTo(rule), 0, read);
        }
        // an extractor that throws reports a type mismatch of its feature instead
        all = plus(all, safeCheck(feature, rule));
      }
      return new HandleChecker(rules, inputType, all, visitAll);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** {@code (o, l) -> sum(o, l) + feature(o, l)}. */
  private static MethodHandle plus(MethodHandle sum, MethodHandle feature) {
    return MethodHandles.foldArguments(MethodHandles.collectArguments(ADD, 1, feature), sum);
  }
}
