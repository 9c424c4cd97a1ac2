package io.modelmonitor.spring;

import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.annotation.MonitoredMethod;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.function.Supplier;
import org.springframework.aop.support.AopUtils;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanCreationException;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.core.annotation.AnnotationUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Binds every {@code @Monitored} method of each bean once, when the bean is created, so that a
 * misused annotation (unknown model, wrong version, ambiguous features argument) stops the
 * application at start-up with a message naming the method, not at its first call.
 */
final class MonitoredBeanValidator implements BeanPostProcessor {

  private final Supplier<MonitorRegistry> registry;

  MonitoredBeanValidator(Supplier<MonitorRegistry> registry) {
    this.registry = registry;
  }

  @Override
  public Object postProcessAfterInitialization(Object bean, String beanName)
      throws BeansException {
    if (bean instanceof MonitorRegistry) {
      return bean;
    }
    Class<?> type = AopUtils.getTargetClass(bean);
    if (!AnnotationUtils.isCandidateClass(type, Monitored.class)) {
      return bean; // java.* and the like
    }
    for (Method method : ReflectionUtils.getUniqueDeclaredMethods(type,
        ReflectionUtils.USER_DECLARED_METHODS)) {
      // what the aspect's pointcut matches: @annotation, or @within on the declaring class
      boolean candidate = method.isAnnotationPresent(Monitored.class)
          || (method.getDeclaringClass().isAnnotationPresent(Monitored.class)
              && Modifier.isPublic(method.getModifiers())
              && !Modifier.isStatic(method.getModifiers()));
      if (candidate) {
        try {
          MonitoredMethod.of(method, method.getDeclaringClass(), type, registry.get());
        } catch (IllegalArgumentException e) {
          throw new BeanCreationException(beanName, e.getMessage(), e);
        }
      }
    }
    return bean;
  }
}
