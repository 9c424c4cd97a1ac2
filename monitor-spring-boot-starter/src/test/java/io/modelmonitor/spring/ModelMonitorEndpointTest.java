package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.MonitorRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

class ModelMonitorEndpointTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ModelMonitorAutoConfiguration.class,
          ModelMonitorEndpointAutoConfiguration.class))
      .withPropertyValues("modelmonitor.models.ranker.version=r2",
          "modelmonitor.models.ctr.version=v7");

  @Test
  void exposedEndpoint_listsModelsSortedWithTheirCounts() {
    runner.withPropertyValues("management.endpoints.web.exposure.include=modelmonitor")
        .run(context -> {
          assertThat(context).hasSingleBean(ModelMonitorEndpoint.class);
          MonitorRegistry registry = context.getBean(MonitorRegistry.class);
          registry.find("ctr").orElseThrow().record(2_000_000L);
          registry.find("ctr").orElseThrow()
              .recordFailure(1_000_000L, new IllegalStateException("boom"));

          ModelMonitorEndpoint endpoint = context.getBean(ModelMonitorEndpoint.class);
          ModelMonitorEndpoint.Models models = endpoint.models();
          assertThat(models.models()).extracting(ModelMonitorEndpoint.ModelSummary::name)
              .containsExactly("ctr", "ranker");
          ModelMonitorEndpoint.ModelSummary summary = models.models().get(0);
          assertThat(summary.version()).isEqualTo("v7");
          assertThat(summary.calls()).isEqualTo(2);
          assertThat(summary.errors()).isEqualTo(1);
          assertThat(summary.rejected()).isZero();
          assertThat(summary.p99Millis()).isBetween(1.9, 2.1);
          assertThat(models.activeAlerts()).isZero();
          assertThat(endpoint.model("ranker").version()).isEqualTo("r2");
          assertThat(endpoint.model("unknown")).isNull();
        });
  }

  @Test
  void notExposed_noEndpoint() {
    runner.run(context -> assertThat(context).hasNotFailed()
        .doesNotHaveBean(ModelMonitorEndpoint.class));
  }

  @Test
  void withoutActuator_noEndpoint() {
    runner.withClassLoader(new FilteredClassLoader(Endpoint.class))
        .withPropertyValues("management.endpoints.web.exposure.include=modelmonitor")
        .run(context -> assertThat(context).hasNotFailed()
            .hasSingleBean(MonitorRegistry.class).doesNotHaveBean(ModelMonitorEndpoint.class));
  }
}
