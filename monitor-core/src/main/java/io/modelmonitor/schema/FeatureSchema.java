package io.modelmonitor.schema;

import java.io.IOException;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToDoubleFunction;
import java.util.function.ToLongFunction;

/**
 * The features a model was trained on, checked against every input: presence, type, nulls,
 * NaN/infinite values, bounds, vocabularies and vector dimensions.
 *
 * <p>Declare one for the shape your inputs have:
 * <pre>{@code
 * FeatureSchema<Map<String, ?>> schema = FeatureSchema.forMap()
 *     .numeric("price", f -> f.range(0, 100_000))
 *     .categorical("category", f -> f.vocabulary("shoes", "bags", "watches"))
 *     .vector("user_embedding", f -> f.dimension(64))
 *     .build();
 * }</pre>
 * or infer one from training samples ({@link #infer(Collection)},
 * {@link Builder#inferFrom(Collection)}), save it next to the model ({@link #write(Path)}) and
 * load it in the service ({@link #read(Path, InputShape)}).
 *
 * <p>Immutable and thread-safe. {@link #check(Object, ViolationListener)} allocates nothing;
 * {@link #validate(Object)} describes the violations for humans.
 *
 * @param <I> the input type
 */
public final class FeatureSchema<I> {

  /** Name under which all features the schema does not know are counted. */
  public static final String UNEXPECTED = "_unexpected";

  /** Name under which problems of the input as a whole (null, wrong type) are counted. */
  public static final String INPUT = "_input";

  /** The most unexpected feature names a description lists. */
  static final int MAX_LISTED_UNEXPECTED = 10;

  private final InputShape<I> shape;
  private final List<FeatureSpec> features;
  private final List<String> ignored;
  private final Checker checker;
  private final Map<String, Integer> indexByName;

  private FeatureSchema(InputShape<I> shape, List<FeatureSpec> features, List<String> ignored,
      Checker checker) {
    this.shape = shape;
    this.features = List.copyOf(features);
    this.ignored = List.copyOf(ignored);
    this.checker = checker;
    Map<String, Integer> index = new HashMap<>();
    for (int i = 0; i < features.size(); i++) {
      index.put(features.get(i).name(), i);
    }
    this.indexByName = Map.copyOf(index);
  }

  // ------------------------------------------------------------------ builders

  /**
   * Starts a schema for feature maps ({@code Map<String, ?>}, as JSON requests arrive).
   * Numbers may be any {@link Number}; categories strings, enums or integral ids; vectors
   * {@code float[]}, {@code double[]} or lists of numbers.
   *
   * @return a builder with no features
   */
  public static Builder<Map<String, ?>> forMap() {
    return new Builder<>(InputShape.MAP);
  }

  /**
   * Starts a schema for positional {@code float[]} inputs: position {@code i} holds feature
   * {@code names[i]}, declared numeric; re-declare a name to change its type or options.
   *
   * @param names the feature names in position order
   * @return a builder
   */
  public static Builder<float[]> forFloatArray(String... names) {
    return new Builder<>(InputShape.FLOAT_ARRAY).positions(names);
  }

  /**
   * Starts a schema for positional {@code double[]} inputs.
   *
   * @param names the feature names in position order
   * @return a builder
   * @see #forFloatArray(String...)
   */
  public static Builder<double[]> forDoubleArray(String... names) {
    return new Builder<>(InputShape.DOUBLE_ARRAY).positions(names);
  }

  /**
   * Starts a schema for a record type: every component of a supported type becomes a feature
   * (primitive and boxed numbers, booleans, strings and enums as categories, {@code float[]},
   * {@code double[]} and {@code List<? extends Number>} as vectors). Accessors are looked up
   * once here; checking reads them through method handles, never by reflection.
   *
   * @param recordType the record class
   * @param <R> the record type
   * @return a builder with one feature per supported component
   */
  public static <R extends Record> Builder<R> forRecord(Class<R> recordType) {
    return new Builder<>(InputShape.record(recordType)).components();
  }

  /**
   * Starts a schema for any type whose features are read by extractor functions, declared with
   * the extractor forms such as {@link Builder#numeric(String, ToDoubleFunction, Consumer)}.
   *
   * @param type the input class
   * @param <T> the input type
   * @return a builder with no features
   */
  public static <T> Builder<T> forType(Class<T> type) {
    return new Builder<>(InputShape.custom(type));
  }

  /**
   * Infers a feature-map schema from training samples with the default margin (10% of each
   * numeric range on both sides) and vocabulary cap (1,000 categories).
   *
   * @param samples training inputs; not empty
   * @return the inferred schema
   * @see Builder#inferFrom(Collection)
   */
  public static FeatureSchema<Map<String, ?>> infer(Collection<? extends Map<String, ?>> samples) {
    return forMap().inferFrom(samples).build();
  }

  // ------------------------------------------------------------------ reading

  /**
   * Returns the input shape.
   *
   * @return the shape
   */
  public InputShape<I> shape() {
    return shape;
  }

  /**
   * Returns the features in declaration (for arrays: position) order.
   *
   * @return an unmodifiable list
   */
  public List<FeatureSpec> features() {
    return features;
  }

  /**
   * Returns the feature called {@code name}.
   *
   * @param name the feature name
   * @return the feature, or empty
   */
  public Optional<FeatureSpec> feature(String name) {
    Integer i = indexByName.get(name);
    return i == null ? Optional.empty() : Optional.of(features.get(i));
  }

  /**
   * Returns the names a feature map may carry without being checked or counted as unexpected.
   *
   * @return an unmodifiable list, empty for other shapes
   */
  public List<String> ignored() {
    return ignored;
  }

  /**
   * Returns the index under which unexpected features are reported: {@code features().size()}.
   *
   * @return the index
   */
  public int unexpectedIndex() {
    return features.size();
  }

  /**
   * Returns the index under which whole-input problems are reported: {@code features().size()+1}.
   *
   * @return the index
   */
  public int inputIndex() {
    return features.size() + 1;
  }

  /**
   * Returns the name of a reported index: a feature name, {@link #UNEXPECTED} or {@link #INPUT}.
   *
   * @param index a feature index, {@link #unexpectedIndex()} or {@link #inputIndex()}
   * @return the name
   * @throws IndexOutOfBoundsException if out of range
   */
  public String nameOf(int index) {
    if (index == features.size()) {
      return UNEXPECTED;
    }
    if (index == features.size() + 1) {
      return INPUT;
    }
    return features.get(index).name();
  }

  /**
   * Returns the kinds of violation the feature (or pseudo-feature) at {@code index} can produce
   * under this schema, so exporters can create exactly the counters that may move.
   *
   * @param index a feature index, {@link #unexpectedIndex()} or {@link #inputIndex()}
   * @return an unmodifiable set, possibly empty
   * @throws IndexOutOfBoundsException if out of range
   */
  public Set<ViolationKind> possibleViolations(int index) {
    java.util.EnumSet<ViolationKind> kinds = java.util.EnumSet.noneOf(ViolationKind.class);
    InputShape.Kind k = shape.kind();
    boolean array = k == InputShape.Kind.FLOAT_ARRAY || k == InputShape.Kind.DOUBLE_ARRAY;
    if (index == unexpectedIndex()) {
      if (k == InputShape.Kind.MAP || array) {
        kinds.add(ViolationKind.UNEXPECTED);
      }
      return java.util.Collections.unmodifiableSet(kinds);
    }
    if (index == inputIndex()) {
      kinds.add(ViolationKind.NULL);
      kinds.add(ViolationKind.TYPE_MISMATCH);
      return java.util.Collections.unmodifiableSet(kinds);
    }
    FeatureSpec f = features.get(index);
    if (f.required() && k != InputShape.Kind.RECORD) {
      kinds.add(ViolationKind.MISSING);
    }
    if (!f.nullable() && !array) {
      kinds.add(ViolationKind.NULL);
    }
    if (!(array && f.type() == FeatureType.NUMERIC)) {
      kinds.add(ViolationKind.TYPE_MISMATCH);
    }
    switch (f.type()) {
      case NUMERIC:
        kinds.add(ViolationKind.NAN_OR_INFINITE);
        kinds.add(ViolationKind.OUT_OF_RANGE);
        break;
      case INTEGER:
        kinds.add(ViolationKind.OUT_OF_RANGE);
        break;
      case CATEGORICAL:
        if (f.hasVocabulary()) {
          kinds.add(ViolationKind.UNSEEN_CATEGORY);
        }
        break;
      case VECTOR:
        kinds.add(ViolationKind.NAN_OR_INFINITE);
        if (f.hasNormRange()) {
          kinds.add(ViolationKind.OUT_OF_RANGE);
        }
        if (f.dimension() > 0) {
          kinds.add(ViolationKind.DIMENSION_MISMATCH);
        }
        break;
      default:
        break;
    }
    return java.util.Collections.unmodifiableSet(kinds);
  }

  // ------------------------------------------------------------------ checking

  /**
   * Checks {@code input} and reports each violation to {@code listener}. Allocates nothing and
   * never throws for any input, null and hostile ones included; its work is bounded by the
   * schema's size, plus one pass over each vector feature.
   *
   * @param input the input, possibly null
   * @param listener receives the violations; may be called several times
   * @return the number of violations reported, 0 for a valid input
   */
  public int check(I input, ViolationListener listener) {
    return checker.check(input, listener);
  }

  /**
   * Returns the violations of {@code input}, described for humans; values of sensitive features
   * are masked.
   *
   * @param input the input, possibly null
   * @return the violations, empty for a valid input
   */
  public List<Violation> validate(I input) {
    ViolationDescriber describer = new ViolationDescriber(this, input);
    checker.check(input, describer);
    return describer.violations();
  }

  /**
   * Passes the value of every feature of {@code input} to {@code visitor}, in feature order,
   * without allocating; values are passed whether valid or not (see {@link FeatureVisitor}). A
   * null input or one of the wrong type has every feature missing.
   *
   * @param input the input, possibly null
   * @param visitor receives one call per feature
   */
  public void visit(I input, FeatureVisitor visitor) {
    checker.visit(input, visitor);
  }

  Checker checker() {
    return checker;
  }

  // ------------------------------------------------------------------ files

  /**
   * Returns the schema as a JSON document (format {@code modelmonitor-feature-schema},
   * version 1; see {@code docs/feature-schema.md}).
   *
   * @return pretty-printed JSON
   * @throws UnsupportedOperationException for custom shapes, whose extractors are code
   */
  public String toJson() {
    return SchemaJson.write(this);
  }

  /**
   * Writes {@link #toJson()} to {@code file}.
   *
   * @param file the file to create or replace
   * @throws IOException if the file cannot be written
   */
  public void write(Path file) throws IOException {
    java.nio.file.Files.writeString(file, toJson());
  }

  /**
   * Reads a schema file written by {@link #write(Path)}.
   *
   * @param file the schema file
   * @param shape the shape of the inputs it will check; must match the file's
   * @param <I> the input type
   * @return the schema
   * @throws IOException if the file cannot be read
   * @throws SchemaFormatException if the file is malformed or incompatible with {@code shape};
   *     the message names the file, the field and what was expected
   */
  public static <I> FeatureSchema<I> read(Path file, InputShape<I> shape) throws IOException {
    return SchemaJson.read(java.nio.file.Files.readString(file), file.toString(), shape);
  }

  /**
   * Parses a schema document.
   *
   * @param json the document
   * @param shape the shape of the inputs it will check
   * @param <I> the input type
   * @return the schema
   * @throws SchemaFormatException if the document is malformed or incompatible with
   *     {@code shape}
   */
  public static <I> FeatureSchema<I> fromJson(String json, InputShape<I> shape)
      throws SchemaFormatException {
    return SchemaJson.read(json, "<json>", shape);
  }

  /**
   * Compares shape, features and ignored names; extractor code is not compared.
   *
   * @param o the other object
   * @return whether both schemas check the same things
   */
  @Override
  public boolean equals(Object o) {
    return o instanceof FeatureSchema && ((FeatureSchema<?>) o).shape.equals(shape)
        && ((FeatureSchema<?>) o).features.equals(features)
        && ((FeatureSchema<?>) o).ignored.equals(ignored);
  }

  @Override
  public int hashCode() {
    return Objects.hash(shape, features, ignored);
  }

  @Override
  public String toString() {
    return "FeatureSchema{" + shape + ", " + features.size() + " features}";
  }

  /**
   * Builds a {@link FeatureSchema}. Declaring a feature that exists replaces its declaration.
   * Not thread-safe.
   *
   * @param <I> the input type
   */
  public static final class Builder<I> {

    private final InputShape<I> shape;
    private final LinkedHashMap<String, FeatureOptions> drafts = new LinkedHashMap<>();
    private final Map<String, Object> extractors = new HashMap<>();
    private final Map<String, RecordComponent> components = new LinkedHashMap<>();
    private final LinkedHashSet<String> ignored = new LinkedHashSet<>();
    private double rangeMargin = 0.1;
    private int maxVocabulary = 1_000;

    Builder(InputShape<I> shape) {
      this.shape = shape;
    }

    InputShape<I> shape() {
      return shape;
    }

    LinkedHashMap<String, FeatureOptions> drafts() {
      return drafts;
    }

    Map<String, Object> extractors() {
      return extractors;
    }

    Map<String, RecordComponent> recordComponents() {
      return components;
    }

    Set<String> ignoredNames() {
      return ignored;
    }

    double margin() {
      return rangeMargin;
    }

    int vocabularyCap() {
      return maxVocabulary;
    }

    private Builder<I> positions(String... names) {
      Objects.requireNonNull(names, "names");
      for (String name : names) {
        checkName(name);
        if (drafts.put(name, new FeatureOptions(name, FeatureType.NUMERIC)) != null) {
          throw new IllegalArgumentException("duplicate feature name '" + name + "'");
        }
      }
      return this;
    }

    private Builder<I> components() {
      for (RecordComponent c : shape.type().getRecordComponents()) {
        FeatureType type = typeOf(c);
        if (type != null) {
          components.put(c.getName(), c);
          drafts.put(c.getName(), new FeatureOptions(c.getName(), type));
        }
      }
      return this;
    }

    /** The default feature type of a record component, or null if it cannot be a feature. */
    static FeatureType typeOf(RecordComponent c) {
      Class<?> t = c.getType();
      if (t == double.class || t == float.class || t == Double.class || t == Float.class
          || t == java.math.BigDecimal.class) {
        return FeatureType.NUMERIC;
      }
      if (t == long.class || t == int.class || t == short.class || t == byte.class
          || t == Long.class || t == Integer.class || t == Short.class || t == Byte.class) {
        return FeatureType.INTEGER;
      }
      if (t == boolean.class || t == Boolean.class) {
        return FeatureType.BOOLEAN;
      }
      if (t == String.class || t.isEnum()) {
        return FeatureType.CATEGORICAL;
      }
      if (t == float[].class || t == double[].class) {
        return FeatureType.VECTOR;
      }
      if (List.class.isAssignableFrom(t)) {
        Type g = c.getGenericType();
        if (g instanceof ParameterizedType) {
          Type arg = ((ParameterizedType) g).getActualTypeArguments()[0];
          if (arg instanceof java.lang.reflect.WildcardType) { // List<? extends Number>
            arg = ((java.lang.reflect.WildcardType) arg).getUpperBounds()[0];
          }
          if (arg instanceof Class && Number.class.isAssignableFrom((Class<?>) arg)) {
            return FeatureType.VECTOR;
          }
        }
      }
      return null;
    }

    static void checkName(String name) {
      Objects.requireNonNull(name, "feature name");
      if (name.isBlank() || name.startsWith("_")) {
        throw new IllegalArgumentException("feature names must not be blank or start with '_' "
            + "(reserved for " + UNEXPECTED + " and " + INPUT + "): '" + name + "'");
      }
    }

    private Builder<I> declare(String name, FeatureType type, Consumer<FeatureOptions> options,
        Object extractor) {
      checkName(name);
      Objects.requireNonNull(options, "options");
      switch (shape.kind()) {
        case CUSTOM:
          if (extractor == null) {
            throw new IllegalArgumentException("feature '" + name + "': a schema for "
                + shape.type().getName() + " reads features through extractors; use the form "
                + "with an extractor");
          }
          extractors.put(name, extractor);
          break;
        case FLOAT_ARRAY:
        case DOUBLE_ARRAY:
          requireNoExtractor(name, extractor);
          if (!drafts.containsKey(name)) {
            throw new IllegalArgumentException("array schema has no feature '" + name
                + "'; its positions are " + drafts.keySet());
          }
          if (type == FeatureType.VECTOR) {
            throw new IllegalArgumentException("feature '" + name + "': array positions hold "
                + "scalars; use a map, a record or a custom type for vector features");
          }
          break;
        case RECORD:
          requireNoExtractor(name, extractor);
          RecordComponent c = components.get(name);
          if (c == null) {
            throw new IllegalArgumentException("record " + shape.type().getSimpleName()
                + " has no supported component '" + name + "'; features are "
                + components.keySet());
          }
          if (!compatible(typeOf(c), type)) {
            throw new IllegalArgumentException("feature '" + name + "': component of type "
                + c.getType().getSimpleName() + " cannot be " + type.jsonName());
          }
          break;
        default:
          requireNoExtractor(name, extractor);
      }
      ignored.remove(name);
      FeatureOptions o = new FeatureOptions(name, type);
      options.accept(o);
      drafts.put(name, o);
      return this;
    }

    private void requireNoExtractor(String name, Object extractor) {
      if (extractor != null) {
        throw new IllegalArgumentException("feature '" + name + "': " + shape + " inputs are "
            + "read by name or position; extractors apply to schemas built with forType()");
      }
    }

    private static boolean compatible(FeatureType componentType, FeatureType declared) {
      return componentType == declared
          || (componentType == FeatureType.INTEGER && declared == FeatureType.CATEGORICAL);
    }

    /**
     * Declares a real-valued feature.
     *
     * @param name the feature name
     * @param options configures bounds, NaN, optionality, sensitivity
     * @return this builder
     */
    public Builder<I> numeric(String name, Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.NUMERIC, options, null);
    }

    /**
     * Declares a real-valued feature with default options (required, unbounded, no NaN).
     *
     * @param name the feature name
     * @return this builder
     */
    public Builder<I> numeric(String name) {
      return numeric(name, f -> { });
    }

    /**
     * Declares a whole-number feature.
     *
     * @param name the feature name
     * @param options configures bounds, optionality, sensitivity
     * @return this builder
     */
    public Builder<I> integer(String name, Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.INTEGER, options, null);
    }

    /**
     * Declares a boolean feature.
     *
     * @param name the feature name
     * @param options configures optionality, sensitivity
     * @return this builder
     */
    public Builder<I> bool(String name, Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.BOOLEAN, options, null);
    }

    /**
     * Declares a categorical feature.
     *
     * @param name the feature name
     * @param options configures the vocabulary, optionality, sensitivity
     * @return this builder
     */
    public Builder<I> categorical(String name, Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.CATEGORICAL, options, null);
    }

    /**
     * Declares a vector (embedding) feature.
     *
     * @param name the feature name
     * @param options configures dimension, norm range, optionality
     * @return this builder
     */
    public Builder<I> vector(String name, Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.VECTOR, options, null);
    }

    /**
     * Declares a real-valued feature read by {@code extractor} (schemas built with
     * {@link #forType(Class)}). The extractor returns a primitive: no boxing per call.
     *
     * @param name the feature name
     * @param extractor reads the value
     * @param options configures bounds, NaN, sensitivity
     * @return this builder
     */
    public Builder<I> numeric(String name, ToDoubleFunction<? super I> extractor,
        Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.NUMERIC, options, Objects.requireNonNull(extractor,
          "extractor"));
    }

    /**
     * Declares a whole-number feature read by {@code extractor}.
     *
     * @param name the feature name
     * @param extractor reads the value
     * @param options configures bounds, sensitivity
     * @return this builder
     */
    public Builder<I> integer(String name, ToLongFunction<? super I> extractor,
        Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.INTEGER, options, Objects.requireNonNull(extractor,
          "extractor"));
    }

    /**
     * Declares a boolean feature read by {@code extractor}.
     *
     * @param name the feature name
     * @param extractor reads the value
     * @param options configures sensitivity
     * @return this builder
     */
    public Builder<I> bool(String name, Predicate<? super I> extractor,
        Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.BOOLEAN, options, Objects.requireNonNull(extractor,
          "extractor"));
    }

    /**
     * Declares a categorical feature read by {@code extractor}, which returns a string, an enum
     * constant, an integral id, or null when the feature is absent.
     *
     * @param name the feature name
     * @param extractor reads the category
     * @param options configures the vocabulary, optionality, sensitivity
     * @return this builder
     */
    public Builder<I> categorical(String name, Function<? super I, ?> extractor,
        Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.CATEGORICAL, options, Objects.requireNonNull(extractor,
          "extractor"));
    }

    /**
     * Declares a vector feature read by {@code extractor}, which returns a {@code float[]}, a
     * {@code double[]}, a list of numbers, or null when the feature is absent.
     *
     * @param name the feature name
     * @param extractor reads the vector
     * @param options configures dimension, norm range, optionality
     * @return this builder
     */
    public Builder<I> vector(String name, Function<? super I, ?> extractor,
        Consumer<FeatureOptions> options) {
      return declare(name, FeatureType.VECTOR, options, Objects.requireNonNull(extractor,
          "extractor"));
    }

    /**
     * Declares a feature exactly as {@code spec} describes it (type, presence, bounds,
     * vocabulary, dimension, sensitivity), replacing an earlier declaration of that name; for
     * copying and refining the features of another schema, such as one read from a file.
     * Extractor schemas ({@link FeatureSchema#forType}) need the forms with an extractor.
     *
     * @param spec the feature
     * @return this builder
     * @throws IllegalArgumentException as the typed declarations, when the name or type does
     *     not fit this builder's input shape
     */
    public Builder<I> feature(FeatureSpec spec) {
      Objects.requireNonNull(spec, "spec");
      declare(spec.name(), spec.type(), o -> { }, null);
      FeatureOptions o = FeatureOptions.of(spec);
      o.requiredSet = true;
      o.nullableSet = true;
      drafts.put(spec.name(), o);
      return this;
    }

    /**
     * Stops checking {@code name}: a record component or custom feature is dropped; a map key
     * is accepted without checks and not counted as unexpected (for request ids and the like).
     *
     * @param name the feature or key name
     * @return this builder
     * @throws IllegalArgumentException for array schemas, whose positions are fixed
     */
    public Builder<I> exclude(String name) {
      Objects.requireNonNull(name, "name");
      if (shape.kind() == InputShape.Kind.FLOAT_ARRAY
          || shape.kind() == InputShape.Kind.DOUBLE_ARRAY) {
        throw new IllegalArgumentException("array positions are fixed; declare '" + name
            + "' as numeric with allowNaN() and no range to leave it unchecked");
      }
      drafts.remove(name);
      extractors.remove(name);
      components.remove(name);
      if (shape.kind() == InputShape.Kind.MAP) {
        ignored.add(name);
      }
      return this;
    }

    /**
     * Sets the margin inference adds to each side of an observed numeric range, as a fraction
     * of the range (a non-negative observed minimum is never extended below zero).
     *
     * @param fraction 0 to 10; default 0.1
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder<I> rangeMargin(double fraction) {
      if (!(fraction >= 0 && fraction <= 10)) {
        throw new IllegalArgumentException("range margin must be 0..10: " + fraction);
      }
      this.rangeMargin = fraction;
      return this;
    }

    /**
     * Sets the largest vocabulary a categorical feature may have. Inference leaves a feature
     * with more distinct categories open (any category accepted).
     *
     * @param max 1 to 1,000,000; default 1,000
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder<I> maxVocabulary(int max) {
      if (max < 1 || max > 1_000_000) {
        throw new IllegalArgumentException("maxVocabulary must be 1..1000000: " + max);
      }
      this.maxVocabulary = max;
      return this;
    }

    /**
     * Learns from training samples what was not declared: for feature maps the features
     * themselves (type by majority of the values seen), then for every feature whether it is
     * always present, ever null, its range (plus {@link #rangeMargin(double)}), whether NaN
     * occurs, its vocabulary (up to {@link #maxVocabulary(int)}), its vector dimension and norm
     * range. Options set explicitly are kept.
     *
     * @param samples training inputs; not empty
     * @return this builder
     * @throws IllegalArgumentException if {@code samples} is empty
     */
    public Builder<I> inferFrom(Collection<? extends I> samples) {
      Objects.requireNonNull(samples, "samples");
      if (samples.isEmpty()) {
        throw new IllegalArgumentException("cannot infer a schema from no samples");
      }
      SchemaInference.apply(this, samples);
      return this;
    }

    /**
     * Builds the schema.
     *
     * @return the immutable schema
     * @throws IllegalArgumentException if an option does not apply to its feature's type, or a
     *     vocabulary exceeds {@link #maxVocabulary(int)}
     */
    public FeatureSchema<I> build() {
      List<FeatureSpec> specs = new ArrayList<>();
      for (FeatureOptions o : drafts.values()) {
        specs.add(o.toSpec(maxVocabulary));
      }
      return compile(shape, specs, new ArrayList<>(ignored), extractors, components);
    }
  }

  /** Compiles specs into a checker for {@code shape}. */
  static <I> FeatureSchema<I> compile(InputShape<I> shape, List<FeatureSpec> specs,
      List<String> ignored, Map<String, Object> extractors,
      Map<String, RecordComponent> components) {
    Rule[] rules = new Rule[specs.size()];
    for (int i = 0; i < rules.length; i++) {
      rules[i] = new Rule(i, specs.get(i));
    }
    Checker checker;
    switch (shape.kind()) {
      case MAP:
        Set<String> known = new java.util.HashSet<>(ignored);
        for (FeatureSpec s : specs) {
          known.add(s.name());
        }
        checker = new MapChecker(rules, ignored, known);
        break;
      case FLOAT_ARRAY:
        checker = new ArrayChecker(rules, false);
        break;
      case DOUBLE_ARRAY:
        checker = new ArrayChecker(rules, true);
        break;
      case RECORD:
        checker = HandleChecker.forRecord(rules, shape.type(), components);
        break;
      default:
        Object[] ex = new Object[rules.length];
        for (int i = 0; i < rules.length; i++) {
          ex[i] = extractors.get(rules[i].name);
        }
        checker = HandleChecker.forExtractors(rules, shape.type(), ex);
    }
    return new FeatureSchema<>(shape, specs, ignored, checker);
  }
}
