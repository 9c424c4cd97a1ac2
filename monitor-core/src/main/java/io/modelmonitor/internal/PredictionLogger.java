package io.modelmonitor.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.internal.MonitorErrors.Cause;
import io.modelmonitor.report.PredictionLogPolicy;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import io.modelmonitor.schema.FeatureVisitor;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the sampled structured prediction log of one monitor: one JSON line per logged call.
 *
 * <p>{@link #sampled(boolean)} runs on every call and is one {@code ThreadLocalRandom} draw
 * (allocation-free); {@link #log} runs only for logged calls, builds a Jackson tree and may
 * allocate freely. {@code log} never throws: a failure is counted as an internal monitor error.
 * Thread-safe: all state is final.
 */
final class PredictionLogger<I, O> {

  static final String SUCCESS = "success";
  static final String ERROR = "error";
  static final String REJECTED = "rejected";

  private static final Logger LOG = LoggerFactory.getLogger(PredictionLogPolicy.LOGGER_NAME);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
  private static final String HMAC = "HmacSHA256";
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private final String name;
  private final String version;
  private final Clock clock;
  private final double rate;
  private final boolean errorsAlways;
  /** Null unless sensitive features are hashed. */
  private final SecretKeySpec hashKey;
  private final FeatureSchema<? super I> schema;
  private final PredictionSpec<? super O> prediction;
  private final Function<? super I, ?> requestIds;
  private final MonitorErrors errors;

  /** The random key of HASH without a configured key: one per process, never written out. */
  private static final class ProcessKey {
    static final byte[] KEY = new byte[32];

    static {
      new SecureRandom().nextBytes(KEY);
    }
  }

  private PredictionLogger(PredictionLogPolicy policy, String name, String version, Clock clock,
      FeatureSchema<? super I> schema, PredictionSpec<? super O> prediction,
      Function<? super I, ?> requestIds, MonitorErrors errors) {
    this.name = name;
    this.version = version;
    this.clock = clock;
    this.rate = policy.sampleRate();
    this.errorsAlways = policy.alwaysLogErrors();
    this.hashKey = policy.sensitive() != PredictionLogPolicy.Sensitive.HASH ? null
        : new SecretKeySpec(policy.hashKey() == null ? ProcessKey.KEY
            : policy.hashKey().getBytes(StandardCharsets.UTF_8), HMAC);
    this.schema = schema;
    this.prediction = prediction;
    this.requestIds = requestIds;
    this.errors = errors;
  }

  /** Returns the logger of a monitor, or null when the policy logs nothing. */
  static <I, O> PredictionLogger<I, O> create(PredictionLogPolicy policy, String name,
      String version, Clock clock, FeatureSchema<? super I> schema,
      PredictionSpec<? super O> prediction, Function<? super I, ?> requestIds,
      MonitorErrors errors) {
    return policy.enabled() ? new PredictionLogger<>(policy, name, version, clock, schema,
        prediction, requestIds, errors) : null;
  }

  /** Whether this call is logged: every failure if so configured, else a random share. */
  boolean sampled(boolean failed) {
    if (rate > 0 && (rate >= 1 || ThreadLocalRandom.current().nextDouble() < rate)) {
      return true;
    }
    return failed && errorsAlways && errorLineAllowed();
  }

  /** Lines "always log errors" may add per second: an outage must not log every failed call. */
  static final int MAX_ERROR_LINES_PER_SECOND = 100;
  private final java.util.concurrent.atomic.AtomicLong errorSecond =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicInteger errorLines =
      new java.util.concurrent.atomic.AtomicInteger();
  private final java.util.concurrent.atomic.AtomicLong suppressedErrorLines =
      new java.util.concurrent.atomic.AtomicLong();

  /** At most {@link #MAX_ERROR_LINES_PER_SECOND} per wall-clock second; the rest are counted. */
  private boolean errorLineAllowed() {
    long second = System.nanoTime() / 1_000_000_000L;
    long current = errorSecond.get();
    if (current != second && errorSecond.compareAndSet(current, second)) {
      errorLines.set(0);
    }
    if (errorLines.incrementAndGet() <= MAX_ERROR_LINES_PER_SECOND) {
      return true;
    }
    suppressedErrorLines.incrementAndGet();
    return false;
  }

  /** Error lines left out by the per-second cap, since start. */
  long suppressedErrorLines() {
    return suppressedErrorLines.get();
  }

  /**
   * Writes one line. Never throws (an Error excepted).
   *
   * @param hasInput whether {@code input} is the call's input (suppliers have none)
   * @param output the output, read only on success
   * @param outcome {@link #SUCCESS}, {@link #ERROR} or {@link #REJECTED}
   * @param errorType the failure's class, or null
   * @param latencyNanos the recorded latency, or negative when there is none
   */
  void log(boolean hasInput, I input, O output, String outcome, Class<?> errorType,
      long latencyNanos) {
    try {
      if (LOG.isInfoEnabled()) {
        LOG.info(line(hasInput, input, output, outcome, errorType, latencyNanos));
      }
    } catch (RuntimeException e) {
      // only the type: the message of a failure while reading an input (a user extractor's,
      // say) could carry the very values the prediction log keeps out of the logs
      errors.record(Cause.INTERNAL, "could not write the prediction log ("
          + e.getClass().getName() + ")", (Throwable) null);
    }
  }

  String line(boolean hasInput, I input, O output, String outcome, Class<?> errorType,
      long latencyNanos) {
    ObjectNode line = NODES.objectNode();
    line.put("model", name);
    line.put("version", version);
    line.put("timestamp", clock.instant().toString());
    if (requestIds != null && hasInput) {
      Object id = requestIds.apply(input);
      if (id != null) {
        line.put("request_id", String.valueOf(id));
      }
    }
    if (latencyNanos >= 0) {
      line.put("latency_ms", latencyNanos / 1e6);
    } else {
      line.putNull("latency_ms");
    }
    line.put("outcome", outcome);
    if (errorType != null) {
      line.put("error_type", errorType.getName());
    }
    if (SUCCESS.equals(outcome)) {
      JsonNode p = prediction(output);
      if (p != null) {
        line.set("prediction", p);
      }
    }
    if (schema != null && hasInput) {
      line.set("features", features(input));
    }
    try {
      return JSON.writeValueAsString(line);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("could not serialise the prediction log line", e);
    }
  }

  private JsonNode prediction(O output) {
    if (output == null) {
      return prediction == null ? null : NODES.nullNode();
    }
    if (prediction != null) {
      if (prediction.isScore()) {
        return number(prediction.scoreReader().applyAsDouble(output));
      }
      if (prediction.isRanked()) {
        Collection<?> items = prediction.rankedReader().apply(output);
        if (items == null) {
          return NODES.nullNode();
        }
        ArrayNode a = NODES.arrayNode();
        for (Object item : items) {
          a.add(String.valueOf(item));
        }
        return a;
      }
      Object label = prediction.labelReader().apply(output);
      return label == null ? NODES.nullNode() : NODES.textNode(String.valueOf(label));
    }
    if (output instanceof Boolean) {
      return NODES.booleanNode((Boolean) output);
    }
    if (output instanceof Integer || output instanceof Long || output instanceof Short
        || output instanceof Byte) {
      return NODES.numberNode(((Number) output).longValue());
    }
    if (output instanceof Number) {
      return number(((Number) output).doubleValue());
    }
    if (output instanceof String) {
      return NODES.textNode((String) output);
    }
    return null; // anything else may hold anything: left out
  }

  /** A finite number as a JSON number, NaN and infinities as text (strict JSON has neither). */
  private static JsonNode number(double v) {
    if (!Double.isFinite(v)) {
      return NODES.textNode(Double.toString(v));
    }
    // a value that is exactly a float (float[] inputs, Float scores) reads as written: 0.1, not
    // 0.10000000149011612; the float's shortest text denotes the same number
    return (double) (float) v == v ? NODES.numberNode((float) v) : NODES.numberNode(v);
  }

  private ObjectNode features(I input) {
    ObjectNode out = NODES.objectNode();
    List<FeatureSpec> specs = schema.features();
    JsonNode[] values = new JsonNode[specs.size()];
    schema.visit(input, new FeatureVisitor() {
      @Override
      public void numeric(int i, double value) {
        FeatureType type = specs.get(i).type();
        if (type == FeatureType.BOOLEAN && (value == 0 || value == 1)) {
          values[i] = NODES.booleanNode(value == 1);
        } else if (type == FeatureType.INTEGER && value == Math.rint(value)
            && Math.abs(value) < 0x1p53) {
          values[i] = NODES.numberNode((long) value);
        } else {
          values[i] = number(value);
        }
      }

      @Override
      public void category(int i, String value) {
        values[i] = NODES.textNode(value);
      }

      @Override
      public void categoryId(int i, long id) {
        values[i] = NODES.numberNode(id);
      }

      @Override
      public void vector(int i, Object vector) {
        values[i] = vectorNode(vector);
      }

      @Override
      public void missing(int i) {
        values[i] = NODES.nullNode();
      }
    });
    for (int i = 0; i < values.length; i++) {
      FeatureSpec spec = specs.get(i);
      JsonNode v = values[i] == null ? NODES.nullNode() : values[i];
      if (!spec.sensitive()) {
        out.set(spec.name(), v);
      } else if (hashKey != null) {
        out.set(spec.name(), v.isNull() ? v : NODES.textNode(hash(hashKey,
            v.isValueNode() ? v.asText() : v.toString())));
      } // else DROP: the feature is left out
    }
    return out;
  }

  private static JsonNode vectorNode(Object vector) {
    ArrayNode a = NODES.arrayNode();
    if (vector instanceof float[]) {
      for (float f : (float[]) vector) {
        a.add(number(f));
      }
    } else if (vector instanceof double[]) {
      for (double d : (double[]) vector) {
        a.add(number(d));
      }
    } else if (vector instanceof Collection) {
      for (Object o : (Collection<?>) vector) {
        a.add(o instanceof Number ? number(((Number) o).doubleValue()) : NODES.nullNode());
      }
    } else {
      return NODES.nullNode();
    }
    return a;
  }

  /** {@code HmacSHA256(key, UTF-8 text)}, the first 16 hex characters. */
  static String hash(SecretKeySpec key, String text) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      byte[] digest = mac.doFinal(text.getBytes(StandardCharsets.UTF_8));
      char[] hex = new char[16];
      for (int i = 0; i < 8; i++) {
        hex[2 * i] = HEX[(digest[i] >> 4) & 0xF];
        hex[2 * i + 1] = HEX[digest[i] & 0xF];
      }
      return new String(hex);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
