package io.modelmonitor.drift;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.RuntimeJsonMappingException;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
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
 * know are ignored.
 */
final class CsvRows {

  private static final CsvMapper MAPPER = new CsvMapper();

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
        MappingIterator<Map<String, String>> it =
            MAPPER.readerFor(Map.class).with(header).readValues(in)) {
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
          String text = cell.getValue() == null ? "" : cell.getValue().trim();
          if (f != null && !text.isEmpty()) {
            row.put(f.name(), parse(f, text));
          }
        }
        if (scoreColumn != null) {
          String s = cells.get(scoreColumn);
          if (s == null && rows.isEmpty() && !cells.containsKey(scoreColumn)) {
            throw new BaselineFormatException(file + ": header: no score column \""
                + scoreColumn + '"');
          }
          scores.add(parseDouble(s == null ? "" : s.trim()));
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
        try {
          return Long.parseLong(text);
        } catch (NumberFormatException notLong) {
          return parseDouble(text);
        }
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

  private static double parseDouble(String text) {
    if (text.isEmpty()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(text);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
