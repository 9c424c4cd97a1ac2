package io.modelmonitor.schema;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes schema files: format {@code modelmonitor-feature-schema}, version 1 (see
 * {@code docs/feature-schema.md}). Reading is strict: unknown fields, wrong types and
 * inconsistencies fail with the source, the field path and what was expected.
 */
final class SchemaJson {

  static final String FORMAT = "modelmonitor-feature-schema";
  static final int VERSION = 1;

  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** The largest vocabulary a file may carry (the builder's own cap is configurable). */
  private static final int MAX_VOCABULARY = 1_000_000;
  private static final Set<String> TOP_FIELDS =
      Set.of("format", "version", "shape", "record", "ignored", "features");
  private static final Set<String> FEATURE_FIELDS = Set.of("name", "type", "required", "nullable",
      "sensitive", "min", "max", "allow_nan", "vocabulary", "dimension", "norm_min", "norm_max");

  private SchemaJson() {}

  static String shapeName(InputShape<?> shape) {
    return shape.kind().name().toLowerCase(Locale.ROOT);
  }

  static String write(FeatureSchema<?> schema) {
    InputShape<?> shape = schema.shape();
    if (shape.kind() == InputShape.Kind.CUSTOM) {
      throw new UnsupportedOperationException("a schema for " + shape.type().getName()
          + " reads features through extractor code, which a file cannot hold");
    }
    ObjectNode root = MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    root.put("shape", shapeName(shape));
    if (shape.kind() == InputShape.Kind.RECORD) {
      root.put("record", shape.type().getName());
    }
    if (!schema.ignored().isEmpty()) {
      ArrayNode ignored = root.putArray("ignored");
      schema.ignored().forEach(ignored::add);
    }
    ArrayNode features = root.putArray("features");
    for (FeatureSpec f : schema.features()) {
      ObjectNode n = features.addObject();
      n.put("name", f.name());
      n.put("type", f.type().jsonName());
      n.put("required", f.required());
      n.put("nullable", f.nullable());
      n.put("sensitive", f.sensitive());
      if (Double.isFinite(f.min())) {
        n.put("min", f.min());
      }
      if (Double.isFinite(f.max())) {
        n.put("max", f.max());
      }
      if (f.type() == FeatureType.NUMERIC) {
        n.put("allow_nan", f.allowNaN());
      }
      if (f.hasVocabulary()) {
        ArrayNode v = n.putArray("vocabulary");
        f.vocabulary().forEach(v::add);
      }
      if (f.dimension() > 0) {
        n.put("dimension", f.dimension());
      }
      if (f.hasNormRange()) {
        n.put("norm_min", f.normMin());
        n.put("norm_max", f.normMax());
      }
    }
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise schema", e);
    }
  }

  static <I> FeatureSchema<I> read(String json, String source, InputShape<I> shape)
      throws SchemaFormatException {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? ""
          : " at line " + e.getLocation().getLineNr() + ", column "
              + e.getLocation().getColumnNr();
      throw new SchemaFormatException(source + ": not valid JSON" + where + ": "
          + e.getOriginalMessage());
    }
    Reader r = new Reader(source);
    if (root == null || !root.isObject()) {
      throw r.fail("", "a JSON object", root);
    }
    r.onlyFields(root, "", TOP_FIELDS);
    String format = r.text(root, "format", true);
    if (!FORMAT.equals(format)) {
      throw r.fail("format", '"' + FORMAT + '"', root.get("format"));
    }
    long version = r.integer(root, "version");
    if (version != VERSION) {
      throw new SchemaFormatException(source + ": version: this library reads version "
          + VERSION + ", the file has version " + version);
    }
    String shapeName = r.text(root, "shape", true);
    if (shape.kind() == InputShape.Kind.CUSTOM) {
      throw new SchemaFormatException(source + ": shape: custom shapes read features through "
          + "extractor code; load the file for a map, array or record shape");
    }
    if (!shapeName(shape).equals(shapeName)) {
      throw new SchemaFormatException(source + ": shape: expected \"" + shapeName(shape)
          + "\" for " + shape + " inputs, the file has \"" + shapeName + '"');
    }
    if (shape.kind() == InputShape.Kind.RECORD) {
      String record = r.text(root, "record", true);
      if (!shape.type().getName().equals(record)) {
        throw new SchemaFormatException(source + ": record: expected \""
            + shape.type().getName() + "\", the file has \"" + record + '"');
      }
    }
    List<String> ignored = new ArrayList<>();
    JsonNode ignoredNode = root.get("ignored");
    if (ignoredNode != null) {
      if (shape.kind() != InputShape.Kind.MAP) {
        throw new SchemaFormatException(source + ": ignored: only map schemas ignore keys");
      }
      ignored = r.strings(ignoredNode, "ignored");
      if (new java.util.HashSet<>(ignored).size() != ignored.size()) {
        throw new SchemaFormatException(source + ": ignored: expected distinct names, got "
            + ignored);
      }
    }
    JsonNode featuresNode = root.get("features");
    if (featuresNode == null || !featuresNode.isArray()) {
      throw r.fail("features", "an array of features", featuresNode);
    }
    List<FeatureSpec> specs = new ArrayList<>();
    Map<String, RecordComponent> components = new LinkedHashMap<>();
    Map<String, RecordComponent> available = new LinkedHashMap<>();
    if (shape.kind() == InputShape.Kind.RECORD) {
      for (RecordComponent c : shape.type().getRecordComponents()) {
        available.put(c.getName(), c);
      }
    }
    for (int i = 0; i < featuresNode.size(); i++) {
      String path = "features[" + i + "]";
      FeatureSpec spec = r.feature(featuresNode.get(i), path);
      for (FeatureSpec earlier : specs) {
        if (earlier.name().equals(spec.name())) {
          throw new SchemaFormatException(source + ": " + path + ".name: duplicate feature \""
              + spec.name() + '"');
        }
      }
      if (shape.kind() == InputShape.Kind.RECORD) {
        RecordComponent c = available.get(spec.name());
        FeatureType componentType = c == null ? null : FeatureSchema.Builder.typeOf(c);
        if (componentType == null) {
          throw new SchemaFormatException(source + ": " + path + ".name: record "
              + shape.type().getName() + " has no supported component \"" + spec.name() + '"');
        }
        if (componentType != spec.type() && !(componentType == FeatureType.INTEGER
            && spec.type() == FeatureType.CATEGORICAL)) {
          throw new SchemaFormatException(source + ": " + path + ".type: component \""
              + spec.name() + "\" of type " + c.getType().getSimpleName() + " cannot be \""
              + spec.type().jsonName() + '"');
        }
        components.put(spec.name(), c);
      }
      if ((shape.kind() == InputShape.Kind.FLOAT_ARRAY
          || shape.kind() == InputShape.Kind.DOUBLE_ARRAY) && spec.type() == FeatureType.VECTOR) {
        throw new SchemaFormatException(source + ": " + path + ".type: array positions hold "
            + "scalars, not \"vector\"");
      }
      if (ignored.contains(spec.name())) {
        throw new SchemaFormatException(source + ": " + path + ".name: \"" + spec.name()
            + "\" is both a feature and an ignored key");
      }
      specs.add(spec);
    }
    return FeatureSchema.compile(shape, specs, ignored, Map.of(), components);
  }

  /** Strict field access with messages naming source, path and expectation. */
  private static final class Reader {

    private final String source;

    Reader(String source) {
      this.source = source;
    }

    SchemaFormatException fail(String path, String expected, JsonNode found) {
      String got = found == null || found.isMissingNode() ? "nothing"
          : found.isTextual() ? '"' + found.asText() + '"' : found.toString();
      if (got.length() > 80) {
        got = got.substring(0, 80) + "...";
      }
      return new SchemaFormatException(source + ": " + (path.isEmpty() ? "document" : path)
          + ": expected " + expected + ", got " + got);
    }

    void onlyFields(JsonNode node, String path, Set<String> allowed) throws SchemaFormatException {
      Iterator<String> names = node.fieldNames();
      while (names.hasNext()) {
        String name = names.next();
        if (!allowed.contains(name)) {
          throw new SchemaFormatException(source + ": " + (path.isEmpty() ? "" : path + '.')
              + name + ": unknown field (expected one of " + new java.util.TreeSet<>(allowed)
              + ')');
        }
      }
    }

    String text(JsonNode node, String field, boolean required) throws SchemaFormatException {
      JsonNode v = node.get(field);
      if (v == null) {
        if (required) {
          throw fail(field, "a string", null);
        }
        return null;
      }
      if (!v.isTextual()) {
        throw fail(field, "a string", v);
      }
      return v.asText();
    }

    long integer(JsonNode node, String field) throws SchemaFormatException {
      JsonNode v = node.get(field);
      if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
        throw fail(field, "a whole number", v);
      }
      return v.asLong();
    }

    List<String> strings(JsonNode node, String path) throws SchemaFormatException {
      if (!node.isArray()) {
        throw fail(path, "an array of strings", node);
      }
      List<String> out = new ArrayList<>();
      for (int i = 0; i < node.size(); i++) {
        if (!node.get(i).isTextual()) {
          throw fail(path + '[' + i + ']', "a string", node.get(i));
        }
        out.add(node.get(i).asText());
      }
      return out;
    }

    FeatureSpec feature(JsonNode n, String path) throws SchemaFormatException {
      if (n == null || !n.isObject()) {
        throw fail(path, "a feature object", n);
      }
      onlyFields(n, path, FEATURE_FIELDS);
      JsonNode nameNode = n.get("name");
      if (nameNode == null || !nameNode.isTextual() || nameNode.asText().isBlank()
          || nameNode.asText().startsWith("_")) {
        throw fail(path + ".name", "a non-blank string not starting with '_' (reserved)",
            nameNode);
      }
      String typeName = n.has("type") && n.get("type").isTextual() ? n.get("type").asText() : null;
      FeatureType type = null;
      for (FeatureType t : FeatureType.values()) {
        if (t.jsonName().equals(typeName)) {
          type = t;
        }
      }
      if (type == null) {
        throw fail(path + ".type", "one of numeric, integer, boolean, categorical, vector",
            n.get("type"));
      }
      boolean numeric = type == FeatureType.NUMERIC || type == FeatureType.INTEGER;
      onlyFor(n, path, "min", numeric, type);
      onlyFor(n, path, "max", numeric, type);
      onlyFor(n, path, "allow_nan", type == FeatureType.NUMERIC, type);
      onlyFor(n, path, "vocabulary", type == FeatureType.CATEGORICAL, type);
      onlyFor(n, path, "dimension", type == FeatureType.VECTOR, type);
      onlyFor(n, path, "norm_min", type == FeatureType.VECTOR, type);
      onlyFor(n, path, "norm_max", type == FeatureType.VECTOR, type);
      double min = number(n, path, "min", Double.NEGATIVE_INFINITY);
      double max = number(n, path, "max", Double.POSITIVE_INFINITY);
      if (min > max) {
        throw new SchemaFormatException(source + ": " + path + ".min: expected at most max ("
            + max + "), got " + min);
      }
      JsonNode dim = n.get("dimension");
      if (dim != null && (!dim.isIntegralNumber() || !dim.canConvertToInt()
          || dim.asInt() < 1)) {
        throw fail(path + ".dimension", "a whole number >= 1", dim);
      }
      double normMin = number(n, path, "norm_min", Double.NaN);
      double normMax = number(n, path, "norm_max", Double.NaN);
      if (Double.isNaN(normMin) != Double.isNaN(normMax) || normMin < 0 || normMin > normMax) {
        throw new SchemaFormatException(source + ": " + path + ".norm_min: expected norm_min "
            + "and norm_max together with 0 <= norm_min <= norm_max");
      }
      List<String> vocabulary = n.has("vocabulary")
          ? strings(n.get("vocabulary"), path + ".vocabulary") : List.of();
      if (vocabulary.size() > MAX_VOCABULARY
          || new java.util.HashSet<>(vocabulary).size() != vocabulary.size()) {
        throw new SchemaFormatException(source + ": " + path + ".vocabulary: expected at most "
            + MAX_VOCABULARY + " distinct categories, got " + vocabulary.size() + " entries");
      }
      return new FeatureSpec(nameNode.asText(), type, bool(n, path, "required", true),
          bool(n, path, "nullable", false), bool(n, path, "sensitive", false), min, max,
          bool(n, path, "allow_nan", false), vocabulary, dim == null ? 0 : dim.asInt(),
          normMin, normMax);
    }

    private void onlyFor(JsonNode n, String path, String field, boolean applies, FeatureType type)
        throws SchemaFormatException {
      if (n.has(field) && !applies) {
        throw new SchemaFormatException(source + ": " + path + '.' + field + ": does not apply "
            + "to a " + type.jsonName() + " feature");
      }
    }

    private double number(JsonNode n, String path, String field, double absent)
        throws SchemaFormatException {
      JsonNode v = n.get(field);
      if (v == null) {
        return absent;
      }
      if (!v.isNumber() || !Double.isFinite(v.asDouble())) {
        throw fail(path + '.' + field, "a finite number", v);
      }
      return v.asDouble();
    }

    private boolean bool(JsonNode n, String path, String field, boolean absent)
        throws SchemaFormatException {
      JsonNode v = n.get(field);
      if (v == null) {
        return absent;
      }
      if (!v.isBoolean()) {
        throw fail(path + '.' + field, "true or false", v);
      }
      return v.asBoolean();
    }
  }
}
