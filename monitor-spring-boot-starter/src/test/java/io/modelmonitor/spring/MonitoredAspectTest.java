package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.Monitored;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.springframework.aop.aspectj.annotation.AspectJProxyFactory;

class MonitoredAspectTest {

  /** A bean that is proxied without the start-up check. */
  public static class Scorer {
    @Monitored(model = "ctr", version = "v2")
    public double score(double x) {
      return x * 2;
    }

    public double notMonitored(double x) {
      return x;
    }
  }

  private static <T> T proxy(T target, MonitoredAspect aspect) {
    AspectJProxyFactory factory = new AspectJProxyFactory(target);
    factory.setProxyTargetClass(true);
    factory.addAspect(aspect);
    return factory.getProxy();
  }

  @Test
  void monitoredMethod_resolvedOnceAndCounted() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      registry.monitor("ctr", "v2");
      AtomicInteger lookups = new AtomicInteger();
      Scorer scorer = proxy(new Scorer(), new MonitoredAspect(() -> {
        lookups.incrementAndGet();
        return registry;
      }));

      assertThat(scorer.score(1.5)).isEqualTo(3.0);
      assertThat(scorer.score(2.0)).isEqualTo(4.0);
      assertThat(scorer.score(0.5)).isEqualTo(1.0);
      assertThat(scorer.notMonitored(7)).isEqualTo(7);

      assertThat(registry.find("ctr").orElseThrow().snapshot().totalOutcomes().success())
          .isEqualTo(3);
      assertThat(lookups).hasValue(1); // the binding is cached per method and class
    }
  }

  @Test
  void wrongVersion_failsTheFirstCallNamingTheMethod() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      registry.monitor("ctr", "v3");
      Scorer scorer = proxy(new Scorer(), new MonitoredAspect(() -> registry));

      assertThatIllegalArgumentException().isThrownBy(() -> scorer.score(1))
          .withMessage("Scorer.score(double): @Monitored expects version 'v2' of model 'ctr', "
              + "the registry has 'v3'");
      assertThat(registry.find("ctr").orElseThrow().snapshot().totalOutcomes().completed())
          .isZero();
    }
  }
}
