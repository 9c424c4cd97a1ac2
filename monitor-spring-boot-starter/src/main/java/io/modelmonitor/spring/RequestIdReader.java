package io.modelmonitor.spring;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.RecordComponent;
import java.util.Map;
import java.util.function.Function;

/**
 * Reads the request id of {@code modelmonitor.models.<name>.request-id} from a model's input:
 * the value under that key of a {@link Map}, else the value of the record component, bean getter
 * ({@code getX}/{@code isX}) or public no-argument method of that name. The accessor is looked up
 * once per input class and kept in a {@link ClassValue} (lock-free reads afterwards). An input
 * without it throws, which the monitor counts as an internal error and logs once; the call goes
 * on, its prediction is not remembered.
 */
final class RequestIdReader implements Function<Object, Object> {

  private final String property;
  private final String name;
  private final ClassValue<Method> accessors = new ClassValue<>() {
    @Override
    protected Method computeValue(Class<?> type) {
      return accessor(type, name);
    }
  };

  RequestIdReader(String property, String name) {
    this.property = property;
    this.name = name;
  }

  @Override
  public Object apply(Object input) {
    if (input == null) {
      return null;
    }
    if (input instanceof Map<?, ?> map) {
      return map.get(name);
    }
    Method accessor = accessors.get(input.getClass());
    if (accessor == null) {
      throw new IllegalArgumentException(property + "=" + name + ": " + input.getClass().getName()
          + " is neither a Map nor has a record component, getter or no-argument method '"
          + name + "'");
    }
    try {
      return accessor.invoke(input, (Object[]) null);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(property + ": cannot call " + accessor, e);
    } catch (InvocationTargetException e) {
      throw new IllegalStateException(property + ": " + accessor + " failed", e.getCause());
    }
  }

  /** The accessor of {@code name} on {@code type}, made callable, or null if there is none. */
  static Method accessor(Class<?> type, String name) {
    Method found = null;
    if (type.isRecord()) {
      for (RecordComponent c : type.getRecordComponents()) {
        if (c.getName().equals(name)) {
          found = c.getAccessor();
        }
      }
    }
    String capitalized = name.isEmpty() ? name
        : Character.toUpperCase(name.charAt(0)) + name.substring(1);
    for (String candidate : new String[] {"get" + capitalized, "is" + capitalized, name}) {
      if (found == null) {
        found = publicNoArg(type, candidate);
      }
    }
    if (found != null && !found.trySetAccessible()) {
      return null;
    }
    return found;
  }

  private static Method publicNoArg(Class<?> type, String method) {
    try {
      Method m = type.getMethod(method);
      boolean usable = !Modifier.isStatic(m.getModifiers()) && m.getReturnType() != void.class
          && m.getDeclaringClass() != Object.class;
      return usable ? m : null;
    } catch (NoSuchMethodException e) {
      return null;
    }
  }
}
