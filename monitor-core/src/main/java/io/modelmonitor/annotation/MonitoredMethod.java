package io.modelmonitor.annotation;

import io.modelmonitor.CheckedFunction;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.internal.DefaultModelMonitor;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.util.Arrays;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * One {@link Monitored} method bound to its monitor: which argument holds the features, which
 * the request id, whether the call is asynchronous. Resolved once (misuse fails then, naming
 * the method), then used for every call by {@link MonitoredProxy} and by integrations such as
 * an AOP aspect, which pass the original invocation as {@link Invocation}. Immutable and
 * thread-safe.
 */
public final class MonitoredMethod {

  /** The original call: the target method with the caller's arguments. */
  @FunctionalInterface
  public interface Invocation {
    /**
     * Proceeds with the call.
     *
     * @return what the target returned
     * @throws Throwable what the target threw, unchanged
     */
    Object proceed() throws Throwable;
  }

  private final String where;
  private final ModelMonitor<Object, Object> monitor;
  private final int features;
  private final int requestId;
  private final boolean async;

  private MonitoredMethod(String where, ModelMonitor<Object, Object> monitor, int features,
      int requestId, boolean async) {
    this.where = where;
    this.monitor = monitor;
    this.features = features;
    this.requestId = requestId;
    this.async = async;
  }

  /**
   * Binds {@code method} if it, its implementation in {@code targetClass}, or (for an abstract
   * interface method) {@code declaringType} or {@code targetClass} carries {@link Monitored}.
   *
   * @param method the method called
   * @param declaringType the interface or class the caller sees
   * @param targetClass the implementation's class
   * @param registry the registry holding the named monitor
   * @return the binding, or empty when the method is not monitored
   * @throws IllegalArgumentException if the annotations are misused (the message names the
   *     method)
   */
  public static Optional<MonitoredMethod> of(Method method, Class<?> declaringType,
      Class<?> targetClass, MonitorRegistry registry) {
    Monitored monitored = find(declaringType, targetClass, method);
    if (monitored == null || method.isSynthetic()) {
      return Optional.empty();
    }
    Method impl = implementation(targetClass, method);
    return Optional.of(bind(method, impl, monitored, registry));
  }

  /**
   * Returns the monitor the method reports to.
   *
   * @return the monitor
   */
  public ModelMonitor<?, ?> monitor() {
    return monitor;
  }

  /**
   * Returns the method as {@code Type.name(ParamTypes)}.
   *
   * @return the description used in messages
   */
  public String describe() {
    return where;
  }

  /**
   * Runs one call through the monitor: schema check of the features argument, latency,
   * outcome, prediction; remembers the prediction under the request id after success. A
   * {@link CompletionStage} result is timed to completion.
   *
   * @param args the call's arguments
   * @param invocation proceeds with the original call
   * @return what the target returned (the very stage, for asynchronous methods)
   * @throws Throwable what the target threw, unchanged
   */
  @SuppressWarnings("unchecked")
  public Object invoke(Object[] args, Invocation invocation) throws Throwable {
    Object input = features >= 0 ? args[features] : null;
    if (async) {
      if (features >= 0) {
        monitor.checkInput(input);
      }
      CompletionStage<Object> stage = monitor.executeCompletionStage(() -> {
        try {
          return (CompletionStage<Object>) invocation.proceed();
        } catch (Throwable t) { // thrown before the stage existed: unchanged, even if checked
          throw MonitoredMethod.<RuntimeException>sneaky(t);
        }
      });
      if (requestId >= 0 && stage != null) {
        Object id = args[requestId];
        try {
          stage.whenComplete((output, error) -> {
            if (error == null) {
              monitor.remember(id, output);
            }
          });
        } catch (RuntimeException e) {
          // a stage that refuses callbacks: the call stands, only the join is lost
        }
      }
      return stage;
    }
    CheckedFunction<Object, Object, Exception> call = in -> {
      try {
        return invocation.proceed();
      } catch (Exception | Error e) {
        throw e;
      } catch (Throwable t) {
        throw new java.lang.reflect.UndeclaredThrowableException(t);
      }
    };
    Object output = monitor.executeCheckedFunction(call, input);
    if (requestId >= 0) {
      monitor.remember(args[requestId], output);
    }
    return output;
  }

  /**
   * The method's annotation, else its implementation's, else (for abstract methods only) the
   * interface's or the class's.
   */
  /** Throws {@code t} as it is, checked or not (the compiler is told it is {@code E}). */
  @SuppressWarnings("unchecked")
  private static <E extends Throwable> E sneaky(Throwable t) throws E {
    throw (E) t;
  }

  private static Monitored find(Class<?> type, Class<?> impl, Method m) {
    if (m.getDeclaringClass() == Object.class || overridesObject(m)) {
      return null; // equals, hashCode, toString: never a model call
    }
    Monitored onMethod = m.getAnnotation(Monitored.class);
    if (onMethod != null) {
      return onMethod;
    }
    Method implMethod = implementation(impl, m);
    if (implMethod != null && implMethod.getAnnotation(Monitored.class) != null) {
      return implMethod.getAnnotation(Monitored.class);
    }
    if (m.isDefault()) {
      return null; // a type-level annotation covers the abstract methods, the model calls
    }
    Monitored onType = type.getAnnotation(Monitored.class);
    return onType != null ? onType : impl.getAnnotation(Monitored.class);
  }

  private static boolean overridesObject(Method m) {
    String name = m.getName();
    int n = m.getParameterCount();
    return (n == 0 && (name.equals("toString") || name.equals("hashCode")))
        || (n == 1 && name.equals("equals") && m.getParameterTypes()[0] == Object.class);
  }

  /** The class's own method for {@code m} (public or not, declared or inherited), or null. */
  private static Method implementation(Class<?> impl, Method m) {
    for (Class<?> c = impl; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        return c.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        // look further up
      }
    }
    return null;
  }


  /** Returns {@code method} as {@code Type.name(params)} for messages. */
  static String describe(Method method) {
    return method.getDeclaringClass().getSimpleName() + '.' + method.getName() + '('
        + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
            .collect(Collectors.joining(", ")) + ')';
  }

  @SuppressWarnings("unchecked")
  private static MonitoredMethod bind(Method m, Method impl, Monitored monitored,
      MonitorRegistry registry) {
    String where = describe(m);
    ModelMonitor<Object, Object> monitor = (ModelMonitor<Object, Object>) registry
        .find(monitored.model()).orElseThrow(() -> new IllegalArgumentException(where
            + ": @Monitored model '" + monitored.model() + "' is not in the registry; create "
            + "it first with registry.monitorBuilder(...)"));
    if (!monitored.version().isEmpty() && !monitored.version().equals(monitor.version())) {
      throw new IllegalArgumentException(where + ": @Monitored expects version '"
          + monitored.version() + "' of model '" + monitored.model() + "', the registry has '"
          + monitor.version() + "'");
    }
    // markers count wherever they are written: the interface's method or the implementation's
    int features = index(m, impl, Features.class, where);
    int requestId = index(m, impl, RequestId.class, where);
    boolean hasSchema = monitor.schema().isPresent();
    if (features >= 0 && !hasSchema) {
      throw new IllegalArgumentException(where + ": @Features is declared but model '"
          + monitor.name() + "' has no schema to check it against");
    }
    if (features < 0) {
      int candidates = m.getParameterCount() - (requestId >= 0 ? 1 : 0);
      if (candidates == 1) {
        features = requestId == 0 ? 1 : 0;
      } else if (hasSchema) {
        throw new IllegalArgumentException(where + ": model '" + monitor.name() + "' has a "
            + "schema but the method has " + candidates + " candidate parameters; mark the "
            + "one holding the features with @Features");
      }
    }
    if (requestId >= 0 && monitor instanceof DefaultModelMonitor) {
      DefaultModelMonitor<?, ?> d = (DefaultModelMonitor<?, ?>) monitor;
      if (d.readsRequestIds()) {
        throw new IllegalArgumentException(where + ": model '" + monitor.name() + "' reads "
            + "request ids from its input already; remove @RequestId");
      }
      if (!d.remembersPredictions()) {
        throw new IllegalArgumentException(where + ": @RequestId needs model '"
            + monitor.name() + "' to have a score or ranked prediction spec");
      }
    }
    boolean async = CompletionStage.class.isAssignableFrom(m.getReturnType());
    return new MonitoredMethod(where, monitor, features, requestId, async);
  }

  private static int index(Method m, Method impl, Class<? extends Annotation> marker,
      String where) {
    int found = -1;
    for (int i = 0; i < m.getParameterCount(); i++) {
      if (marked(m, i, marker) || (impl != null && impl != m && marked(impl, i, marker))) {
        if (found >= 0) {
          throw new IllegalArgumentException(where + ": more than one @"
              + marker.getSimpleName() + " parameter");
        }
        found = i;
      }
    }
    return found;
  }

  private static boolean marked(Method m, int parameter, Class<? extends Annotation> marker) {
    for (Annotation a : m.getParameterAnnotations()[parameter]) {
      if (a.annotationType() == marker) {
        return true;
      }
    }
    return false;
  }

}
