package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.SchemaViolationException;
import io.modelmonitor.schema.ViolationKind;
import io.modelmonitor.testing.Allocations;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

class SchemaMonitoringTest {

  private static final FeatureSchema<Map<String, ?>> SCHEMA = FeatureSchema.forMap()
      .numeric("price", f -> f.range(0, 10_000))
      .categorical("category", f -> f.vocabulary("shoes", "bags"))
      .categorical("user_id", f -> f.sensitive())
      .numeric("income", f -> f.range(0, 1e6).sensitive())
      .build();

  private static Map<String, Object> input(Object price, String category) {
    Map<String, Object> m = new HashMap<>();
    m.put("price", price);
    m.put("category", category);
    m.put("user_id", "u-123");
    m.put("income", 52_000.0);
    return m;
  }

  private static MonitorConfig policy(SchemaPolicy p) {
    return MonitorConfig.custom().schemaPolicy(p).violationLogInterval(Duration.ZERO).build();
  }

  @Test
  void reject_invalidInput_modelNeverRuns_messageListsEveryViolation() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Map<String, Object>, Float> monitor =
          registry.monitor("ctr", "v1", SCHEMA, policy(SchemaPolicy.REJECT));
      AtomicInteger modelCalls = new AtomicInteger();
      Function<Map<String, Object>, Float> model = monitor.decorateFunction(in -> {
        modelCalls.incrementAndGet();
        return 0.5f;
      });
      Map<String, Object> bad = input(-3.0, "hats");
      bad.put("income", -1.0);
      bad.put("coupon", "X1");

      assertThatThrownBy(() -> model.apply(bad))
          .isInstanceOfSatisfying(SchemaViolationException.class, e -> {
            assertThat(e.model()).isEqualTo("ctr:v1");
            assertThat(e.violations()).extracting(v -> v.feature() + ":" + v.kind().tag())
                .containsExactly("price:out_of_range", "category:unseen_category",
                    "income:out_of_range", "_unexpected:unexpected");
            assertThat(e.getMessage()).contains("4 violations")
                .contains("price: out_of_range (-3.0 not in [0.0, 10000.0])")
                .contains("\"hats\" not in the vocabulary")
                .contains("income: out_of_range (*** not in")
                .contains("1 unexpected feature: coupon")
                .doesNotContain("-1.0");
          });
      assertThat(modelCalls).hasValue(0);
      assertThat(model.apply(input(10.0, "shoes"))).isEqualTo(0.5f);
      assertThat(modelCalls).hasValue(1);

      ModelSnapshot s = monitor.snapshot();
      assertThat(s.totalOutcomes().rejected()).isEqualTo(1);
      assertThat(s.totalOutcomes().success()).isEqualTo(1);
      assertThat(s.totalViolations().invalidInputs()).isEqualTo(1);
      assertThat(s.totalViolations().count("price", ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
      assertThat(s.totalViolations().count("_unexpected", ViolationKind.UNEXPECTED)).isEqualTo(1);
      assertThat(s.inFlight()).isZero();
    }
  }

  @Test
  void reject_batch_anyInvalidItemRejectsTheBatch_withItemIndexes() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Map<String, Object>, Float> monitor =
          registry.monitor("ranker", "v1", SCHEMA, policy(SchemaPolicy.REJECT));
      AtomicInteger modelCalls = new AtomicInteger();
      Function<List<Map<String, Object>>, List<Float>> batch = monitor.decorateBatchFunction(
          items -> {
            modelCalls.incrementAndGet();
            return List.of();
          });
      assertThatThrownBy(() -> batch.apply(List.of(input(1.0, "shoes"), input(1.0, "hats"),
          input(-1.0, "bags")))).isInstanceOfSatisfying(SchemaViolationException.class,
              e -> assertThat(e.violations()).extracting(v -> v.feature())
                  .containsExactly("[1].category", "[2].price"));
      assertThat(modelCalls).hasValue(0);
      assertThat(monitor.snapshot().totalViolations().invalidInputs()).isEqualTo(2);
      assertThat(monitor.snapshot().totalOutcomes().rejected()).as("one call, one rejection")
          .isEqualTo(1);
      assertThat(monitor.snapshot().inFlight()).isZero();
    }
  }

  @Test
  void observeAndLog_neverChangeTheResult_logMasksSensitiveValues() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Map<String, Object>, Float> observe =
          registry.monitor("observe", "v1", SCHEMA, policy(SchemaPolicy.OBSERVE));
      ModelMonitor<Map<String, Object>, Float> log =
          registry.monitor("log", "v1", SCHEMA, policy(SchemaPolicy.LOG));
      Map<String, Object> bad = input("cheap", "hats");
      bad.put("income", 9e9);
      bad.put("user_id", 12.5); // a type mismatch of a sensitive feature
      Function<Map<String, Object>, Float> model = in -> in.size() * 0.1f;
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        assertThat(observe.decorateFunction(model).apply(bad)).isEqualTo(model.apply(bad));
        assertThat(log.decorateFunction(model).apply(bad)).isEqualTo(model.apply(bad));
      } finally {
        System.setErr(original);
      }
      assertThat(observe.snapshot().totalViolations().total()).isEqualTo(4);
      assertThat(log.snapshot().totalViolations().total()).isEqualTo(4);
    }
    String logged = captured.toString(StandardCharsets.UTF_8);
    assertThat(logged.lines().filter(l -> l.contains("violates the feature schema")))
        .singleElement().satisfies(line -> assertThat(line)
            .contains("ModelMonitor log:v1")
            .contains("price: type_mismatch (expected a number, got String \"cheap\")")
            .contains("income: out_of_range (*** not in")
            .contains("user_id: type_mismatch (expected a string, enum or integral id, got "
                + "Double ***)")
            .doesNotContain("9.0E9").doesNotContain("12.5"));
  }

  @Test
  void log_isRateLimitedByTheTicker() {
    FakeTicker ticker = new FakeTicker();
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Map<String, Object>, Float> log = registry.monitor("log", "v1", SCHEMA,
          MonitorConfig.custom().schemaPolicy(SchemaPolicy.LOG)
              .violationLogInterval(Duration.ofSeconds(5)).build());
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        for (int i = 0; i < 100; i++) {
          log.checkInput(input(-1.0, "shoes"));
        }
        ticker.advance(Duration.ofSeconds(5));
        log.checkInput(input(-1.0, "shoes"));
      } finally {
        System.setErr(original);
      }
      assertThat(log.snapshot().totalViolations().invalidInputs()).isEqualTo(101);
    }
    assertThat(captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("violates the feature schema"))).hasSize(2);
  }

  @Test
  void concurrentThreads_violationCountsExact() throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .defaultConfig(MonitorConfig.custom().maxThreadCells(4).build()).build()) {
      ModelMonitor<Map<String, Object>, Float> monitor = registry.monitor("ctr", "v1", SCHEMA);
      Function<Map<String, Object>, Float> model = monitor.decorateFunction(in -> 1f);
      int threads = 8; // more than the 4 thread cells: the shared cell is exercised too
      int calls = 20_000;
      List<Map<String, Object>> inputs = List.of(input(5.0, "shoes"), input(-5.0, "shoes"),
          input(5.0, "hats"), input(-5.0, "hats"));
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      CountDownLatch start = new CountDownLatch(1);
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        futures.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < calls; i++) {
            model.apply(inputs.get(i % 4));
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : futures) {
        f.get(2, TimeUnit.MINUTES);
      }
      pool.shutdown();

      long perKind = (long) threads * calls / 2; // half the inputs have each violation
      ViolationSummary v = monitor.snapshot().totalViolations();
      assertThat(v.count("price", ViolationKind.OUT_OF_RANGE)).isEqualTo(perKind);
      assertThat(v.count("category", ViolationKind.UNSEEN_CATEGORY)).isEqualTo(perKind);
      assertThat(v.invalidInputs()).isEqualTo((long) threads * calls * 3 / 4);
      assertThat(v.total()).isEqualTo(2 * perKind);

      String scrape = prometheus.scrape();
      assertThat(scrape).contains("model_input_violations_total{feature=\"price\","
          + "kind=\"out_of_range\",model=\"ctr\",version=\"v1\"} " + perKind + ".0");
      assertThat(scrape).contains("model_input_violations_total{feature=\"_unexpected\","
          + "kind=\"unexpected\",model=\"ctr\",version=\"v1\"} 0.0");
      assertThat(scrape).contains("model_input_invalid_total{model=\"ctr\",version=\"v1\"} "
          + (long) threads * calls * 3 / 4 + ".0");
    }
  }

  @Test
  void decoratedCall_withValidInput_allocatesNothing() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Map<String, Object>, Float> monitor = registry.monitor("ctr", "v1", SCHEMA);
      Float score = 0.5f;
      Function<Map<String, Object>, Float> model = monitor.decorateFunction(in -> score);
      Map<String, Object> valid = input(10.0, "bags");
      float[] sink = new float[1];
      long bytes = Allocations.allocatedBy(3, () -> {
        for (int i = 0; i < 300_000; i++) {
          sink[0] += model.apply(valid);
        }
      });
      assertThat(bytes).isZero();
      assertThat(monitor.snapshot().totalViolations()).isEqualTo(ViolationSummary.EMPTY);
    }
  }

  @Test
  void checkInput_byHand_countsButNeverThrows_evenUnderReject() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Map<String, Object>, Float> monitor =
          registry.monitor("ctr", "v1", SCHEMA, policy(SchemaPolicy.REJECT));
      assertThat(monitor.checkInput(input(-1.0, "hats"))).isEqualTo(2);
      assertThat(monitor.checkInput(null)).isEqualTo(1);
      assertThat(monitor.snapshot().totalOutcomes().rejected()).as("nothing was rejected")
          .isZero();
      assertThat(monitor.snapshot().totalViolations().count("_input", ViolationKind.NULL))
          .isEqualTo(1);
    }
  }

  @Test
  void anErrorThrownByAnExtractor_propagates_andReleasesTheCall() {
    FeatureSchema<String> deep = FeatureSchema.forType(String.class)
        .numeric("len", v -> {
          throw new StackOverflowError("deep");
        }, f -> { })
        .build();
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<String, Float> monitor = registry.monitor("deep", "v1", deep);
      assertThatThrownBy(() -> monitor.executeFunction(s -> 1f, "x"))
          .isInstanceOf(StackOverflowError.class);
      assertThat(monitor.snapshot().inFlight()).isZero();
    }
  }

  @Test
  void sameModel_otherSchema_isRejected() {
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      registry.monitor("ctr", "v1", SCHEMA);
      FeatureSchema<Map<String, ?>> other = FeatureSchema.forMap().numeric("price").build();
      assertThatThrownBy(() -> registry.monitor("ctr", "v1", other))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("feature schema");
      FeatureSchema<Map<String, ?>> same = FeatureSchema.forMap()
          .numeric("price", f -> f.range(0, 10_000))
          .categorical("category", f -> f.vocabulary("shoes", "bags"))
          .categorical("user_id", f -> f.sensitive())
          .numeric("income", f -> f.range(0, 1e6).sensitive())
          .build();
      assertThat(registry.<Map<String, Object>, Float>monitor("ctr", "v1", same)).isNotNull();
    }
  }

  @Test
  void windows_countViolationsPerWindow() {
    FakeTicker ticker = new FakeTicker();
    try (MonitorRegistry registry = MonitorRegistry.builder().ticker(ticker).build()) {
      ModelMonitor<Map<String, Object>, Float> monitor = registry.monitor("ctr", "v1", SCHEMA);
      monitor.checkInput(input(-1.0, "shoes"));
      ticker.advance(Duration.ofSeconds(10));
      ModelSnapshot first = registry.tickNow().get("ctr");
      monitor.checkInput(input(1.0, "hats"));
      monitor.checkInput(input(1.0, "hats"));
      ticker.advance(Duration.ofSeconds(10));
      ModelSnapshot second = registry.tickNow().get("ctr");
      assertThat(first.windowViolations().count("price", ViolationKind.OUT_OF_RANGE))
          .isEqualTo(1);
      assertThat(second.windowViolations().count("price", ViolationKind.OUT_OF_RANGE)).isZero();
      assertThat(second.windowViolations().count("category", ViolationKind.UNSEEN_CATEGORY))
          .isEqualTo(2);
      assertThat(second.totalViolations().total()).isEqualTo(3);
    }
  }
}
