package io.modelmonitor.annotation;

import io.modelmonitor.MonitorRegistry;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

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
 * method; an annotation on either type covers the interface's abstract methods) behaves as if
 * wrapped by {@code ModelMonitor.decorateCheckedFunction} (see {@link MonitoredMethod}):
 * the {@link Features} argument is checked against the schema and observed for drift, the
 * return value is the prediction, the latency and outcome are recorded, the target's exception
 * reaches the caller as the same instance. A method returning a {@link java.util.concurrent.CompletionStage} is timed
 * to completion ({@code executeCompletionStage}); its input is checked against the schema and counted,
 * but never rejected and not sampled for drift (only synchronous calls feed the feature
 * distributions); a checked exception thrown before the stage exists reaches the caller
 * unchanged and counts as an error. With
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
    Map<Method, MonitoredMethod> bindings = new HashMap<>();
    Map<Method, Method> callable = new HashMap<>();
    for (Method m : type.getMethods()) {
      // a package-private interface's methods need this to be invoked from here
      m.trySetAccessible();
      callable.put(m, m);
      MonitoredMethod.of(m, type, target.getClass(), registry)
          .ifPresent(b -> bindings.put(m, b));
    }
    Handler handler = new Handler(target, Map.copyOf(bindings), Map.copyOf(callable));
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type},
        handler));
  }

  /** Dispatches each call: monitored through its binding, everything else to the target. */
  /**
   * Returns whether {@code object} is a proxy made by {@link #create}: its calls are monitored
   * already (integrations use it to leave such objects alone).
   *
   * @param object any object, possibly null
   * @return true for a monitored proxy
   */
  public static boolean isMonitoredProxy(Object object) {
    return object != null && Proxy.isProxyClass(object.getClass())
        && Proxy.getInvocationHandler(object) instanceof Handler;
  }

  private static final class Handler implements InvocationHandler {

    private final Object target;
    private final Map<Method, MonitoredMethod> bindings;
    /** The interface's methods, made accessible where the interface is not public. */
    private final Map<Method, Method> callable;

    Handler(Object target, Map<Method, MonitoredMethod> bindings,
        Map<Method, Method> callable) {
      this.target = target;
      this.bindings = bindings;
      this.callable = callable;
    }

    @Override
    public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
      if (method.getDeclaringClass() == Object.class) {
        return objectMethod(method, args);
      }
      MonitoredMethod b = bindings.get(method);
      if (b == null) {
        return call(method, args);
      }
      return b.invoke(args, () -> call(method, args));
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
  }
}
