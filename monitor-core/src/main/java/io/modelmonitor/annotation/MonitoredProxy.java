package io.modelmonitor.annotation;

import io.modelmonitor.CheckedFunction;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.internal.DefaultModelMonitor;
import java.lang.annotation.Annotation;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.stream.Collectors;

/**
 * Monitors an interface implementation through its annotations, with a JDK dynamic proxy.
 *
 * <pre>{@code
 * registry.<float[], Double>monitorBuilder("ctr", "v7").schema(schema)
 *     .prediction(PredictionSpec.score(Double::doubleValue)).build();
 * CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, new OnnxCtrScorer(), registry);
 * }</pre>
 *
 * <p>Every {@link Monitored} method (annotated on the interface method or the implementation's
 * method; an annotation on either type covers the interface's abstract methods) behaves as if wrapped by {@code ModelMonitor.decorateCheckedFunction}:
 * the {@link Features} argument is checked against the schema and observed for drift, the
 * return value is the prediction, the latency and outcome are recorded, the target's exception
 * reaches the caller as the same instance. A method returning a {@link CompletionStage} is timed
 * to completion ({@code executeCompletionStage}); its input is checked and counted but never
 * rejected, since the call has already been started asynchronously by the time it could be. With
 * a {@link RequestId} parameter the prediction is remembered under it after a successful call.
 * Methods without the annotation, default methods included, and {@code equals}, {@code hashCode}
 * and {@code toString} go straight to the target ({@code equals} compares targets when given
 * another proxy of this kind).
 *
 * <p>Every binding is resolved when the proxy is created, so misuse fails at once with a
 * message naming the method: an unknown model, a version mismatch, two {@link Features} or
 * {@link RequestId} parameters, several parameters and none marked {@link Features} on a monitor
 * with a schema, {@link Features} on a monitor without a schema, or a {@link RequestId} the
 * monitor cannot use.
 */
public final class MonitoredProxy {

  private MonitoredProxy() {}

  /**
   * Creates the monitored proxy.
   *
   * @param type the interface the proxy implements
   * @param target the implementation every call goes to
   * @param registry the registry holding the monitors the annotations name
   * @param <T> the interface type
   * @return a proxy implementing {@code type}
   * @throws IllegalArgumentException if {@code type} is not an interface or an annotation is
   *     misused (the message names the method)
   */
  public static <T> T create(Class<T> type, T target, MonitorRegistry registry) {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(target, "target");
    Objects.requireNonNull(registry, "registry");
    if (!type.isInterface()) {
      throw new IllegalArgumentException(type.getName() + " is not an interface; a JDK proxy "
          + "needs one (for classes, use the Spring Boot starter's aspect)");
    }
    Map<Method, Binding> bindings = new HashMap<>();
    Map<Method, Method> callable = new HashMap<>();
    for (Method m : type.getMethods()) {
      // a package-private interface's methods need this to be invoked from here
      m.trySetAccessible();
      callable.put(m, m);
      Monitored monitored = find(type, target.getClass(), m);
      if (monitored != null && !m.isSynthetic()) {
        bindings.put(m, Binding.of(m, monitored, registry));
      }
    }
    Handler handler = new Handler(target, Map.copyOf(bindings), Map.copyOf(callable));
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        handler));
  }

  /**
   * The method's annotation, else its implementation's, else (for abstract methods only) the
   * interface's or the class's.
   */
  private static Monitored find(Class<?> type, Class<?> impl, Method m) {
    Monitored onMethod = m.getAnnotation(Monitored.class);
    if (onMethod != null) {
      return onMethod;
    }
    try {
      Method implMethod = impl.getMethod(m.getName(), m.getParameterTypes());
      if (implMethod.getAnnotation(Monitored.class) != null) {
        return implMethod.getAnnotation(Monitored.class);
      }
    } catch (NoSuchMethodException e) {
      // a default method the class does not override
    }
    if (m.getDeclaringClass() == Object.class || m.isDefault()) {
      return null; // a type-level annotation covers the abstract methods, the model calls
    }
    Monitored onType = type.getAnnotation(Monitored.class);
    return onType != null ? onType : impl.getAnnotation(Monitored.class);
  }

  /** Returns {@code method} as {@code Type.name(params)} for messages. */
  static String describe(Method method) {
    return method.getDeclaringClass().getSimpleName() + '.' + method.getName() + '('
        + Arrays.stream(method.getParameterTypes()).map(Class::getSimpleName)
            .collect(Collectors.joining(", ")) + ')';
  }

  /** How one annotated method is monitored; immutable, resolved at proxy creation. */
  private record Binding(ModelMonitor<Object, Object> monitor, int features, int requestId,
      boolean async) {

    @SuppressWarnings("unchecked")
    static Binding of(Method m, Monitored monitored, MonitorRegistry registry) {
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
      int features = index(m, Features.class, where);
      int requestId = index(m, RequestId.class, where);
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
      return new Binding(monitor, features, requestId, async);
    }

    private static int index(Method m, Class<? extends Annotation> marker, String where) {
      int found = -1;
      Annotation[][] annotations = m.getParameterAnnotations();
      for (int i = 0; i < annotations.length; i++) {
        for (Annotation a : annotations[i]) {
          if (a.annotationType() == marker) {
            if (found >= 0) {
              throw new IllegalArgumentException(where + ": more than one @"
                  + marker.getSimpleName() + " parameter");
            }
            found = i;
          }
        }
      }
      return found;
    }
  }

  /** Dispatches each call: monitored through its binding, everything else to the target. */
  private static final class Handler implements InvocationHandler {

    private final Object target;
    private final Map<Method, Binding> bindings;
    /** The interface's methods, made accessible where the interface is not public. */
    private final Map<Method, Method> callable;

    Handler(Object target, Map<Method, Binding> bindings, Map<Method, Method> callable) {
      this.target = target;
      this.bindings = bindings;
      this.callable = callable;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(method, args);
      }
      Binding b = bindings.get(method);
      if (b == null) {
        return call(method, args);
      }
      Object input = b.features() >= 0 ? args[b.features()] : null;
      if (b.async()) {
        return async(b, method, args, input);
      }
      Method invoked = callable.getOrDefault(method, method);
      CheckedFunction<Object, Object, Exception> call = in -> {
        try {
          return invoked.invoke(target, args);
        } catch (InvocationTargetException e) {
          throw rethrow(e.getCause());
        }
      };
      Object output = b.monitor().executeCheckedFunction(call, input);
      if (b.requestId() >= 0) {
        b.monitor().remember(args[b.requestId()], output);
      }
      return output;
    }

    @SuppressWarnings("unchecked")
    private Object async(Binding b, Method method, Object[] args, Object input) {
      if (b.features() >= 0) {
        b.monitor().checkInput(input);
      }
      CompletionStage<Object> stage = b.monitor().executeCompletionStage(() -> {
        try {
          return (CompletionStage<Object>) call(method, args);
        } catch (RuntimeException | Error e) {
          throw e;
        } catch (Throwable t) { // a checked exception thrown before the stage existed
          throw new java.util.concurrent.CompletionException(t);
        }
      });
      if (b.requestId() >= 0) {
        Object id = args[b.requestId()];
        stage.whenComplete((output, error) -> {
          if (error == null) {
            b.monitor().remember(id, output);
          }
        });
      }
      return stage;
    }

    private Object call(Method method, Object[] args) throws Throwable {
      try {
        return callable.getOrDefault(method, method).invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
    }

    private Object objectMethod(Method method, Object[] args) throws Throwable {
      switch (method.getName()) {
        case "equals": {
          Object other = args[0];
          if (other != null && Proxy.isProxyClass(other.getClass())
              && Proxy.getInvocationHandler(other) instanceof Handler) {
            return target.equals(((Handler) Proxy.getInvocationHandler(other)).target);
          }
          return target.equals(other);
        }
        case "hashCode":
          return target.hashCode();
        case "toString":
          return target.toString();
        default:
          return call(method, args);
      }
    }

    /** The target's own exception, unchanged: checked ones pass the monitor as themselves. */
    private static Exception rethrow(Throwable cause) {
      if (cause instanceof Error) {
        throw (Error) cause;
      }
      if (cause instanceof Exception) {
        return (Exception) cause;
      }
      return new java.lang.reflect.UndeclaredThrowableException(cause);
    }
  }
}
