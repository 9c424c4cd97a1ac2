package io.modelmonitor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Static facts about a model, set once when its monitor is created: where it came from, what
 * loading it cost. Every {@link ModelSnapshot} carries them (so the JSON API shows them), and a
 * monitor bound to a meter registry exports them:
 *
 * <ul>
 *   <li>{@link #labels()} as the tags of one gauge {@link MetricNames#INFO} of value 1 (the
 *       Prometheus {@code _info} idiom: {@code model_info{model="ctr",producer="pytorch"} 1}),
 *       so they can be joined onto any other series of the model. Each label has one value per
 *       model, so the set stays closed;
 *   <li>{@link #attributes()} only in snapshots: free text or values from an unbounded set (an
 *       ONNX model's custom metadata) that must never become tags;
 *   <li>{@link #measurements()} as one gauge each, with base units (bytes, seconds).
 * </ul>
 *
 * <pre>{@code
 * ModelInfo info = ModelInfo.builder()
 *     .label("producer", "pytorch")
 *     .attribute("training_run", "2024-06-01T12:00")
 *     .measurement(MetricNames.ONNX_SIZE, "bytes", "Size of the model", 1.2e6)
 *     .build();
 * registry.monitorBuilder("ctr", "v3").info(info).build();
 * }</pre>
 *
 * @param labels exported as tags of {@link MetricNames#INFO}, in insertion order; unmodifiable
 * @param attributes snapshot-only facts, in insertion order; unmodifiable
 * @param measurements static numeric facts exported as gauges; unmodifiable
 */
public record ModelInfo(Map<String, String> labels, Map<String, String> attributes,
    List<ModelInfo.Measurement> measurements) {

  /** No facts: what a monitor created without {@code info} carries. */
  public static final ModelInfo EMPTY = new ModelInfo(Map.of(), Map.of(), List.of());

  private static final Pattern KEY = Pattern.compile("[a-z][a-z0-9_]{0,63}");
  private static final Pattern METER = Pattern.compile("model(\\.[a-z0-9_]+)+");
  private static final int MAX_VALUE_LENGTH = 256;

  /**
   * Creates the record after validating and copying its components.
   *
   * @param labels see {@link #labels()}
   * @param attributes see {@link #attributes()}
   * @param measurements see {@link #measurements()}
   * @throws IllegalArgumentException if a label key is not {@code [a-z][a-z0-9_]*} (at most 64
   *     characters) or is reserved ({@code model}, {@code version}), a label value is blank or
   *     longer than 256 characters, or two measurements share name and tags
   */
  public ModelInfo {
    labels = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(labels, "labels")));
    attributes = Collections.unmodifiableMap(new LinkedHashMap<>(
        Objects.requireNonNull(attributes, "attributes")));
    measurements = List.copyOf(Objects.requireNonNull(measurements, "measurements"));
    labels.forEach((k, v) -> {
      checkTag("label", k, v);
    });
    attributes.forEach((k, v) -> {
      if (k == null || k.isBlank() || v == null) {
        throw new IllegalArgumentException("attribute keys must not be blank and values not "
            + "null: '" + k + "'='" + v + "'");
      }
    });
    List<String> seen = new ArrayList<>();
    for (Measurement m : measurements) {
      String id = m.name() + m.tags();
      if (seen.contains(id)) {
        throw new IllegalArgumentException("measurement " + id + " given twice");
      }
      seen.add(id);
    }
  }

  private static void checkTag(String what, String key, String value) {
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(what + " key must match [a-z][a-z0-9_]{0,63}: '" + key
          + "'");
    }
    if (key.equals(MetricNames.TAG_MODEL) || key.equals(MetricNames.TAG_VERSION)) {
      throw new IllegalArgumentException(what + " key '" + key + "' is reserved");
    }
    if (value == null || value.isBlank() || value.length() > MAX_VALUE_LENGTH) {
      throw new IllegalArgumentException(what + " '" + key + "' needs a non-blank value of at "
          + "most " + MAX_VALUE_LENGTH + " characters: '" + value + "'");
    }
  }

  /**
   * Returns the value of the first measurement of that name whose tags contain {@code tags}.
   *
   * @param name the meter name, such as {@link MetricNames#ONNX_SIZE}
   * @param tags alternating tag keys and values the measurement must carry
   * @return the value, or NaN when there is no such measurement
   */
  public double measurement(String name, String... tags) {
    for (Measurement m : measurements) {
      if (!m.name().equals(name)) {
        continue;
      }
      boolean all = true;
      for (int i = 0; i + 1 < tags.length; i += 2) {
        all &= tags[i + 1].equals(m.tags().get(tags[i]));
      }
      if (all) {
        return m.value();
      }
    }
    return Double.NaN;
  }

  /**
   * Returns a builder.
   *
   * @return a new, empty builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * One static numeric fact, exported as a gauge named {@code name} with the model's tags plus
   * {@code tags}.
   *
   * @param name the meter name in dot notation, starting with {@code model.}; keep it in
   *     {@link MetricNames}
   * @param tags extra tags, values from a closed set (usually one fixed value)
   * @param value the value; NaN when it could not be measured (the JSON API shows null)
   * @param baseUnit the base unit ({@code bytes}, {@code seconds}), or null for a plain number
   * @param description the help text
   */
  public record Measurement(String name, Map<String, String> tags, double value,
      String baseUnit, String description) {

    /**
     * Creates the record after validating its components.
     *
     * @param name see {@link #name()}
     * @param tags see {@link #tags()}
     * @param value see {@link #value()}
     * @param baseUnit see {@link #baseUnit()}
     * @param description see {@link #description()}
     * @throws IllegalArgumentException if the name is not lowercase dot notation under
     *     {@code model.}, is {@link MetricNames#INFO}, or a tag is invalid (as a label)
     */
    public Measurement {
      Objects.requireNonNull(name, "name");
      Objects.requireNonNull(description, "description");
      if (!METER.matcher(name).matches() || name.equals(MetricNames.INFO)) {
        throw new IllegalArgumentException("measurement name must be lowercase dot notation "
            + "under 'model.' and not " + MetricNames.INFO + ": '" + name + "'");
      }
      tags = Collections.unmodifiableMap(new LinkedHashMap<>(
          Objects.requireNonNull(tags, "tags")));
      tags.forEach((k, v) -> checkTag("measurement tag", k, v));
    }
  }

  /** Builds a {@link ModelInfo}. Not thread-safe; each method validates at once. */
  public static final class Builder {

    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, String> attributes = new LinkedHashMap<>();
    private final List<Measurement> measurements = new ArrayList<>();

    private Builder() {}

    /**
     * Adds a label: a tag of {@link MetricNames#INFO} and an entry of the snapshot's labels.
     *
     * @param key {@code [a-z][a-z0-9_]*}, at most 64 characters, not {@code model} or
     *     {@code version}
     * @param value not blank, at most 256 characters
     * @return this builder
     * @throws IllegalArgumentException if invalid
     */
    public Builder label(String key, String value) {
      checkTag("label", key, value);
      labels.put(key, value);
      return this;
    }

    /**
     * Adds a snapshot-only fact (never a tag).
     *
     * @param key not blank
     * @param value not null
     * @return this builder
     * @throws IllegalArgumentException if the key is blank
     */
    public Builder attribute(String key, String value) {
      if (key == null || key.isBlank()) {
        throw new IllegalArgumentException("attribute key must not be blank: '" + key + "'");
      }
      attributes.put(key, Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Adds a measurement.
     *
     * @param name the meter name (see {@link Measurement#name()})
     * @param baseUnit the base unit, or null
     * @param description the help text
     * @param value the value, NaN when unknown
     * @param tags alternating extra tag keys and values
     * @return this builder
     * @throws IllegalArgumentException if invalid or {@code tags} has an odd length
     */
    public Builder measurement(String name, String baseUnit, String description, double value,
        String... tags) {
      if (tags.length % 2 != 0) {
        throw new IllegalArgumentException("tags must alternate keys and values: "
            + java.util.Arrays.toString(tags));
      }
      Map<String, String> t = new LinkedHashMap<>();
      for (int i = 0; i < tags.length; i += 2) {
        t.put(tags[i], tags[i + 1]);
      }
      measurements.add(new Measurement(name, t, value, baseUnit, description));
      return this;
    }

    /**
     * Builds the immutable info.
     *
     * @return the info
     * @throws IllegalArgumentException if two measurements share name and tags
     */
    public ModelInfo build() {
      return new ModelInfo(labels, attributes, measurements);
    }
  }
}
