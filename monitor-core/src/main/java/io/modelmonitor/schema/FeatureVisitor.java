package io.modelmonitor.schema;

/**
 * Receives the value of every feature of one input from
 * {@link FeatureSchema#visit(Object, FeatureVisitor)}, without boxing: numbers as
 * {@code double}, categories as strings or integral ids, vectors as the object the input holds.
 * Values are passed whether or not they satisfy the schema; a value that cannot be read as the
 * feature's type (a string where a number belongs) arrives as {@link #missing(int)}.
 */
public interface FeatureVisitor {

  /**
   * A numeric, integer (as a double) or boolean (0 or 1) feature; may be NaN or infinite.
   *
   * @param featureIndex index into {@link FeatureSchema#features()}
   * @param value the value
   */
  void numeric(int featureIndex, double value);

  /**
   * A categorical feature given as a string or an enum constant's name.
   *
   * @param featureIndex index into {@link FeatureSchema#features()}
   * @param value the category
   */
  void category(int featureIndex, String value);

  /**
   * A categorical feature given as an integral id.
   *
   * @param featureIndex index into {@link FeatureSchema#features()}
   * @param id the category id
   */
  void categoryId(int featureIndex, long id);

  /**
   * A vector feature.
   *
   * @param featureIndex index into {@link FeatureSchema#features()}
   * @param vector a {@code float[]}, {@code double[]} or {@code List} of numbers, as in the input
   */
  void vector(int featureIndex, Object vector);

  /**
   * A feature that is absent, null, or not readable as its type.
   *
   * @param featureIndex index into {@link FeatureSchema#features()}
   */
  void missing(int featureIndex);
}
