package io.modelmonitor.onnx;

import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import java.util.HashMap;
import java.util.Map;

/**
 * Applies a refinement (bounds, vocabularies, sensitivity, from the model's metadata or the
 * builder) to the schema derived from the model's inputs. Each refined feature replaces the
 * derived one of the same name; the model's input order is kept; the refinement's ignored keys
 * are carried over.
 */
final class SchemaRefinement {

  private SchemaRefinement() {}

  /**
   * Returns the refined schema.
   *
   * @throws IllegalArgumentException naming the feature and the problem, if the refinement
   *     names an input the model does not have, changes its type incompatibly, makes it
   *     optional or nullable, gives a vector another dimension, or ignores a model input
   */
  static FeatureSchema<Map<String, ?>> apply(FeatureSchema<Map<String, ?>> derived,
      FeatureSchema<? extends Map<String, ?>> refinement, String source) {
    if (refinement == null) {
      return derived;
    }
    Map<String, FeatureSpec> refined = new HashMap<>();
    for (FeatureSpec r : refinement.features()) {
      FeatureSpec d = derived.feature(r.name()).orElseThrow(() -> new IllegalArgumentException(
          source + ": schema refinement names '" + r.name() + "', which is not an input of the "
              + "model; its inputs are " + names(derived)));
      refined.put(r.name(), check(d, r, source));
    }
    FeatureSchema.Builder<Map<String, ?>> b = FeatureSchema.forMap();
    for (FeatureSpec d : derived.features()) {
      b.feature(refined.getOrDefault(d.name(), d));
    }
    for (String ignored : refinement.ignored()) {
      if (derived.feature(ignored).isPresent()) {
        throw new IllegalArgumentException(source + ": schema refinement ignores '" + ignored
            + "', but the model needs that input");
      }
      b.exclude(ignored);
    }
    return b.build();
  }

  private static FeatureSpec check(FeatureSpec derived, FeatureSpec r, String source) {
    String where = source + ": schema refinement of input '" + r.name() + "'";
    if (!compatible(derived.type(), r.type())) {
      throw new IllegalArgumentException(where + " declares it " + r.type().jsonName()
          + ", but the model's input is " + derived.type().jsonName() + allowed(derived.type()));
    }
    if (!r.required() || r.nullable()) {
      throw new IllegalArgumentException(where + " makes it optional or nullable, but the model"
          + " cannot run without it");
    }
    int dimension = r.dimension();
    if (derived.type() == FeatureType.VECTOR) {
      if (dimension != 0 && dimension != derived.dimension()) {
        throw new IllegalArgumentException(where + " gives dimension " + dimension
            + ", but the model's input holds " + derived.dimension() + " values per row");
      }
      dimension = derived.dimension();
    }
    return new FeatureSpec(r.name(), r.type(), true, false, r.sensitive(), r.min(), r.max(),
        r.allowNaN(), r.vocabulary(), dimension, r.normMin(), r.normMax());
  }

  /**
   * The same type, whole numbers for a float input, or categorical ids for an integer input
   * (a vocabulary of ids matches by decimal form).
   */
  private static boolean compatible(FeatureType derived, FeatureType refined) {
    return derived == refined
        || (derived == FeatureType.NUMERIC && refined == FeatureType.INTEGER)
        || (derived == FeatureType.INTEGER && refined == FeatureType.CATEGORICAL);
  }

  private static String allowed(FeatureType derived) {
    switch (derived) {
      case NUMERIC:
        return " (numeric or integer allowed)";
      case INTEGER:
        return " (integer or categorical allowed)";
      default:
        return "";
    }
  }

  private static java.util.List<String> names(FeatureSchema<?> schema) {
    return schema.features().stream().map(FeatureSpec::name).toList();
  }
}
