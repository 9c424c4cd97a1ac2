package io.modelmonitor.schema;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;

/**
 * Checks record inputs through their component accessors, looked up once when the schema is
 * built: each accessor becomes a {@link MethodHandle} adapted to {@code (Object)double},
 * {@code (Object)long} or {@code (Object)Object}, so a call reads primitives without boxing and
 * without reflection.
 */
final class RecordChecker extends Checker {

  /** How a component is read. */
  enum Access {
    DOUBLE, LONG, BOOLEAN, OBJECT
  }

  private final Class<?> recordType;
  private final MethodHandle[] accessors;
  private final Access[] access;

  RecordChecker(Rule[] rules, Class<?> recordType, MethodHandle[] accessors, Access[] access) {
    super(rules);
    this.recordType = recordType;
    this.accessors = accessors;
    this.access = access;
  }

  /** How a component of this Java type is read, or null when it cannot be a feature. */
  static Access accessFor(Class<?> type) {
    if (type == double.class || type == float.class) {
      return Access.DOUBLE;
    }
    if (type == long.class || type == int.class || type == short.class || type == byte.class) {
      return Access.LONG;
    }
    if (type == boolean.class) {
      return Access.BOOLEAN;
    }
    if (type.isPrimitive()) {
      return null; // char
    }
    return Access.OBJECT;
  }

  /** The accessor of {@code component}, adapted to the calling convention of {@code how}. */
  static MethodHandle accessor(RecordComponent component, Access how) {
    Class<?> recordType = component.getDeclaringRecord();
    MethodHandle handle;
    try {
      MethodHandles.Lookup lookup;
      try {
        lookup = MethodHandles.privateLookupIn(recordType, MethodHandles.lookup());
      } catch (IllegalAccessException notOpen) {
        lookup = MethodHandles.publicLookup();
      }
      handle = lookup.unreflect(component.getAccessor());
    } catch (IllegalAccessException e) {
      throw new IllegalArgumentException("record " + recordType.getName() + " is not accessible "
          + "to ModelMonitor: make it public or open its package (" + e.getMessage() + ')', e);
    }
    Class<?> returnType;
    switch (how) {
      case DOUBLE:
        returnType = double.class;
        break;
      case LONG:
        returnType = long.class;
        break;
      case BOOLEAN:
        returnType = boolean.class;
        break;
      default:
        returnType = Object.class;
    }
    return handle.asType(MethodType.methodType(returnType, Object.class));
  }

  @Override
  int check(Object input, ViolationListener l) {
    if (input == null) {
      return nullInput(l);
    }
    if (!recordType.isInstance(input)) {
      return wrongInputType(input, l);
    }
    int violations = 0;
    for (int i = 0; i < rules.length; i++) {
      violations += checkComponent(i, input, l);
    }
    return violations;
  }

  private int checkComponent(int i, Object input, ViolationListener l) {
    Rule rule = rules[i];
    try {
      switch (access[i]) {
        case DOUBLE:
          return rule.checkDouble((double) accessors[i].invokeExact(input), l);
        case LONG:
          long v = (long) accessors[i].invokeExact(input);
          return rule.type == FeatureType.CATEGORICAL ? rule.checkCategoryId(v, l)
              : rule.checkLong(v, l);
        case BOOLEAN:
          return 0; // every boolean is valid
        default:
          Object raw = (Object) accessors[i].invokeExact(input);
          return raw == null ? rule.isNull(l) : rule.checkObject(raw, l);
      }
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) { // accessors declare no checked exceptions; keep the contract anyway
      throw new IllegalStateException("accessor of " + rule.name + " failed", t);
    }
  }
}
