package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.alert.SinkStats;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.http.MonitorHttpServer;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.ViolationKind;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

class ModelMonitorAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class,
          ModelMonitorAutoConfiguration.class));

  @TempDir
  Path dir;

  /** A scorer as an application writes it. */
  public static class CtrScorer {
    @Monitored(model = "ctr", version = "v7")
    public double score(Map<String, ?> features) {
      return ((Number) features.get("price")).doubleValue() / 10;
    }
  }

  /** Every public method monitored through the type-level annotation. */
  @Monitored(model = "ranker")
  public static class Ranker {
    public List<String> rank(String query) {
      if (query.isEmpty()) {
        throw new IllegalArgumentException("empty query");
      }
      return List.of(query, query + "!");
    }
  }

  /** Names a model nobody created. */
  public static class Misconfigured {
    @Monitored(model = "nope")
    public int predict(int x) {
      return x;
    }
  }

  /** Annotated where Spring AOP does not look. */
  public interface AnnotatedApi {
    @Monitored(model = "ctr")
    double score(double x);
  }

  /** Implements the annotated interface without annotations of its own. */
  public static class PlainImpl implements AnnotatedApi {
    @Override
    public double score(double x) {
      return x;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class InterfaceConfig {
    @Bean
    AnnotatedApi annotatedApi() {
      return new PlainImpl();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class ScorerConfig {
    @Bean
    CtrScorer ctrScorer() {
      return new CtrScorer();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class MeterRegistryConfig {
    @Bean
    MeterRegistry meterRegistry() {
      return new SimpleMeterRegistry();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class UserRegistryConfig {
    @Bean
    MonitorRegistry myRegistry() {
      MonitorRegistry registry = MonitorRegistry.builder().commonTag("owner", "user").build();
      registry.monitor("ranker", "r1");
      return registry;
    }

    @Bean
    Ranker ranker() {
      return new Ranker();
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class MisconfiguredConfig {
    @Bean
    Misconfigured misconfigured() {
      return new Misconfigured();
    }
  }

  @Test
  void noMeterRegistry_registryCreatedWithoutModels() {
    runner.run(context -> {
      assertThat(context).hasNotFailed().hasSingleBean(MonitorRegistry.class)
          .doesNotHaveBean(MeterRegistry.class).doesNotHaveBean(MonitorHttpServer.class);
      MonitorRegistry registry = context.getBean(MonitorRegistry.class);
      assertThat(registry.monitors()).isEmpty();
      assertThat(registry.reportingInterval()).hasSeconds(10);
      assertThat(registry.isReporterRunning()).isFalse(); // starts with the first monitor
      assertThat(registry.alertSinkStats()).extracting(SinkStats::sink).containsExactly("log");
    });
  }

  @Test
  void registry_closedWithTheContext() {
    List<MonitorRegistry> seen = new ArrayList<>();
    runner.withPropertyValues("modelmonitor.models.ctr.version=v7").run(context -> {
      MonitorRegistry registry = context.getBean(MonitorRegistry.class);
      assertThat(registry.isReporterRunning()).isTrue();
      seen.add(registry);
    });
    assertThat(seen.get(0).isReporterRunning()).isFalse();
    org.assertj.core.api.Assertions.assertThatIllegalStateException()
        .isThrownBy(() -> seen.get(0).monitor("late", "v1"));
  }

  @Test
  void meterRegistryBean_monitoredCallCountedInIt() {
    runner.withUserConfiguration(MeterRegistryConfig.class, ScorerConfig.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v7",
            "modelmonitor.common-tags.region=eu")
        .run(context -> {
          assertThat(context).hasNotFailed();
          CtrScorer scorer = context.getBean(CtrScorer.class);
          assertThat(scorer.score(Map.of("price", 5.0))).isEqualTo(0.5);
          assertThat(scorer.score(Map.of("price", 2.0))).isEqualTo(0.2);

          MeterRegistry meters = context.getBean(MeterRegistry.class);
          double success = meters.get("model.predictions").tag("model", "ctr")
              .tag("version", "v7").tag("region", "eu").tag("outcome", "success")
              .functionCounter().count();
          assertThat(success).isEqualTo(2.0);
        });
  }

  @Test
  void modelProperties_createMonitorsWithSchemaBaselineAndScore() throws Exception {
    FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
        .numeric("price", f -> f.range(0, 10)).build();
    Path schemaFile = dir.resolve("ctr-schema.json");
    schema.write(schemaFile);
    List<Map<String, ?>> rows = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      rows.add(Map.of("price", i / 10.0));
    }
    Path baselineFile = dir.resolve("ctr-baseline.json");
    Baseline.fit(rows, schema).write(baselineFile);

    runner.withUserConfiguration(ScorerConfig.class)
        .withPropertyValues("modelmonitor.reporting-interval=2s",
            "modelmonitor.models.ctr.version=v7",
            "modelmonitor.models.ctr.schema=" + schemaFile,
            "modelmonitor.models.ctr.baseline=" + baselineFile,
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.other.version=v1")
        .run(context -> {
          assertThat(context).hasNotFailed();
          MonitorRegistry registry = context.getBean(MonitorRegistry.class);
          assertThat(registry.reportingInterval()).hasSeconds(2);
          assertThat(registry.monitors()).extracting(ModelMonitor::name)
              .containsExactlyInAnyOrder("ctr", "other");
          ModelMonitor<?, ?> ctr = registry.find("ctr").orElseThrow();
          assertThat(ctr.version()).isEqualTo("v7");
          assertThat(ctr.schema()).isPresent();

          CtrScorer scorer = context.getBean(CtrScorer.class);
          scorer.score(Map.of("price", 5.0));
          scorer.score(Map.of("price", 12.0)); // out of the schema's range 0..10

          ModelSnapshot s = ctr.snapshot();
          assertThat(s.totalOutcomes().success()).isEqualTo(2);
          assertThat(s.totalViolations().count("price", ViolationKind.OUT_OF_RANGE))
              .isEqualTo(1);
          assertThat(registry.find("other").orElseThrow().version()).isEqualTo("v1");
          // the baseline was loaded: drift is computed for its feature
          assertThat(registry.tickNow().get("ctr").totalDrift().feature("price")).isPresent();
          assertThat(registry.find("other").orElseThrow().snapshot().totalDrift().features())
              .isEmpty();
        });
  }

  @Test
  void modelWithoutVersion_failsNamingTheProperty() {
    runner.withPropertyValues("modelmonitor.models.ctr.prediction=score").run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessageContaining("modelmonitor.models.ctr.version is required");
    });
  }

  @Test
  void alertProperties_installSinksInOrder() {
    runner.withPropertyValues("modelmonitor.alerts.webhook-url=http://127.0.0.1:1/hook",
        "modelmonitor.alerts.alertmanager-url=http://127.0.0.1:1").run(context ->
        assertThat(context.getBean(MonitorRegistry.class).alertSinkStats())
            .extracting(SinkStats::sink).containsExactly("log", "alertmanager", "webhook"));
  }

  @Test
  void alertsDisabled_noSink() {
    runner.withPropertyValues("modelmonitor.alerts.enabled=false").run(context ->
        assertThat(context.getBean(MonitorRegistry.class).alertSinkStats()).isEmpty());
  }

  @Test
  void userRegistry_winsAndTypeLevelAnnotationMonitorsEveryMethod() {
    runner.withUserConfiguration(UserRegistryConfig.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v7").run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(MonitorRegistry.class)
              .hasBean("myRegistry");
          MonitorRegistry registry = context.getBean(MonitorRegistry.class);
          // the properties configure only the auto-configured registry
          assertThat(registry.monitors()).extracting(ModelMonitor::name)
              .containsExactly("ranker");

          Ranker ranker = context.getBean(Ranker.class);
          assertThat(ranker.rank("shoes")).containsExactly("shoes", "shoes!");
          org.assertj.core.api.Assertions.assertThatIllegalArgumentException()
              .isThrownBy(() -> ranker.rank("")).withMessage("empty query");

          ModelSnapshot s = registry.find("ranker").orElseThrow().snapshot();
          assertThat(s.totalOutcomes().success()).isEqualTo(1);
          assertThat(s.totalOutcomes().errors()).isEqualTo(1);
          assertThat(s.totalOutcomes().errorsByType())
              .containsEntry("IllegalArgumentException", 1L);
        });
  }

  @Test
  void unknownModel_failsAtStartupNamingTheMethod() {
    runner.withUserConfiguration(MisconfiguredConfig.class).run(context -> {
      assertThat(context).hasFailed();
      assertThat(context.getStartupFailure()).rootCause()
          .hasMessage("Misconfigured.predict(int): @Monitored model 'nope' is not in the "
              + "registry; create it first with registry.monitorBuilder(...)");
    });
  }

  @Test
  void annotationOnInterfaceOnly_failsAtStartupInsteadOfGoingUnmonitored() {
    runner.withUserConfiguration(InterfaceConfig.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v7").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure())
              .hasMessageContaining("AnnotatedApi.score(double): @Monitored on an interface "
                  + "is not seen by Spring AOP; annotate the implementing class PlainImpl");
        });
  }

  @Test
  void dashboardEnabled_servesTheModelsOnLoopback() {
    runner.withPropertyValues("modelmonitor.dashboard.enabled=true",
        "modelmonitor.models.ctr.version=v7").run(context -> {
          MonitorHttpServer server = context.getBean(MonitorHttpServer.class);
          assertThat(server.address().getAddress().isLoopbackAddress()).isTrue();
          HttpResponse<String> response = HttpClient.newHttpClient().send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                  + "/api/models")).build(), HttpResponse.BodyHandlers.ofString());
          assertThat(response.statusCode()).isEqualTo(200);
          assertThat(response.body()).contains("\"name\":\"ctr\"");
        });
  }

  /** A scorer declared before the bean that creates its model. */
  @Configuration(proxyBeanMethods = false)
  static class ModelFromUserBeanConfig {
    @Bean
    Misconfigured2 scorer() {
      return new Misconfigured2();
    }

    @Bean
    io.modelmonitor.ModelMonitor<Object, Object> lateModel(MonitorRegistry registry) {
      return registry.monitor("late", "v1");
    }
  }

  /** Names the model a later bean creates. */
  public static class Misconfigured2 {
    @Monitored(model = "late")
    public int predict(int x) {
      return x;
    }
  }

  @Test
  void aModelCreatedByALaterUserBean_isFoundOnceEverySingletonExists() {
    runner.withUserConfiguration(ModelFromUserBeanConfig.class).run(context -> {
      assertThat(context).hasNotFailed();
      context.getBean(Misconfigured2.class).predict(3);
      assertThat(context.getBean(MonitorRegistry.class).find("late").orElseThrow().snapshot()
          .totalOutcomes().success()).isEqualTo(1);
    });
  }

  /** A bean wrapped by MonitoredProxy, the escape hatch for interface annotations. */
  @Configuration(proxyBeanMethods = false)
  static class ProxiedConfig {
    @Bean
    AnnotatedApi proxied(MonitorRegistry registry) {
      return io.modelmonitor.annotation.MonitoredProxy.create(AnnotatedApi.class, x -> x * 2,
          registry);
    }
  }

  @Test
  void aBeanWrappedByMonitoredProxy_isAcceptedAndMonitoredOnce() {
    runner.withUserConfiguration(ProxiedConfig.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v7").run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context.getBean(AnnotatedApi.class).score(2)).isEqualTo(4.0);
          assertThat(context.getBean(MonitorRegistry.class).find("ctr").orElseThrow()
              .snapshot().totalOutcomes().success()).isEqualTo(1);
        });
  }

  /** An annotation Spring AOP cannot honour. */
  public static class PrivateAnnotated {
    public int call(int x) {
      return predict(x);
    }

    @Monitored(model = "ctr")
    private int predict(int x) {
      return x;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class PrivateConfig {
    @Bean
    PrivateAnnotated privateAnnotated() {
      return new PrivateAnnotated();
    }
  }

  @Test
  void anAnnotatedPrivateMethod_failsAtStartup() {
    runner.withUserConfiguration(PrivateConfig.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v7").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).hasMessageContaining(
              "PrivateAnnotated.predict(int): @Monitored on a private, final or static method");
        });
  }
}
