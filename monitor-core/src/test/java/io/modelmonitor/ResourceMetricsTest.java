package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** Resource usage next to the model: saturation against a concurrency limit, JVM binders. */
class ResourceMetricsTest {

  @Test
  void saturationIsInFlightCallsOverTheConcurrencyLimit() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    CountDownLatch entered = new CountDownLatch(3);
    CountDownLatch release = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(meters).build()) {
      ModelMonitor<Integer, Integer> monitor = registry.monitor("ctr", "v1",
          MonitorConfig.custom().concurrencyLimit(4).build());
      Function<Integer, Integer> model = monitor.decorateFunction(x -> {
        entered.countDown();
        try {
          release.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return x;
      });
      assertThat(meters.get(MetricNames.SATURATION).gauge().value()).isZero();
      Future<?>[] calls = new Future<?>[3];
      for (int i = 0; i < 3; i++) {
        int x = i;
        calls[i] = pool.submit(() -> model.apply(x));
      }
      assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(meters.get(MetricNames.SATURATION).gauge().value()).isEqualTo(0.75);
      release.countDown();
      for (Future<?> f : calls) {
        f.get(10, TimeUnit.SECONDS);
      }
      assertThat(meters.get(MetricNames.SATURATION).gauge().value()).isZero();
      assertThat(registry.monitor("ranker", "v1").config().concurrencyLimit()).isZero();
      assertThat(meters.find(MetricNames.SATURATION).tag("model", "ranker").gauge()).isNull();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void jvmBindersAreBoundWithTheCommonTagsAndUnboundOnClose() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(meters)
        .commonTag("service", "search").jvmMetrics().build();
    assertThat(meters.get("jvm.memory.used").tag("area", "heap").tag("service", "search")
        .gauges()).isNotEmpty();
    assertThat(meters.get("jvm.memory.used").tag("area", "heap").gauge().value()).isPositive();
    assertThat(meters.get("process.cpu.usage").tag("service", "search").gauge()).isNotNull();
    assertThat(meters.get("jvm.threads.live").gauge().value()).isPositive();
    assertThat(meters.get("jvm.gc.memory.allocated").counter()).isNotNull();
    registry.close();
    assertThat(meters.find("jvm.memory.used").gauges()).isEmpty();
    assertThat(meters.find("process.cpu.usage").gauges()).isEmpty();
  }
}
