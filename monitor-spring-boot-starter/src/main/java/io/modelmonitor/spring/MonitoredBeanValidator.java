package io.modelmonitor.spring;

import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.annotation.MonitoredMethod;
import io.modelmonitor.annotation.MonitoredProxy;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Binds every {@code @Monitored} method of each bean once, so that a misused annotation (unknown
 * model, wrong version, ambiguous features argument, a method Spring AOP cannot advise) stops the
 * application at start-up with a message naming the method, not at its first call. So does an
 * annotation on an interface method, which Spring AOP would silently ignore. Beans are checked
 * once every singleton exists (models created by the application's own beans included); beans
 * created later are checked when created. Objects made by {@code MonitoredProxy} are monitored
 * already and left alone.
 */
final class MonitoredBeanValidator implements BeanPostProcessor, SmartInitializingSingleton {

  private final Supplier<MonitorRegistry> registry;
  /** Beans created before every singleton existed, checked then; guarded by this. */
  private Map<String, Class<?>> pending = new LinkedHashMap<>();

  MonitoredBeanValidator(Supplier<MonitorRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName)
      throws BeansException {
    if (bean instanceof MonitorRegistry || MonitoredProxy.isMonitoredProxy(bean)
        || MonitoredProxy.isMonitoredProxy(
            org.springframework.aop.framework.AopProxyUtils.getSingletonTarget(bean))) {
      return bean; // monitored by its own proxy already (perhaps inside a Spring AOP proxy)
    }
    Class<?> type = AopUtils.getTargetClass(bean);
    if (!AnnotationUtils.isCandidateClass(type, Monitored.class)) {
      return bean; // java.* and the like
    }
    synchronized (this) {
      if (pending != null) {
        pending.put(beanName, type);
        return bean;
      }
    }
    validate(beanName, type);
    return bean;
  }

  @Override
  public void afterSingletonsInstantiated() {
    Map<String, Class<?>> toCheck;
    synchronized (this) {
      toCheck = pending;
      pending = null;
    }
    toCheck.forEach(this::validate);
  }

  private void validate(String beanName, Class<?> type) {
    for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type,
        ReflectionUtils.USER_DECLARED_METHODS)) {
      // what the aspect's pointcut matches: @annotation, or @within on the declaring class
      boolean candidate = method.isAnnotationPresent(Monitored.class)
          || (method.getDeclaringClass().isAnnotationPresent(Monitored.class)
              && Modifier.isPublic(method.getModifiers())
              && !Modifier.isStatic(method.getModifiers()));
      if (method.isAnnotationPresent(Monitored.class)
          && (Modifier.isPrivate(method.getModifiers()) || Modifier.isFinal(method.getModifiers())
              || Modifier.isStatic(method.getModifiers()))) {
        throw new BeanCreationException(beanName, describe(method) + ": @Monitored on a "
            + "private, final or static method, which Spring AOP cannot advise");
      }
      if (candidate) {
        try {
          MonitoredMethod.of(method, method.getDeclaringClass(), type, registry.get());
        } catch (IllegalArgumentException e) {
          throw new BeanCreationException(beanName, e.getMessage(), e);
        }
      }
    }
    rejectInterfaceAnnotations(type, beanName);
  }

  /**
   * Spring AOP matches annotations of the bean's class, never of its interfaces; an annotated
   * interface method whose implementation is not annotated would go unmonitored without a word.
   */
  private static void rejectInterfaceAnnotations(Class<?> type, String beanName) {
    for (Class<?> api : ClassUtils.getAllInterfacesForClassAsSet(type)) {
      for (Method method : api.getMethods()) {
        boolean annotated = method.isAnnotationPresent(Monitored.class)
            || (method.getDeclaringClass().isAnnotationPresent(Monitored.class)
                && !method.isDefault() && !Modifier.isStatic(method.getModifiers()));
        if (!annotated) {
          continue;
        }
        Method impl = ClassUtils.getMostSpecificMethod(method, type);
        if (!impl.isAnnotationPresent(Monitored.class)
            && !impl.getDeclaringClass().isAnnotationPresent(Monitored.class)) {
          throw new BeanCreationException(beanName, describe(method) + ": @Monitored on an "
              + "interface is not seen by Spring AOP; annotate the implementing class "
              + impl.getDeclaringClass().getSimpleName() + " or its method (or wrap the bean "
              + "with MonitoredProxy)");
        }
      }
    }
  }

  private static String describe(Method method) {
    StringBuilder s = new StringBuilder(method.getDeclaringClass().getSimpleName()).append('.')
        .append(method.getName()).append('(');
    Class<?>[] params = method.getParameterTypes();
    for (int i = 0; i < params.length; i++) {
      s.append(i > 0 ? ", " : "").append(params[i].getSimpleName());
    }
    return s.append(')').toString();
  }
}
