package io.modelmonitor.drift;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads a CSV training export (header row, one row per example) into feature maps typed by a
 * schema: numbers as doubles or longs, booleans from {@code true/false/1/0}, categories as
 * strings, vectors as numbers separated by {@code ;}. An empty cell is an absent feature; a cell
 * that cannot be read as its feature's type counts as missing too. Columns the schema does not
 * know are ignored, and so are cells beyond the header. Numbers are plain decimals
 * ({@link #NUMBER}); {@code nan} is missing. Cells are stripped of spaces and tabs only.
 * tools/baseline.py reads CSV by exactly these rules.
 */
final class CsvRows {

  private static final CsvMapper MAPPER = new CsvMapper();

  /** The numbers both readers accept: optional sign, digits with optional fraction, exponent. */
  static final java.util.regex.Pattern NUMBER =
      java.util.regex.Pattern.compile("[+-]?(\\d+(\\.\\d*)?|\\.\\d+)([eE][+-]?\\d+)?");

  private CsvRows() {}

  /** The rows, and the values of {@code scoreColumn} (NaN where empty) when it is not null. */
  static List<Map<String, ?>> read(Path file, FeatureSchema<Map<String, ?>> schema,
      String scoreColumn, List<Double> scores) throws IOException {
    Map<String, FeatureSpec> byName = new HashMap<>();
    for (FeatureSpec f : schema.features()) {
      byName.put(f.name(), f);
    }
    List<Map<String, ?>> rows = new ArrayList<>();
    CsvSchema header = CsvSchema.emptySchema().withHeader();
    try (Reader in = Files.newBufferedReader(file);
        MappingIterator<Map<String, String>> it = MAPPER.readerFor(Map.class).with(header)
            .with(CsvParser.Feature.IGNORE_TRAILING_UNMAPPABLE).readValues(in)) {
      if (scoreColumn != null && it.getParserSchema() instanceof CsvSchema
          && ((CsvSchema) it.getParserSchema()).column(scoreColumn) == null) {
        throw new BaselineFormatException(file + ": header: no score column \"" + scoreColumn
            + '"');
      }
      while (true) {
        Map<String, String> cells;
        try { // the iterator reports malformed CSV as unchecked exceptions
          if (!it.hasNext()) {
            break;
          }
          cells = it.next();
        } catch (RuntimeJsonMappingException | IllegalStateException e) {
          throw malformed(file, it, e);
        } catch (RuntimeException e) {
          if (e.getCause() instanceof IOException) {
            throw malformed(file, it, e);
          }
          throw e;
        }
        Map<String, Object> row = new HashMap<>();
        for (Map.Entry<String, String> cell : cells.entrySet()) {
          FeatureSpec f = byName.get(cell.getKey());
          String text = cell.getValue() == null ? "" : strip(cell.getValue());
          if (f != null && !text.isEmpty()) {
            row.put(f.name(), parse(f, text));
          }
        }
        if (scoreColumn != null) {
          String s = cells.get(scoreColumn);
          scores.add(parseDouble(s == null ? "" : strip(s)));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static BaselineFormatException malformed(Path file, MappingIterator<?> it,
      RuntimeException e) {
    long line = it.getCurrentLocation() == null ? -1 : it.getCurrentLocation().getLineNr();
    String message = e.getCause() != null && e.getCause().getMessage() != null
        ? e.getCause().getMessage() : e.getMessage();
    return new BaselineFormatException(file + ": line " + line + ": not valid CSV: "
        + message.lines().findFirst().orElse(""));
  }

  private static Object parse(FeatureSpec f, String text) {
    switch (f.type()) {
      case NUMERIC:
        return parseDouble(text);
      case INTEGER:
        return parseDouble(text); // as a double, exactly as the Python reader does
      case BOOLEAN:
        String t = text.toLowerCase(Locale.ROOT);
        if (t.equals("true") || t.equals("1")) {
          return Boolean.TRUE;
        }
        if (t.equals("false") || t.equals("0")) {
          return Boolean.FALSE;
        }
        return text; // unreadable: the schema's visitor sees it as missing
      case CATEGORICAL:
        return text;
      default:
        String[] parts = text.split(";");
        double[] v = new double[parts.length];
        for (int i = 0; i < parts.length; i++) {
          v[i] = parseDouble(parts[i].trim());
        }
        return v;
    }
  }

  /** Strips spaces and tabs only (no other whitespace), as tools/baseline.py does. */
  static String strip(String s) {
    int a = 0;
    int b = s.length();
    while (a < b && (s.charAt(a) == ' ' || s.charAt(a) == '\t')) {
      a++;
    }
    while (b > a && (s.charAt(b - 1) == ' ' || s.charAt(b - 1) == '\t')) {
      b--;
    }
    return s.substring(a, b);
  }

  /** A plain decimal, or NaN for anything else (empty, {@code nan}, hex, words). */
  private static double parseDouble(String text) {
    return NUMBER.matcher(text).matches() ? Double.parseDouble(text) : Double.NaN;
  }
}
