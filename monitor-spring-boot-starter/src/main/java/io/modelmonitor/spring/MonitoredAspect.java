package io.modelmonitor.spring;

import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.MonitoredMethod;
import java.lang.reflect.Method;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;
import org.aspectj.lang.ProceedingJoinPoint;
import org.aspectj.lang.annotation.Around;
import org.aspectj.lang.annotation.Aspect;
import org.aspectj.lang.reflect.MethodSignature;
import org.springframework.aop.support.AopUtils;

/**
 * Runs every call of a {@code @Monitored} method of a Spring bean through its
 * {@link MonitoredMethod}. The binding is resolved once per method and target class and kept;
 * a misused annotation fails the call with {@link MonitoredMethod}'s message (and is usually
 * caught earlier, at bean creation, by {@link MonitoredBeanValidator}).
 */
@Aspect
final class MonitoredAspect {

  private record Key(Method method, Class<?> targetClass) {}

  private final Supplier<MonitorRegistry> registry;
  private final ConcurrentMap<Key, Optional<MonitoredMethod>> bindings =
      new ConcurrentHashMap<>();

  MonitoredAspect(Supplier<MonitorRegistry> registry) {
    this.registry = registry;
  }

  @Around("@annotation(io.modelmonitor.annotation.Monitored)"
      + " || @within(io.modelmonitor.annotation.Monitored)")
  Object monitor(ProceedingJoinPoint call) throws Throwable {
    Method method = ((MethodSignature) call.getSignature()).getMethod();
    Object target = call.getTarget();
    if (io.modelmonitor.annotation.MonitoredProxy.isMonitoredProxy(target)) {
      return call.proceed(); // a MonitoredProxy bean records its calls itself: never twice
    }
    Class<?> targetClass = target != null ? AopUtils.getTargetClass(target)
        : method.getDeclaringClass();
    Optional<MonitoredMethod> binding = bindings.get(new Key(method, targetClass));
    if (binding == null) { // not computeIfAbsent: a failed binding is not cached, it fails again
      binding = MonitoredMethod.of(method, method.getDeclaringClass(), targetClass,
          registry.get());
      bindings.putIfAbsent(new Key(method, targetClass), binding);
    }
    if (binding.isEmpty()) {
      return call.proceed();
    }
    return binding.get().invoke(call.getArgs(), call::proceed);
  }
}
