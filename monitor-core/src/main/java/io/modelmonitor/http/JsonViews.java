package io.modelmonitor.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.Signal;
import io.modelmonitor.alert.Signals;
import io.modelmonitor.schema.FeatureSpec;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The JSON documents of the HTTP endpoint, built from snapshots and alert events.
 *
 * <p>Guarantees, whatever the records hold: names in snake_case; window and uptime lengths in
 * seconds (latencies and delays keep the unit in their name: {@code _nanos}, {@code _millis}); instants
 * as ISO-8601 strings; no NaN or Infinity (every non-finite number becomes {@code null}); the
 * mean and standard deviation of features marked sensitive are {@code null} (with one sample
 * they would be the value itself); {@code <}, {@code >} and {@code &} are written as
 * {@code \}{@code u} escapes so a document pasted into HTML cannot open a tag.
 */
final class JsonViews {

  /** How many alert events {@code /api/alerts} lists under {@code recent}. */
  static final int RECENT_ALERTS = 100;

  private static final ObjectMapper MAPPER = JsonMapper.builder(
          new JsonFactoryBuilder().characterEscapes(new HtmlSafeEscapes()).build())
      .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
      .addMixIn(ModelSnapshot.class, SnapshotNames.class)
      .addModule(new SimpleModule("modelmonitor-http")
          .addSerializer(Duration.class, new SecondsSerializer())
          .addSerializer(Instant.class, ToStringSerializer.instance))
      .build();

  private static final Signal PROCESS_CPU = Signals.processCpuLoad();

  private JsonViews() {}

  /** Renames the two durations of a snapshot so their unit shows. */
  abstract static class SnapshotNames {
    @JsonProperty("window_seconds")
    abstract Duration window();

    @JsonProperty("uptime_seconds")
    abstract Duration uptime();
  }

  /** The short summary of every monitor, sorted by name. */
  static ArrayNode models(List<ModelMonitor<?, ?>> monitors, List<AlertEvent> active) {
    List<ModelMonitor<?, ?>> sorted = new ArrayList<>(monitors);
    sorted.sort((a, b) -> a.name().compareTo(b.name()));
    ArrayNode out = MAPPER.createArrayNode();
    for (ModelMonitor<?, ?> monitor : sorted) {
      out.add(summary(monitor.snapshot(), active));
    }
    return out;
  }

  /** One monitor in a few numbers: window and since-start counts, the window's latency. */
  static ObjectNode summary(ModelSnapshot s, List<AlertEvent> active) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("name", s.model());
    n.put("version", s.version());
    number(n, "window_seconds", seconds(s.window()));
    n.put("window_calls", s.windowOutcomes().completed());
    n.put("total_calls", s.totalOutcomes().completed());
    boolean idle = s.windowOutcomes().completed() == 0; // null, not 0: nothing was measured
    number(n, "window_error_rate", idle ? Double.NaN : s.windowOutcomes().errorRatio());
    number(n, "total_error_rate", s.totalOutcomes().completed() == 0 ? Double.NaN
        : s.totalOutcomes().errorRatio());
    number(n, "p50_seconds", idle ? Double.NaN : s.windowLatency().p50Nanos() / 1e9);
    number(n, "p99_seconds", idle ? Double.NaN : s.windowLatency().p99Nanos() / 1e9);
    n.put("in_flight", s.inFlight());
    n.put("window_invalid_inputs", s.windowViolations().invalidInputs());
    n.put("total_invalid_inputs", s.totalViolations().invalidInputs());
    n.put("drift_status", s.windowDrift().worst().name());
    long firing = active.stream()
        .filter(e -> e.model().equals(s.model()) && e.state() == AlertEvent.State.FIRING)
        .count();
    n.put("firing_alerts", firing);
    return n;
  }

  /** The whole snapshot, with sensitive features' moments removed. */
  static JsonNode snapshot(ModelMonitor<?, ?> monitor) {
    ObjectNode tree = MAPPER.valueToTree(monitor.snapshot());
    Set<String> sensitive = new HashSet<>();
    monitor.schema().ifPresent(schema -> {
      for (FeatureSpec f : schema.features()) {
        if (f.sensitive()) {
          sensitive.add(f.name());
        }
      }
    });
    for (String drift : List.of("window_drift", "rolling_drift", "total_drift")) {
      JsonNode report = tree.path(drift);
      maskMoments(report.path("features"), sensitive);
      maskMoments(report.path("skew"), sensitive);
    }
    return finite(tree);
  }

  /** Active alerts and the last {@link #RECENT_ALERTS} events of the history, oldest first. */
  static ObjectNode alerts(List<AlertEvent> active, List<AlertEvent> history) {
    ObjectNode n = MAPPER.createObjectNode();
    n.set("active", finite(MAPPER.valueToTree(active)));
    List<AlertEvent> recent = history.subList(Math.max(0, history.size() - RECENT_ALERTS),
        history.size());
    n.set("recent", finite(MAPPER.valueToTree(recent)));
    return n;
  }

  /**
   * This JVM's resources: heap used, committed and maximum in bytes (maximum {@code null} when
   * undefined), recent process CPU load 0..1 (the reading {@link Signals#processCpuLoad()} shares
   * with alert rules), available processors and uptime in seconds.
   */
  static ObjectNode process() {
    MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
    ObjectNode n = MAPPER.createObjectNode();
    n.put("heap_used_bytes", heap.getUsed());
    n.put("heap_committed_bytes", heap.getCommitted());
    if (heap.getMax() < 0) {
      n.putNull("heap_max_bytes");
    } else {
      n.put("heap_max_bytes", heap.getMax());
    }
    number(n, "process_cpu_load", PROCESS_CPU.value(null)); // a JVM signal: no snapshot read
    n.put("available_processors", Runtime.getRuntime().availableProcessors());
    number(n, "uptime_seconds", ManagementFactory.getRuntimeMXBean().getUptime() / 1e3);
    return n;
  }

  /** An error document: {@code {"error": message}}. */
  static ObjectNode error(String message) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("error", message);
    return n;
  }

  /** Serialises a tree to UTF-8 bytes. */
  static byte[] bytes(JsonNode node) {
    try {
      return MAPPER.writeValueAsBytes(node);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise a JSON tree", e);
    }
  }

  private static void maskMoments(JsonNode entries, Set<String> sensitive) {
    for (JsonNode entry : entries) {
      if (entry instanceof ObjectNode o && sensitive.contains(o.path("feature").asText())) {
        o.putNull("mean");
        o.putNull("std");
        o.put("sensitive", true);
      }
    }
  }

  private static void number(ObjectNode n, String field, double value) {
    if (Double.isFinite(value)) {
      n.put(field, value);
    } else {
      n.putNull(field);
    }
  }

  private static double seconds(Duration d) {
    return d.getSeconds() + d.getNano() / 1e9;
  }

  /** Replaces every non-finite number in the tree, in place, with {@code null}. */
  static JsonNode finite(JsonNode node) {
    if (node instanceof ObjectNode o) {
      List<String> bad = new ArrayList<>();
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        if (nonFinite(e.getValue())) {
          bad.add(e.getKey());
        } else {
          finite(e.getValue());
        }
      }
      bad.forEach(o::putNull);
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        if (nonFinite(a.get(i))) {
          a.set(i, a.nullNode());
        } else {
          finite(a.get(i));
        }
      }
    }
    return node;
  }

  private static boolean nonFinite(JsonNode n) {
    return n.isFloatingPointNumber() && !Double.isFinite(n.doubleValue());
  }

  /** Writes a duration as seconds with nanosecond precision. */
  private static final class SecondsSerializer extends StdSerializer<Duration> {
    private static final long serialVersionUID = 1L;

    SecondsSerializer() {
      super(Duration.class);
    }

    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      gen.writeNumber(seconds(value));
    }
  }

  /** Escapes the characters that matter inside HTML: {@code < > &}. */
  private static final class HtmlSafeEscapes extends CharacterEscapes {
    private static final long serialVersionUID = 1L;
    private final int[] escapes;

    HtmlSafeEscapes() {
      escapes = standardAsciiEscapesForJSON();
      escapes['<'] = ESCAPE_STANDARD;
      escapes['>'] = ESCAPE_STANDARD;
      escapes['&'] = ESCAPE_STANDARD;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return escapes;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return null;
    }
  }
}
