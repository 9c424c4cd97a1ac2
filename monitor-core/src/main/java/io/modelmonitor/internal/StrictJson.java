package io.modelmonitor.internal;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * Strict reading of ModelMonitor's JSON files: every failure names the source, the field path
 * and what was expected. Not public API.
 *
 * @param <E> the checked exception a failed read throws
 */
public final class StrictJson<E extends Exception> {

  /** One mapper for all files: pretty output, no trailing tokens, no duplicate keys. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final String source;
  private final Function<String, E> failure;

  /**
   * Creates a reader.
   *
   * @param source the file name (or {@code <json>}) every message starts with
   * @param failure makes the exception from a message
   */
  public StrictJson(String source, Function<String, E> failure) {
    this.source = source;
    this.failure = failure;
  }

  /**
   * Parses a document into a tree.
   *
   * @param json the text
   * @return the root, an object
   * @throws E if not valid JSON or not an object
   */
  public JsonNode parse(String json) throws E {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      String where = e.getLocation() == null ? "" : " at line " + e.getLocation().getLineNr()
          + ", column " + e.getLocation().getColumnNr();
      throw failure.apply(source + ": not valid JSON" + where + ": " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw fail("", "a JSON object", root);
    }
    return root;
  }

  /**
   * Makes the exception for a field holding something unexpected.
   *
   * @param path the field path, such as {@code features[2].max}; empty for the document
   * @param expected what was expected
   * @param found what was there, or null
   * @return the exception to throw
   */
  public E fail(String path, String expected, JsonNode found) {
    String got = found == null || found.isMissingNode() ? "nothing"
        : found.isTextual() ? '"' + found.asText() + '"' : found.toString();
    if (got.length() > 80) {
      got = got.substring(0, 80) + "...";
    }
    return failure.apply(source + ": " + (path.isEmpty() ? "document" : path) + ": expected "
        + expected + ", got " + got);
  }

  /**
   * Makes the exception for a field that is present but inconsistent.
   *
   * @param path the field path
   * @param message what is wrong
   * @return the exception to throw
   */
  public E fail(String path, String message) {
    return failure.apply(source + ": " + path + ": " + message);
  }

  /**
   * Fails on any field not in {@code allowed}.
   *
   * @param node an object
   * @param path its path, empty for the document
   * @param allowed the known fields
   * @throws E naming the first unknown field
   */
  public void onlyFields(JsonNode node, String path, Set<String> allowed) throws E {
    Iterator<String> names = node.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!allowed.contains(name)) {
        throw failure.apply(source + ": " + (path.isEmpty() ? "" : path + '.') + name
            + ": unknown field (expected one of " + new TreeSet<>(allowed) + ')');
      }
    }
  }

  /**
   * Returns an object child.
   *
   * @param node the parent
   * @param path the child's path
   * @param field the child's name
   * @return the child
   * @throws E if absent or not an object
   */
  public JsonNode object(JsonNode node, String path, String field) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isObject()) {
      throw fail(path, "an object", v);
    }
    return v;
  }

  /**
   * Returns a string field.
   *
   * @param node the object
   * @param path the field's path
   * @param field the field
   * @return the text
   * @throws E if absent or not a string
   */
  public String text(JsonNode node, String path, String field) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw fail(path, "a string", v);
    }
    return v.asText();
  }

  /**
   * Returns a whole-number field that fits a long.
   *
   * @param node the object
   * @param path the field's path
   * @param field the field
   * @param min the smallest accepted value
   * @return the value
   * @throws E if absent, not a whole number or below {@code min}
   */
  public long integer(JsonNode node, String path, String field, long min) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isIntegralNumber() || !v.canConvertToLong() || v.asLong() < min) {
      throw fail(path, "a whole number >= " + min, v);
    }
    return v.asLong();
  }

  /**
   * Returns a finite number field.
   *
   * @param node the object
   * @param path the field's path
   * @param field the field
   * @return the value
   * @throws E if absent, not a number or not finite
   */
  public double number(JsonNode node, String path, String field) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
      throw fail(path, "a finite number", v);
    }
    return v.asDouble();
  }

  /**
   * Returns an array of finite numbers.
   *
   * @param node the object
   * @param path the field's path
   * @param field the field
   * @return the values
   * @throws E if absent or any element is not a finite number
   */
  public double[] numbers(JsonNode node, String path, String field) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw fail(path, "an array of numbers", v);
    }
    double[] out = new double[v.size()];
    for (int i = 0; i < out.length; i++) {
      JsonNode e = v.get(i);
      if (!e.isNumber() || !Double.isFinite(e.asDouble())) {
        throw fail(path + '[' + i + ']', "a finite number", e);
      }
      out[i] = e.asDouble();
    }
    return out;
  }

  /**
   * Returns an array of strings.
   *
   * @param node the object
   * @param path the field's path
   * @param field the field
   * @return the values
   * @throws E if absent or any element is not a string
   */
  public List<String> strings(JsonNode node, String path, String field) throws E {
    JsonNode v = node.get(field);
    if (v == null || !v.isArray()) {
      throw fail(path, "an array of strings", v);
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isTextual()) {
        throw fail(path + '[' + i + ']', "a string", v.get(i));
      }
      out.add(v.get(i).asText());
    }
    return out;
  }
}
