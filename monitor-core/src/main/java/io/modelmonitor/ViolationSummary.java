package io.modelmonitor;

import io.modelmonitor.schema.ViolationKind;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Input-schema violations over one window or since start.
 *
 * <p>Each count is a number of inputs: an input whose {@code price} is out of range adds 1 to
 * ({@code price}, {@code OUT_OF_RANGE}); an input with any number of unexpected features adds 1
 * to ({@code _unexpected}, {@code UNEXPECTED}).
 *
 * @param invalidInputs inputs with at least one violation
 * @param byFeature counts by feature name (a schema feature, {@code _unexpected} or
 *     {@code _input}) and kind; only non-zero counts, unmodifiable, in schema order
 */
public record ViolationSummary(long invalidInputs,
    Map<String, Map<ViolationKind, Long>> byFeature) {

  /** No violations. */
  public static final ViolationSummary EMPTY = new ViolationSummary(0, Map.of());

  /**
   * Creates the record after validating and copying its components.
   *
   * @param invalidInputs see {@link #invalidInputs()}
   * @param byFeature see {@link #byFeature()}
   * @throws IllegalArgumentException if {@code invalidInputs} is negative
   */
  public ViolationSummary {
    if (invalidInputs < 0) {
      throw new IllegalArgumentException("invalidInputs must be >= 0: " + invalidInputs);
    }
    Map<String, Map<ViolationKind, Long>> copy = new LinkedHashMap<>();
    for (Map.Entry<String, Map<ViolationKind, Long>> e
        : Objects.requireNonNull(byFeature, "byFeature").entrySet()) {
      copy.put(e.getKey(), Collections.unmodifiableMap(new EnumMap<>(e.getValue().isEmpty()
          ? new EnumMap<>(ViolationKind.class) : e.getValue())));
    }
    byFeature = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns the count of one feature and kind.
   *
   * @param feature the feature name
   * @param kind the kind
   * @return the count, 0 when none
   */
  public long count(String feature, ViolationKind kind) {
    Map<ViolationKind, Long> kinds = byFeature.get(feature);
    return kinds == null ? 0 : kinds.getOrDefault(kind, 0L);
  }

  /**
   * Returns the sum of all counts (an input with two violated features counts twice).
   *
   * @return the total
   */
  public long total() {
    long sum = 0;
    for (Map<ViolationKind, Long> kinds : byFeature.values()) {
      for (long c : kinds.values()) {
        sum += c;
      }
    }
    return sum;
  }
}
