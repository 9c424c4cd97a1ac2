package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.http.MonitorHttpServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code modelmonitor.dashboard.token}, {@code .metrics} and {@code .address}, over loopback. */
class DashboardPropertiesTest {

  private static final String TOKEN = "s3cret-Token_42";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(ModelMonitorAutoConfiguration.class))
      .withPropertyValues("modelmonitor.dashboard.enabled=true",
          "modelmonitor.models.ctr.version=v7");

  private final HttpClient client = HttpClient.newHttpClient();

  @Configuration(proxyBeanMethods = false)
  static class PrometheusConfigured {
    @Bean
    PrometheusMeterRegistry prometheusMeterRegistry() {
      return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class SimpleConfigured {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  private HttpResponse<String> get(MonitorHttpServer server, String path, String token)
      throws IOException, InterruptedException {
    HttpRequest.Builder request = HttpRequest.newBuilder(
        URI.create("http://127.0.0.1:" + server.port() + path));
    if (token != null) {
      request.header("Authorization", "Bearer " + token);
    }
    return client.send(request.build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void token_requestWithoutItGets401AndWithIt200() {
    runner.withPropertyValues("modelmonitor.dashboard.token=" + TOKEN).run(context -> {
      MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
      HttpResponse<String> anonymous = get(server, "/api/models", null);
      assertThat(anonymous.statusCode()).isEqualTo(401);
      assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
      assertThat(anonymous.body()).doesNotContain("ctr");
      assertThat(get(server, "/api/models", "wrong-token").statusCode()).isEqualTo(401);
      HttpResponse<String> authorized = get(server, "/api/models", TOKEN);
      assertThat(authorized.statusCode()).isEqualTo(200);
      assertThat(authorized.body()).contains("\"name\":\"ctr\"");
    });
  }

  @Test
  void noToken_requestsServedWithoutAuthorization() {
    runner.run(context -> {
      MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
      assertThat(get(server, "/api/models", null).statusCode()).isEqualTo(200);
    });
  }

  @Test
  void metricsEnabled_servesThePrometheusRegistryBehindTheToken() {
    runner.withUserConfiguration(PrometheusConfigured.class)
        .withPropertyValues("modelmonitor.dashboard.metrics=true",
            "modelmonitor.dashboard.token=" + TOKEN)
        .run(context -> {
          MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
          assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(401);
          HttpResponse<String> metrics = get(server, "/metrics", TOKEN);
          assertThat(metrics.statusCode()).isEqualTo(200);
          assertThat(metrics.headers().firstValue("Content-Type")).hasValueSatisfying(
              type -> assertThat(type).startsWith("text/plain"));
          // the registry's own meters, exported to the Prometheus bean, are in the scrape
          String scrape = context.getBean(PrometheusMeterRegistry.class).scrape();
          assertThat(scrape).contains("model=\"ctr\"");
          assertThat(metrics.body()).contains("model=\"ctr\"");
        });
  }

  @Test
  void metricsNotEnabled_metricsIs404EvenWithAPrometheusRegistry() {
    runner.withUserConfiguration(PrometheusConfigured.class).run(context -> {
      MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
      assertThat(get(server, "/metrics", null).statusCode()).isEqualTo(404);
      assertThat(get(server, "/api/models", null).statusCode()).isEqualTo(200);
    });
  }

  @Test
  void metricsWithoutAPrometheusRegistry_failsAtStartupNamingTheProperty() {
    runner.withUserConfiguration(SimpleConfigured.class)
        .withPropertyValues("modelmonitor.dashboard.metrics=true").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessage(
              "modelmonitor.dashboard.metrics=true needs exactly one PrometheusMeterRegistry "
                  + "bean, found 0");
        });
  }

  @Test
  void invalidToken_failsAtStartupWithoutRepeatingIt() {
    runner.withPropertyValues("modelmonitor.dashboard.token=two words").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageStartingWith("modelmonitor.dashboard.token: ")
          .message().doesNotContain("two words");
    });
  }

  @Test
  void nonLoopbackAddressWithoutToken_failsAtStartupBeforeBinding() {
    runner.withPropertyValues("modelmonitor.dashboard.address=0.0.0.0").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause().hasMessageStartingWith(
          "modelmonitor.dashboard.address=0.0.0.0 is not a loopback address: set "
              + "modelmonitor.dashboard.token too");
    });
  }

  @Test
  void loopbackAddress_isBoundThere() {
    runner.withPropertyValues("modelmonitor.dashboard.address=127.0.0.1").run(context -> {
      MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
      assertThat(server.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
      assertThat(get(server, "/api/models", null).statusCode()).isEqualTo(200);
    });
  }
}
