package io.modelmonitor.schema;

import java.util.Map;
import java.util.Objects;

/**
 * How features are read from an input of type {@code I}: by name from a map, by position from
 * an array, by component from a record, or by extractor functions from any other type. Loading a
 * schema file needs the shape, which gives the loaded schema its type.
 *
 * @param <I> the input type
 */
public final class InputShape<I> {

  /** The kinds of input shape. */
  public enum Kind {
    /** {@code Map<String, ?>}, such as a parsed JSON request. */
    MAP,
    /** {@code float[]} with positional feature names. */
    FLOAT_ARRAY,
    /** {@code double[]} with positional feature names. */
    DOUBLE_ARRAY,
    /** A Java record, read through its component accessors. */
    RECORD,
    /** Any type, read through extractor functions given per feature. */
    CUSTOM
  }

  /** Feature maps: {@code Map<String, ?>}. */
  public static final InputShape<Map<String, ?>> MAP = new InputShape<>(Kind.MAP, Map.class);

  /** Positional {@code float[]} inputs. */
  public static final InputShape<float[]> FLOAT_ARRAY =
      new InputShape<>(Kind.FLOAT_ARRAY, float[].class);

  /** Positional {@code double[]} inputs. */
  public static final InputShape<double[]> DOUBLE_ARRAY =
      new InputShape<>(Kind.DOUBLE_ARRAY, double[].class);

  private final Kind kind;
  private final Class<?> type;

  private InputShape(Kind kind, Class<?> type) {
    this.kind = kind;
    this.type = type;
  }

  /**
   * Returns the shape of a record type.
   *
   * @param recordType the record class
   * @param <R> the record type
   * @return the shape
   * @throws IllegalArgumentException if {@code recordType} is not a record
   */
  public static <R extends Record> InputShape<R> record(Class<R> recordType) {
    Objects.requireNonNull(recordType, "recordType");
    if (!recordType.isRecord()) {
      throw new IllegalArgumentException(recordType.getName() + " is not a record");
    }
    return new InputShape<>(Kind.RECORD, recordType);
  }

  /**
   * Returns the shape of an arbitrary type whose features are read by extractor functions.
   *
   * @param type the input class
   * @param <T> the input type
   * @return the shape
   */
  public static <T> InputShape<T> custom(Class<T> type) {
    return new InputShape<>(Kind.CUSTOM, Objects.requireNonNull(type, "type"));
  }

  /**
   * Returns the kind.
   *
   * @return the kind
   */
  public Kind kind() {
    return kind;
  }

  /**
   * Returns the input class ({@code Map}, {@code float[]}, the record or custom class).
   *
   * @return the class
   */
  public Class<?> type() {
    return type;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof InputShape && ((InputShape<?>) o).kind == kind
        && ((InputShape<?>) o).type.equals(type);
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + type.hashCode();
  }

  @Override
  public String toString() {
    return kind == Kind.RECORD || kind == Kind.CUSTOM
        ? kind.name().toLowerCase(java.util.Locale.ROOT) + '(' + type.getName() + ')'
        : kind.name().toLowerCase(java.util.Locale.ROOT);
  }
}
