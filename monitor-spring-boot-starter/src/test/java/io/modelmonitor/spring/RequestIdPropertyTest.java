package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.annotation.Monitored;
import io.modelmonitor.feedback.JoinCounts;
import io.modelmonitor.schema.FeatureSchema;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** {@code modelmonitor.models.<name>.request-id}: predictions remembered for feedback. */
class RequestIdPropertyTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(AutoConfigurations.of(AopAutoConfiguration.class,
          ModelMonitorAutoConfiguration.class));

  @TempDir
  Path dir;

  /** Scores a map that carries its request id under a key. */
  public static class MapScorer {
    @Monitored(model = "ctr")
    public double score(Map<String, ?> features) {
      return ((Number) features.get("price")).doubleValue() / 10;
    }
  }

  /** The input of {@link RecordScorer}. */
  public record Impression(String requestId, double price) {}

  /** A bean input with a getter. */
  public static class Query {
    private final long id;

    public Query(long id) {
      this.id = id;
    }

    public long getId() {
      return id;
    }
  }

  /** Scores a record and a bean. */
  public static class RecordScorer {
    @Monitored(model = "ctr")
    public double score(Impression impression) {
      return impression.price() / 10;
    }
  }

  /** Scores a bean with a getter. */
  public static class QueryScorer {
    @Monitored(model = "ctr")
    public double score(Query query) {
      return 0.25;
    }
  }

  @Configuration(proxyBeanMethods = false)
  static class Scorers {
    @Bean
    MapScorer mapScorer() {
      return new MapScorer();
    }

    @Bean
    RecordScorer recordScorer() {
      return new RecordScorer();
    }

    @Bean
    QueryScorer queryScorer() {
      return new QueryScorer();
    }
  }

  private static JoinCounts joins(ModelMonitor<?, ?> monitor) {
    return monitor.snapshot().totalQuality().joins();
  }

  @Test
  void mapInput_idUnderTheKeyIsRememberedAndFeedbackJoins() {
    runner.withUserConfiguration(Scorers.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v1",
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.ctr.request-id=request_id")
        .run(context -> {
          assertThat(context).hasNotFailed();
          MapScorer scorer = context.getBean(MapScorer.class);
          assertThat(scorer.score(Map.of("request_id", "r1", "price", 8.0))).isEqualTo(0.8);
          scorer.score(Map.of("request_id", "r2", "price", 1.0));
          scorer.score(Map.of("price", 1.0)); // no id: scored, not remembered
          ModelMonitor<?, ?> ctr = context.getBean(MonitorRegistry.class).find("ctr")
              .orElseThrow();
          ctr.feedback("r1", true);
          ctr.feedback("r2", false);
          ctr.feedback("r1", true); // a second label for a known prediction
          ctr.feedback("r3", true); // never predicted
          context.getBean(MonitorRegistry.class).tickNow();
          JoinCounts j = joins(ctr);
          assertThat(j.remembered()).isEqualTo(2);
          assertThat(j.duplicate()).isEqualTo(1);
          assertThat(j.unknown()).isEqualTo(1);
          assertThat(ctr.snapshot().totalOutcomes().success()).isEqualTo(3);
        });
  }

  @Test
  void recordAndBeanInputs_idReadByComponentAndGetter() {
    runner.withUserConfiguration(Scorers.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v1",
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.ctr.request-id=requestId")
        .run(context -> {
          context.getBean(RecordScorer.class).score(new Impression("r1", 5));
          ModelMonitor<?, ?> ctr = context.getBean(MonitorRegistry.class).find("ctr")
              .orElseThrow();
          ctr.feedback("r1", true);
          ctr.feedback("r1", false);
          ctr.feedback("unseen", true);
          context.getBean(MonitorRegistry.class).tickNow();
          JoinCounts j = joins(ctr);
          assertThat(j.remembered()).isEqualTo(1);
          assertThat(j.duplicate()).isEqualTo(1);
          assertThat(j.unknown()).isEqualTo(1);
        });
    runner.withUserConfiguration(Scorers.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v1",
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.ctr.request-id=id")
        .run(context -> {
          context.getBean(QueryScorer.class).score(new Query(42));
          ModelMonitor<?, ?> ctr = context.getBean(MonitorRegistry.class).find("ctr")
              .orElseThrow();
          ctr.feedback(42L, true);
          ctr.feedback(42L, true);
          context.getBean(MonitorRegistry.class).tickNow();
          assertThat(joins(ctr).remembered()).isEqualTo(1);
          assertThat(joins(ctr).duplicate()).isEqualTo(1);
          assertThat(joins(ctr).unknown()).isZero();
        });
  }

  @Test
  void concurrentCalls_everyPredictionRememberedOnceAndJoined() {
    runner.withUserConfiguration(Scorers.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v1",
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.ctr.request-id=requestId")
        .run(context -> {
          RecordScorer scorer = context.getBean(RecordScorer.class);
          int threads = 8;
          int calls = 2_000;
          CyclicBarrier start = new CyclicBarrier(threads);
          ExecutorService pool = Executors.newFixedThreadPool(threads);
          List<Future<?>> done = new ArrayList<>();
          for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
              start.await();
              for (int i = 0; i < calls; i++) {
                scorer.score(new Impression(thread + "-" + i, i % 10));
              }
              return null;
            }));
          }
          for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
          }
          pool.shutdown();
          ModelMonitor<?, ?> ctr = context.getBean(MonitorRegistry.class).find("ctr")
              .orElseThrow();
          for (int t = 0; t < threads; t++) {
            ctr.feedback(t + "-0", true);
            ctr.feedback(t + "-0", true); // known: a duplicate, not unknown
          }
          ctr.feedback(threads + "-0", true); // no such thread: unknown
          context.getBean(MonitorRegistry.class).tickNow();
          JoinCounts j = joins(ctr);
          assertThat(j.remembered()).isEqualTo((long) threads * calls);
          assertThat(j.duplicate()).isEqualTo(threads);
          assertThat(j.unknown()).isEqualTo(1);
          assertThat(ctr.snapshot().monitorErrors()).isZero();
        });
  }

  @Test
  void inputWithoutTheProperty_callGoesOnAndTheMissIsCounted() {
    runner.withUserConfiguration(Scorers.class)
        .withPropertyValues("modelmonitor.models.ctr.version=v1",
            "modelmonitor.models.ctr.prediction=score",
            "modelmonitor.models.ctr.request-id=sessionId")
        .run(context -> {
          assertThat(context.getBean(RecordScorer.class).score(new Impression("r1", 5)))
              .isEqualTo(0.5);
          ModelMonitor<?, ?> ctr = context.getBean(MonitorRegistry.class).find("ctr")
              .orElseThrow();
          context.getBean(MonitorRegistry.class).tickNow();
          assertThat(ctr.snapshot().totalOutcomes().success()).isEqualTo(1);
          assertThat(joins(ctr).remembered()).isZero();
          assertThat(ctr.snapshot().monitorErrors()).isEqualTo(1);
        });
  }

  @Test
  void requestIdWithoutScore_failsAtStartupNamingTheProperty() {
    runner.withPropertyValues("modelmonitor.models.ctr.version=v1",
        "modelmonitor.models.ctr.request-id=request_id").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessage(
              "modelmonitor.models.ctr.request-id=request_id needs "
                  + "modelmonitor.models.ctr.prediction=score: only a scored prediction is "
                  + "remembered for feedback");
        });
  }

  @Test
  void blankRequestId_failsAtStartupNamingTheProperty() {
    runner.withPropertyValues("modelmonitor.models.ctr.version=v1",
        "modelmonitor.models.ctr.prediction=score",
        "modelmonitor.models.ctr.request-id= ").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause()
              .hasMessageStartingWith("modelmonitor.models.ctr.request-id must name");
        });
  }

  @Test
  void arrayInput_failsAtStartupNamingTheShape() throws Exception {
    Path schema = dir.resolve("schema.json");
    FeatureSchema.forFloatArray("price").build().write(schema);
    runner.withPropertyValues("modelmonitor.models.ctr.version=v1",
        "modelmonitor.models.ctr.prediction=score",
        "modelmonitor.models.ctr.schema=" + schema,
        "modelmonitor.models.ctr.shape=float-array",
        "modelmonitor.models.ctr.request-id=request_id").run(context -> {
          assertThat(context).hasFailed();
          assertThat(context.getStartupFailure()).rootCause().hasMessageStartingWith(
              "modelmonitor.models.ctr.request-id=request_id cannot be read from a float-array "
                  + "input (modelmonitor.models.ctr.shape)");
        });
  }
}
