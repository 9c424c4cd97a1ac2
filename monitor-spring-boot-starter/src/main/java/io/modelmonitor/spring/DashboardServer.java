package io.modelmonitor.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.http.MonitorHttpServer;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.util.ClassUtils;

/** Starts the {@link MonitorHttpServer} of {@code modelmonitor.dashboard.*}. */
final class DashboardServer {

  static final String PROMETHEUS_REGISTRY =
      "io.micrometer.prometheusmetrics.PrometheusMeterRegistry";

  private DashboardServer() {}

  static MonitorHttpServer start(MonitorRegistry registry,
      ModelMonitorProperties.Dashboard dashboard, ObjectProvider<MeterRegistry> meterRegistries)
      throws IOException {
    MonitorHttpServer.Builder builder = MonitorHttpServer.builder(registry);
    try {
      builder.port(dashboard.getPort());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("modelmonitor.dashboard.port: " + e.getMessage());
    }
    if (dashboard.getToken() != null) {
      try {
        builder.bearerToken(dashboard.getToken());
      } catch (IllegalArgumentException e) { // its message, kept whole, does not repeat the token
        throw new IllegalArgumentException("modelmonitor.dashboard.token: " + e.getMessage());
      }
    }
    if (dashboard.getAddress() != null) {
      if (!dashboard.getAddress().isLoopbackAddress() && dashboard.getToken() == null) {
        throw new IllegalArgumentException("modelmonitor.dashboard.address="
            + dashboard.getAddress().getHostAddress() + " is not a loopback address: set "
            + "modelmonitor.dashboard.token too (and put a TLS proxy in front)");
      }
      builder.bindAddress(dashboard.getAddress());
    }
    if (dashboard.isMetrics()) {
      builder.metrics(prometheusScrape(meterRegistries));
    }
    return builder.start();
  }

  /** The scrape of the unique PrometheusMeterRegistry bean; fails naming the property. */
  private static Supplier<String> prometheusScrape(ObjectProvider<MeterRegistry> registries) {
    if (!ClassUtils.isPresent(PROMETHEUS_REGISTRY, DashboardServer.class.getClassLoader())) {
      throw new IllegalArgumentException("modelmonitor.dashboard.metrics=true needs "
          + "io.micrometer:micrometer-registry-prometheus on the class path");
    }
    return Prometheus.scrape(registries.orderedStream().toList());
  }

  /** Touches the Prometheus registry type; loaded only when it is on the class path. */
  private static final class Prometheus {
    static Supplier<String> scrape(List<MeterRegistry> registries) {
      List<io.micrometer.prometheusmetrics.PrometheusMeterRegistry> found = registries.stream()
          .filter(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class::isInstance)
          .map(io.micrometer.prometheusmetrics.PrometheusMeterRegistry.class::cast).toList();
      if (found.size() != 1) {
        throw new IllegalArgumentException("modelmonitor.dashboard.metrics=true needs exactly "
            + "one PrometheusMeterRegistry bean, found " + found.size());
      }
      return found.get(0)::scrape;
    }
  }
}
