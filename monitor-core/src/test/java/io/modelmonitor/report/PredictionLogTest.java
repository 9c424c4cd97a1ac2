package io.modelmonitor.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.SchemaPolicy;
import io.modelmonitor.schema.SchemaViolationException;
import io.modelmonitor.testing.CapturedLog;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PredictionLogTest {

  private static final String LOGGER = PredictionLogPolicy.LOGGER_NAME;
  private static final String SECRET = "SECRET-4242";
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY);

  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final Clock clock = Clock.fixed(Instant.parse("2026-01-02T03:04:05Z"), ZoneOffset.UTC);
  private final MonitorRegistry registry = MonitorRegistry.builder().ticker(nanos::get)
      .clock(clock).build();

  private static final FeatureSchema<Map<String, ?>> SCHEMA = FeatureSchema.forMap()
      .numeric("price", f -> f.range(0, 1_000))
      .integer("count", f -> f.range(0, 100))
      .categorical("country", f -> f.vocabulary("DE", "FR"))
      .categorical("ssn", f -> f.sensitive())
      .exclude("id")
      .build();

  @AfterEach
  void close() {
    registry.close();
  }

  private ModelMonitor<Map<String, ?>, Float> monitor(PredictionLogPolicy policy,
      SchemaPolicy schemaPolicy) {
    return registry.<Map<String, ?>, Float>monitorBuilder("ctr", "v7")
        .schema(SCHEMA)
        .prediction(PredictionSpec.score(Float::doubleValue))
        .requestId(m -> m.get("id"))
        .config(MonitorConfig.custom().predictionLog(policy).schemaPolicy(schemaPolicy).build())
        .build();
  }

  /** A model that takes 2.5 ms by the fake ticker and scores 0.25. */
  private Function<Map<String, ?>, Float> scorer(ModelMonitor<Map<String, ?>, Float> monitor) {
    Float score = 0.25f;
    return monitor.decorateFunction(in -> {
      nanos.addAndGet(2_500_000);
      return score;
    });
  }

  private static Map<String, Object> input(String id) {
    Map<String, Object> m = new HashMap<>();
    m.put("id", id);
    m.put("price", 12.5);
    m.put("count", 3);
    m.put("country", "DE");
    m.put("ssn", SECRET);
    return m;
  }

  private static String hmac16(String key, String value) throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    return HexFormat.of().formatHex(mac.doFinal(value.getBytes(StandardCharsets.UTF_8)))
        .substring(0, 16);
  }

  @Test
  void sampledCall_rateOne_writesOneStrictJsonLineWithEveryField() throws Exception {
    Function<Map<String, ?>, Float> model = scorer(monitor(PredictionLogPolicy.sampled(1),
        SchemaPolicy.OBSERVE));
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      assertThat(model.apply(input("req-1"))).isEqualTo(0.25f);
      lines = log.info(LOGGER);
    }
    assertThat(lines).hasSize(1);
    JsonNode line = STRICT.readTree(lines.get(0));
    assertThat(line.get("model").asText()).isEqualTo("ctr");
    assertThat(line.get("version").asText()).isEqualTo("v7");
    assertThat(line.get("timestamp").asText()).isEqualTo("2026-01-02T03:04:05Z");
    assertThat(line.get("request_id").asText()).isEqualTo("req-1");
    assertThat(line.get("latency_ms").isNumber()).isTrue();
    assertThat(line.get("latency_ms").doubleValue()).isEqualTo(2.5);
    assertThat(line.get("outcome").asText()).isEqualTo("success");
    assertThat(line.has("error_type")).isFalse();
    assertThat(line.get("prediction").doubleValue()).isEqualTo(0.25);
    JsonNode features = line.get("features");
    assertThat(features.get("price").doubleValue()).isEqualTo(12.5);
    assertThat(features.get("count").isIntegralNumber()).isTrue();
    assertThat(features.get("count").longValue()).isEqualTo(3);
    assertThat(features.get("country").asText()).isEqualTo("DE");
    assertThat(features.has("ssn")).as("sensitive feature dropped by default").isFalse();
    assertThat(features.size()).isEqualTo(3);
    assertThat(lines.get(0)).doesNotContain(SECRET);
  }

  @Test
  void sensitiveFeature_hashMode_writesTheTruncatedHmacAndNeverTheValue() throws Exception {
    Function<Map<String, ?>, Float> model = scorer(monitor(
        PredictionLogPolicy.sampled(1).withSensitiveHashed("k3y-from-config"),
        SchemaPolicy.OBSERVE));
    String raw;
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      model.apply(input("req-1"));
      model.apply(input("req-2"));
      lines = log.info(LOGGER);
      raw = log.raw();
    }
    assertThat(lines).hasSize(2);
    assertThat(raw).doesNotContain(SECRET).doesNotContain("k3y-from-config");
    String expected = hmac16("k3y-from-config", SECRET);
    for (String l : lines) {
      assertThat(STRICT.readTree(l).get("features").get("ssn").asText()).isEqualTo(expected);
    }
  }

  @Test
  void sensitiveFeature_hashWithoutKey_usesOneRandomProcessKey() throws Exception {
    Function<Map<String, ?>, Float> model = scorer(monitor(
        PredictionLogPolicy.sampled(1).withSensitiveHashed(null), SchemaPolicy.OBSERVE));
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      model.apply(input("a"));
      model.apply(input("b"));
      lines = log.info(LOGGER);
    }
    String first = STRICT.readTree(lines.get(0)).get("features").get("ssn").asText();
    String second = STRICT.readTree(lines.get(1)).get("features").get("ssn").asText();
    assertThat(first).matches("[0-9a-f]{16}").isEqualTo(second);
    assertThat(lines.get(0)).doesNotContain(SECRET);
  }

  @Test
  void sampleRateOne_logsEveryCallExactly() {
    Function<Map<String, ?>, Float> model = scorer(monitor(PredictionLogPolicy.sampled(1),
        SchemaPolicy.OBSERVE));
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < 500; i++) {
        model.apply(input("r" + i));
      }
      assertThat(log.info(LOGGER)).hasSize(500);
    }
  }

  @Test
  void sampleRateTenth_over20000Calls_logsWithinFourSigmaOf2000() {
    Function<Map<String, ?>, Float> model = scorer(monitor(PredictionLogPolicy.sampled(0.1),
        SchemaPolicy.OBSERVE));
    Map<String, Object> in = input("same");
    int n = 20_000;
    int logged;
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < n; i++) {
        model.apply(in);
      }
      logged = log.info(LOGGER).size();
    }
    double sigma = Math.sqrt(n * 0.1 * 0.9); // binomial: 42.4
    assertThat((double) logged).isBetween(2_000 - 4 * sigma, 2_000 + 4 * sigma);
  }

  @Test
  void errors_alwaysLogged_evenAtRateZero_andTheSameExceptionPropagates() throws Exception {
    ModelMonitor<Map<String, ?>, Float> monitor = monitor(
        PredictionLogPolicy.sampled(0).withAlwaysLogErrors(true), SchemaPolicy.OBSERVE);
    IllegalStateException failure = new IllegalStateException("model down");
    Function<Map<String, ?>, Float> model = monitor.decorateFunction(in -> {
      nanos.addAndGet(1_000_000);
      if ("fail".equals(in.get("id"))) {
        throw failure;
      }
      return 0.5f;
    });
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      for (int i = 0; i < 10; i++) {
        model.apply(input("ok"));
        assertThatThrownBy(() -> model.apply(input("fail"))).isSameAs(failure);
      }
      lines = log.info(LOGGER);
    }
    assertThat(lines).hasSize(10);
    JsonNode line = STRICT.readTree(lines.get(0));
    assertThat(line.get("outcome").asText()).isEqualTo("error");
    assertThat(line.get("error_type").asText()).isEqualTo("java.lang.IllegalStateException");
    assertThat(line.get("latency_ms").doubleValue()).isEqualTo(1.0);
    assertThat(line.get("request_id").asText()).isEqualTo("fail");
    assertThat(line.has("prediction")).isFalse();
    assertThat(line.get("features").get("price").doubleValue()).isEqualTo(12.5);
  }

  @Test
  void rejectedInput_errorsAlwaysLogged_logsOutcomeRejected() throws Exception {
    Function<Map<String, ?>, Float> model = scorer(monitor(
        PredictionLogPolicy.OFF.withAlwaysLogErrors(true), SchemaPolicy.REJECT));
    Map<String, Object> bad = input("bad");
    bad.put("price", -5.0);
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      assertThatThrownBy(() -> model.apply(bad)).isInstanceOf(SchemaViolationException.class);
      model.apply(input("good")); // a success at rate 0: not logged
      lines = log.info(LOGGER);
    }
    assertThat(lines).hasSize(1);
    JsonNode line = STRICT.readTree(lines.get(0));
    assertThat(line.get("outcome").asText()).isEqualTo("rejected");
    assertThat(line.get("error_type").asText())
        .isEqualTo(SchemaViolationException.class.getName());
    assertThat(line.get("latency_ms").isNull()).isTrue();
    assertThat(line.get("features").get("price").doubleValue()).isEqualTo(-5.0);
    assertThat(lines.get(0)).doesNotContain(SECRET);
  }

  @Test
  void failingLogger_successPath_callUnaffectedAndCountedAsMonitorError() {
    ModelMonitor<Integer, Float> monitor = registry.<Integer, Float>monitorBuilder("broken", "v1")
        .prediction(PredictionSpec.score(f -> {
          throw new IllegalArgumentException("score reader broken");
        }))
        .config(MonitorConfig.custom().predictionLog(PredictionLogPolicy.sampled(1)).build())
        .build();
    Function<Integer, Float> model = monitor.decorateFunction(x -> 0.75f);
    try (CapturedLog log = new CapturedLog()) {
      assertThat(model.apply(1)).isEqualTo(0.75f);
      assertThat(model.apply(2)).isEqualTo(0.75f);
      assertThat(log.info(LOGGER)).isEmpty();
    }
    assertThat(monitor.snapshot().monitorErrors()).isEqualTo(2);
    assertThat(monitor.snapshot().totalOutcomes().success()).isEqualTo(2);
  }

  @Test
  void failingLogger_errorPath_modelExceptionStillPropagatesUnchanged() {
    ModelMonitor<Map<String, ?>, Float> monitor = registry
        .<Map<String, ?>, Float>monitorBuilder("broken-ids", "v1")
        .schema(SCHEMA)
        .prediction(PredictionSpec.score(Float::doubleValue))
        .requestId(m -> {
          throw new UnsupportedOperationException("id reader broken");
        })
        .config(MonitorConfig.custom().predictionLog(
            PredictionLogPolicy.sampled(1).withAlwaysLogErrors(true)).build())
        .build();
    IllegalStateException failure = new IllegalStateException("model down");
    Function<Map<String, ?>, Float> model = monitor.decorateFunction(in -> {
      throw failure;
    });
    try (CapturedLog log = new CapturedLog()) {
      assertThatThrownBy(() -> model.apply(input("x"))).isSameAs(failure);
      assertThat(log.info(LOGGER)).isEmpty();
    }
    assertThat(monitor.snapshot().monitorErrors()).isEqualTo(1);
    assertThat(monitor.snapshot().totalOutcomes().errors()).isEqualTo(1);
  }

  @Test
  void noSchemaNoSpec_scalarOutputsWritten_otherOutputsLeftOut() throws Exception {
    ModelMonitor<Object, Object> monitor = registry.monitor("plain", "v1",
        MonitorConfig.custom().predictionLog(PredictionLogPolicy.sampled(1)).build());
    List<String> lines;
    try (CapturedLog log = new CapturedLog()) {
      monitor.executeFunction(x -> "approve", 1);
      monitor.executeFunction(x -> 42L, 1);
      monitor.executeFunction(x -> true, 1);
      monitor.executeFunction(x -> new ArrayList<>(List.of(SECRET)), 1);
      monitor.executeSupplier(() -> 0.5);
      lines = log.info(LOGGER);
    }
    assertThat(lines).hasSize(5);
    assertThat(STRICT.readTree(lines.get(0)).get("prediction").asText()).isEqualTo("approve");
    assertThat(STRICT.readTree(lines.get(1)).get("prediction").longValue()).isEqualTo(42);
    assertThat(STRICT.readTree(lines.get(2)).get("prediction").booleanValue()).isTrue();
    JsonNode other = STRICT.readTree(lines.get(3));
    assertThat(other.has("prediction")).isFalse();
    assertThat(other.has("features")).isFalse();
    assertThat(other.has("request_id")).isFalse();
    assertThat(lines.get(3)).doesNotContain(SECRET);
    assertThat(STRICT.readTree(lines.get(4)).get("prediction").doubleValue()).isEqualTo(0.5);
  }

  @Test
  void policy_outOfRangeOrEmptyKey_rejected_andToStringHidesTheKey() {
    assertThatThrownBy(() -> PredictionLogPolicy.sampled(1.5))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("1.5");
    assertThatThrownBy(() -> PredictionLogPolicy.sampled(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PredictionLogPolicy.sampled(0.1).withSensitiveHashed(""))
        .isInstanceOf(IllegalArgumentException.class);
    PredictionLogPolicy p = PredictionLogPolicy.sampled(0.1).withSensitiveHashed("top-secret");
    assertThat(p.toString()).doesNotContain("top-secret").contains("HASH");
    assertThat(PredictionLogPolicy.OFF.enabled()).isFalse();
    assertThat(MonitorConfig.ofDefaults().predictionLog()).isEqualTo(PredictionLogPolicy.OFF);
    assertThat(MonitorConfig.from(MonitorConfig.custom().predictionLog(p).build()).build()
        .predictionLog()).isEqualTo(p);
  }

  @Test
  void alwaysLoggedErrorsAreCappedPerSecond() {
    io.modelmonitor.internal.PredictionLoggerProbe probe =
        io.modelmonitor.internal.PredictionLoggerProbe.errorsOnly();
    int allowed = 0;
    for (int i = 0; i < 1_000; i++) {
      allowed += probe.sampledFailure() ? 1 : 0;
    }
    // all 1,000 within a second or two: at most two seconds' worth get through
    assertThat(allowed).isBetween(100, 200);
    assertThat(probe.suppressed()).isEqualTo(1_000 - allowed);
  }
}
