package io.modelmonitor.spring;

import io.micrometer.core.instrument.MeterRegistry;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.AlertRule;
import io.modelmonitor.alert.AlertRules;
import io.modelmonitor.alert.AlertSink;
import io.modelmonitor.alert.AlertmanagerSink;
import io.modelmonitor.alert.LogSink;
import io.modelmonitor.alert.WebhookSink;
import io.modelmonitor.http.MonitorHttpServer;
import java.io.IOException;
import java.time.Duration;
import org.aspectj.lang.annotation.Aspect;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of ModelMonitor: a {@link MonitorRegistry} bound to the application's
 * {@link MeterRegistry} (when there is one) with the models of {@code modelmonitor.models.*},
 * the aspect that monitors {@code @Monitored} beans, and optionally the built-in dashboard.
 * Every bean backs off when the application defines its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration"})
@ConditionalOnClass(MonitorRegistry.class)
@EnableConfigurationProperties(ModelMonitorProperties.class)
public class ModelMonitorAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ModelMonitorAutoConfiguration() {}

  /**
   * The registry: bound to the unique {@link MeterRegistry} if there is one, with the common
   * tags, alert rules and sinks of the properties plus every {@link AlertRule} and
   * {@link AlertSink} bean, and the models of {@code modelmonitor.models.*} already created.
   * Closed when the context closes.
   *
   * @param properties the {@code modelmonitor} properties
   * @param meterRegistry the application's meter registry, if any
   * @param rules alert rule beans
   * @param sinks alert sink beans
   * @return the registry
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  public MonitorRegistry monitorRegistry(ModelMonitorProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<AlertRule> rules,
      ObjectProvider<AlertSink> sinks) {
    MonitorRegistry.Builder builder = MonitorRegistry.builder()
        .reportingInterval(properties.getReportingInterval());
    meterRegistry.ifUnique(builder::meterRegistry);
    properties.getCommonTags().forEach(builder::commonTag);
    ModelMonitorProperties.Alerts alerts = properties.getAlerts();
    if (alerts.isEnabled()) {
      builder.alertWarmUp(alerts.getWarmUp());
      if (alerts.isDefaults()) {
        builder.alertRules(AlertRules.defaults());
      }
      rules.orderedStream().forEach(builder::alertRule);
      builder.alertSink(new LogSink());
      if (alerts.getAlertmanagerUrl() != null) {
        builder.alertSink(new AlertmanagerSink(alerts.getAlertmanagerUrl(),
            Duration.ofSeconds(5)));
      }
      if (alerts.getWebhookUrl() != null) {
        builder.alertSink(WebhookSink.builder(alerts.getWebhookUrl()).build());
      }
      sinks.orderedStream().forEach(builder::alertSink);
    }
    MonitorRegistry registry = builder.build();
    try {
      ConfiguredModels.create(registry, properties.getModels());
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /**
   * The built-in dashboard and JSON API on {@code modelmonitor.dashboard.port} of
   * {@code modelmonitor.dashboard.address} (default the loopback address), started with the
   * context and closed with it; with {@code modelmonitor.dashboard.token} every API request must
   * carry it as a bearer token, and with {@code modelmonitor.dashboard.metrics} it also serves
   * {@code /metrics} from the application's {@code PrometheusMeterRegistry}.
   *
   * @param registry the registry it shows
   * @param properties the {@code modelmonitor} properties
   * @param meterRegistries the application's meter registries, searched for the Prometheus one
   * @return the started server
   * @throws IOException if the port cannot be bound
   * @throws IllegalArgumentException if the settings are inconsistent (the message names the
   *     property)
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  @ConditionalOnBooleanProperty("modelmonitor.dashboard.enabled")
  public MonitorHttpServer monitorHttpServer(MonitorRegistry registry,
      ModelMonitorProperties properties, ObjectProvider<MeterRegistry> meterRegistries)
      throws IOException {
    return DashboardServer.start(registry, properties.getDashboard(), meterRegistries);
  }

  /** The {@code @Monitored} aspect and the start-up check of {@code @Monitored} beans. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Aspect.class)
  static class AspectConfiguration {

    @Bean
    @ConditionalOnMissingBean
    static MonitoredAspect monitoredAspect(ObjectProvider<MonitorRegistry> registry) {
      return new MonitoredAspect(registry::getObject);
    }

    @Bean
    @ConditionalOnMissingBean
    static MonitoredBeanValidator monitoredBeanValidator(ObjectProvider<MonitorRegistry> registry) {
      return new MonitoredBeanValidator(registry::getObject);
    }
  }
}
