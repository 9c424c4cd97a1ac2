package io.modelmonitor.schema;

import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.Objects;

/**
 * Configures one feature while a schema is built, for example
 * {@code .numeric("price", f -> f.range(0, 100_000).sensitive())}. Each setter validates at once.
 * Options that do not apply to the feature's type fail at {@code build()}.
 */
public final class FeatureOptions {

  final String name;
  FeatureType type;
  boolean required = true;
  boolean nullable;
  boolean sensitive;
  double min = Double.NEGATIVE_INFINITY;
  double max = Double.POSITIVE_INFINITY;
  boolean allowNaN;
  LinkedHashSet<String> vocabulary;
  int dimension;
  double normMin = Double.NaN;
  double normMax = Double.NaN;
  /** Which options the user set, so inference leaves them alone. */
  boolean rangeSet;
  boolean vocabularySet;
  boolean dimensionSet;
  boolean requiredSet;
  boolean nullableSet;
  boolean normSet;

  FeatureOptions(String name, FeatureType type) {
    this.name = name;
    this.type = type;
  }

  /**
   * Sets inclusive bounds (numeric and integer features).
   *
   * @param min lower bound, may be {@code -Infinity}
   * @param max upper bound, may be {@code +Infinity}; at least {@code min}
   * @return this
   * @throws IllegalArgumentException if a bound is NaN or {@code min > max}
   */
  public FeatureOptions range(double min, double max) {
    if (Double.isNaN(min) || Double.isNaN(max) || min > max) {
      throw new IllegalArgumentException("feature '" + name + "': invalid range [" + min + ", "
          + max + "]");
    }
    this.min = min;
    this.max = max;
    this.rangeSet = true;
    return this;
  }

  /**
   * Accepts NaN as a valid value (numeric features; for example when NaN encodes "unknown").
   * Infinities stay violations.
   *
   * @return this
   */
  public FeatureOptions allowNaN() {
    this.allowNaN = true;
    return this;
  }

  /**
   * Makes the feature optional: its absence is not a violation. Features are required by
   * default.
   *
   * @return this
   */
  public FeatureOptions optional() {
    this.required = false;
    this.requiredSet = true;
    return this;
  }

  /**
   * Accepts null values. Features are not nullable by default.
   *
   * @return this
   */
  public FeatureOptions nullable() {
    this.nullable = true;
    this.nullableSet = true;
    return this;
  }

  /**
   * Marks the feature sensitive: its values are masked in log lines and exception messages.
   *
   * @return this
   */
  public FeatureOptions sensitive() {
    this.sensitive = true;
    return this;
  }

  /**
   * Restricts a categorical feature to known categories; others are
   * {@link ViolationKind#UNSEEN_CATEGORY}. Integral ids are matched by their decimal form.
   *
   * @param categories the categories
   * @return this
   */
  public FeatureOptions vocabulary(String... categories) {
    return vocabulary(Arrays.asList(Objects.requireNonNull(categories, "categories")));
  }

  /**
   * Restricts a categorical feature to known categories.
   *
   * @param categories the categories; not null, no null elements
   * @return this
   */
  public FeatureOptions vocabulary(Collection<String> categories) {
    Objects.requireNonNull(categories, "categories");
    LinkedHashSet<String> copy = new LinkedHashSet<>();
    for (String c : categories) {
      copy.add(Objects.requireNonNull(c, "feature '" + name + "': null category"));
    }
    this.vocabulary = copy;
    this.vocabularySet = true;
    return this;
  }

  /**
   * Sets the exact length of a vector feature.
   *
   * @param dimension at least 1
   * @return this
   * @throws IllegalArgumentException if below 1
   */
  public FeatureOptions dimension(int dimension) {
    if (dimension < 1) {
      throw new IllegalArgumentException("feature '" + name + "': dimension must be >= 1: "
          + dimension);
    }
    this.dimension = dimension;
    this.dimensionSet = true;
    return this;
  }

  /**
   * Sets inclusive bounds on the L2 norm of a vector feature, for example to catch
   * unnormalised embeddings.
   *
   * @param min lower bound, at least 0
   * @param max upper bound, at least {@code min}
   * @return this
   * @throws IllegalArgumentException if the range is invalid
   */
  public FeatureOptions normRange(double min, double max) {
    if (!(min >= 0) || !(max >= min)) {
      throw new IllegalArgumentException("feature '" + name + "': invalid norm range [" + min
          + ", " + max + "]");
    }
    this.normMin = min;
    this.normMax = max;
    this.normSet = true;
    return this;
  }

  FeatureSpec toSpec(int maxVocabulary) {
    boolean numeric = type == FeatureType.NUMERIC || type == FeatureType.INTEGER;
    if (rangeSet && !numeric) {
      throw new IllegalArgumentException("feature '" + name + "': range applies to numeric and "
          + "integer features, not " + type.jsonName());
    }
    if (allowNaN && type != FeatureType.NUMERIC) {
      throw new IllegalArgumentException("feature '" + name + "': allowNaN applies to numeric "
          + "features, not " + type.jsonName());
    }
    if (vocabularySet && type != FeatureType.CATEGORICAL) {
      throw new IllegalArgumentException("feature '" + name + "': vocabulary applies to "
          + "categorical features, not " + type.jsonName());
    }
    if ((dimensionSet || normSet) && type != FeatureType.VECTOR) {
      throw new IllegalArgumentException("feature '" + name + "': dimension and norm range "
          + "apply to vector features, not " + type.jsonName());
    }
    if (vocabulary != null && vocabulary.size() > maxVocabulary) {
      throw new IllegalArgumentException("feature '" + name + "': vocabulary of "
          + vocabulary.size() + " categories exceeds maxVocabulary " + maxVocabulary);
    }
    return new FeatureSpec(name, type, required, nullable, sensitive, min, max, allowNaN,
        vocabulary == null ? java.util.List.of() : java.util.List.copyOf(vocabulary), dimension,
        normMin, normMax);
  }

  static FeatureOptions of(FeatureSpec spec) {
    FeatureOptions o = new FeatureOptions(spec.name(), spec.type());
    o.required = spec.required();
    o.nullable = spec.nullable();
    o.sensitive = spec.sensitive();
    o.min = spec.min();
    o.max = spec.max();
    o.allowNaN = spec.allowNaN();
    o.vocabulary = spec.hasVocabulary() ? new LinkedHashSet<>(spec.vocabulary()) : null;
    o.dimension = spec.dimension();
    o.normMin = spec.normMin();
    o.normMax = spec.normMax();
    o.rangeSet = Double.isFinite(spec.min()) || Double.isFinite(spec.max());
    o.vocabularySet = spec.hasVocabulary();
    o.dimensionSet = spec.dimension() > 0;
    o.normSet = spec.hasNormRange();
    return o;
  }
}
