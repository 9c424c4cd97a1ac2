package io.modelmonitor.schema;

/** The value type of a feature, as the model was trained on it. */
public enum FeatureType {
  /** A real number ({@code double}); may carry bounds and allow NaN. */
  NUMERIC,
  /** A whole number ({@code long}); may carry bounds. */
  INTEGER,
  /** {@code true} or {@code false} (in arrays: 0 or 1). */
  BOOLEAN,
  /** A category: a string, an enum constant or an integral id; may carry a vocabulary. */
  CATEGORICAL,
  /** A dense vector such as an embedding ({@code float[]}, {@code double[]}, a list of numbers). */
  VECTOR;

  /**
   * Returns the lowercase name used in JSON files.
   *
   * @return for example {@code numeric}
   */
  public String jsonName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
