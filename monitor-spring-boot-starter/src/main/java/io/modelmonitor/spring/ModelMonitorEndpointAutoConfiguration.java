package io.modelmonitor.spring;

import io.modelmonitor.MonitorRegistry;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the {@code modelmonitor} actuator endpoint, active when Spring Boot
 * Actuator is on the class path and the endpoint is enabled and exposed.
 */
@AutoConfiguration(after = ModelMonitorAutoConfiguration.class)
@ConditionalOnClass({Endpoint.class, ConditionalOnAvailableEndpoint.class})
@ConditionalOnAvailableEndpoint(ModelMonitorEndpoint.class)
public class ModelMonitorEndpointAutoConfiguration {

  /** Creates the auto-configuration; Spring calls it. */
  public ModelMonitorEndpointAutoConfiguration() {}

  /**
   * The endpoint.
   *
   * @param registry the registry it lists
   * @return the endpoint
   */
  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnBean(MonitorRegistry.class)
  public ModelMonitorEndpoint modelMonitorEndpoint(MonitorRegistry registry) {
    return new ModelMonitorEndpoint(registry);
  }
}
