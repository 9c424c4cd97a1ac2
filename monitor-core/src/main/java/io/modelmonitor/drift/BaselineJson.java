package io.modelmonitor.drift;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.modelmonitor.internal.StrictJson;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads and writes baseline files: format {@code modelmonitor-baseline}, version 1 (see
 * {@code docs/baseline.md}). Reading is strict and every failure is located.
 */
final class BaselineJson {

  static final String FORMAT = "modelmonitor-baseline";
  static final int VERSION = 1;

  private static final Set<String> TOP = Set.of("format", "version", "metadata", "features",
      "prediction", "preprocessing", "metrics", "calibration");
  private static final Set<String> CALIBRATION = Set.of("mean", "std", "chunks");
  private static final Set<String> NUMERIC = Set.of("type", "count", "missing", "mean", "std",
      "edges", "shares", "quantiles");
  private static final Set<String> CATEGORICAL = Set.of("type", "count", "missing", "values",
      "shares");
  private static final Set<String> VECTOR = Set.of("type", "dimension", "mean", "norms");
  private static final Set<String> SCALER = Set.of("kind", "mean", "scale");

  private BaselineJson() {}

  static String write(Baseline b) {
    ObjectNode root = StrictJson.MAPPER.createObjectNode();
    root.put("format", FORMAT);
    root.put("version", VERSION);
    if (!b.metadata().isEmpty()) {
      ObjectNode meta = root.putObject("metadata");
      b.metadata().forEach(meta::put);
    }
    ObjectNode features = root.putObject("features");
    b.features().forEach((name, profile) -> writeProfile(features.putObject(name), profile));
    b.prediction().ifPresent(p -> writeProfile(root.putObject("prediction"), p));
    if (!b.preprocessing().isEmpty()) {
      ObjectNode pre = root.putObject("preprocessing");
      b.preprocessing().forEach((name, s) -> {
        ObjectNode n = pre.putObject(name);
        n.put("kind", "standard_scaler");
        n.put("mean", s.mean());
        n.put("scale", s.scale());
      });
    }
    if (!b.metrics().isEmpty()) {
      ObjectNode metrics = root.putObject("metrics");
      b.metrics().forEach(metrics::put);
    }
    if (!b.calibration().isEmpty()) {
      ObjectNode cal = root.putObject("calibration");
      b.calibration().forEach((feature, byStat) -> {
        ObjectNode f = cal.putObject(feature);
        byStat.forEach((stat, c) -> {
          ObjectNode n = f.putObject(stat.tag());
          n.put("mean", c.mean());
          n.put("std", c.std());
          n.put("chunks", c.chunks());
        });
      });
    }
    try {
      return StrictJson.MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise baseline", e);
    }
  }

  private static void writeProfile(ObjectNode n, FeatureProfile profile) {
    if (profile instanceof NumericProfile) {
      writeNumeric(n, (NumericProfile) profile);
    } else if (profile instanceof CategoricalProfile) {
      CategoricalProfile c = (CategoricalProfile) profile;
      n.put("type", "categorical");
      n.put("count", c.count());
      n.put("missing", c.missing());
      ArrayNode values = n.putArray("values");
      c.values().forEach(values::add);
      array(n, "shares", c.sharesView());
    } else {
      VectorProfile v = (VectorProfile) profile;
      n.put("type", "vector");
      n.put("dimension", v.dimension());
      array(n, "mean", v.meanView());
      writeNumeric(n.putObject("norms"), v.norms());
    }
  }

  private static void writeNumeric(ObjectNode n, NumericProfile p) {
    n.put("type", "numeric");
    n.put("count", p.count());
    n.put("missing", p.missing());
    n.put("mean", p.mean());
    n.put("std", p.std());
    array(n, "edges", p.edgesView());
    array(n, "shares", p.sharesView());
    ObjectNode q = n.putObject("quantiles");
    double[] quantiles = p.quantiles();
    for (int i = 0; i < quantiles.length; i++) {
      q.put(Double.toString(NumericProfile.QUANTILE_LEVELS.get(i)), quantiles[i]);
    }
  }

  private static void array(ObjectNode n, String field, double[] values) {
    ArrayNode a = n.putArray(field);
    for (double v : values) {
      a.add(v);
    }
  }

  static Baseline read(String json, String source) throws BaselineFormatException {
    StrictJson<BaselineFormatException> r = new StrictJson<>(source, BaselineFormatException::new);
    JsonNode root = r.parse(json);
    r.onlyFields(root, "", TOP);
    String format = r.text(root, "format", "format");
    if (!FORMAT.equals(format)) {
      throw r.fail("format", '"' + FORMAT + '"', root.get("format"));
    }
    long version = r.integer(root, "version", "version", 0);
    if (version != VERSION) {
      throw r.fail("version", "this library reads version " + VERSION + ", the file has version "
          + version);
    }
    Map<String, String> metadata = new LinkedHashMap<>();
    if (root.has("metadata")) {
      JsonNode meta = r.object(root, "metadata", "metadata");
      for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        metadata.put(k, r.text(meta, "metadata." + k, k));
      }
    }
    Map<String, FeatureProfile> features = new LinkedHashMap<>();
    JsonNode fs = r.object(root, "features", "features");
    for (Iterator<String> it = fs.fieldNames(); it.hasNext(); ) {
      String name = it.next();
      features.put(name, profile(r, fs.get(name), "features." + name));
    }
    FeatureProfile prediction = root.has("prediction")
        ? profile(r, root.get("prediction"), "prediction") : null;
    Map<String, Scaling> preprocessing = new LinkedHashMap<>();
    if (root.has("preprocessing")) {
      JsonNode pre = r.object(root, "preprocessing", "preprocessing");
      for (Iterator<String> it = pre.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        String path = "preprocessing." + name;
        JsonNode n = pre.get(name);
        if (!n.isObject()) {
          throw r.fail(path, "an object", n);
        }
        r.onlyFields(n, path, SCALER);
        if (!"standard_scaler".equals(r.text(n, path + ".kind", "kind"))) {
          throw r.fail(path + ".kind", "\"standard_scaler\"", n.get("kind"));
        }
        double scale = r.number(n, path + ".scale", "scale");
        if (!(scale > 0)) {
          throw r.fail(path + ".scale", "a positive number", n.get("scale"));
        }
        preprocessing.put(name, new Scaling(r.number(n, path + ".mean", "mean"), scale));
      }
    }
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (root.has("metrics")) {
      JsonNode m = r.object(root, "metrics", "metrics");
      for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        metrics.put(k, r.number(m, "metrics." + k, k));
      }
    }
    Map<String, Map<DriftStatistic, Calibration>> calibration = new LinkedHashMap<>();
    if (root.has("calibration")) {
      JsonNode cal = r.object(root, "calibration", "calibration");
      for (Iterator<String> it = cal.fieldNames(); it.hasNext(); ) {
        String feature = it.next();
        String path = "calibration." + feature;
        JsonNode f = r.object(cal, path, feature);
        Map<DriftStatistic, Calibration> byStat = new java.util.EnumMap<>(DriftStatistic.class);
        for (Iterator<String> st = f.fieldNames(); st.hasNext(); ) {
          String tag = st.next();
          DriftStatistic stat = null;
          for (DriftStatistic d : DriftStatistic.values()) {
            if (d.tag().equals(tag)) {
              stat = d;
            }
          }
          if (stat == null) {
            throw r.fail(path + '.' + tag, "not a drift statistic (expected one of psi, "
                + "jensen_shannon, ks, wasserstein, l_infinity, chi_square, chi_square_p, "
                + "cosine_distance)");
          }
          JsonNode n = r.object(f, path + '.' + tag, tag);
          r.onlyFields(n, path + '.' + tag, CALIBRATION);
          double mean = r.number(n, path + '.' + tag + ".mean", "mean");
          double std = r.number(n, path + '.' + tag + ".std", "std");
          if (std < 0) {
            throw r.fail(path + '.' + tag + ".std", "a number >= 0", n.get("std"));
          }
          long chunks = r.integer(n, path + '.' + tag + ".chunks", "chunks", 2);
          byStat.put(stat, new Calibration(mean, std, (int) Math.min(chunks, Integer.MAX_VALUE)));
        }
        calibration.put(feature, byStat);
      }
    }
    return Baseline.of(features, prediction, preprocessing, metrics, metadata, calibration);
  }

  private static FeatureProfile profile(StrictJson<BaselineFormatException> r, JsonNode n,
      String path) throws BaselineFormatException {
    if (n == null || !n.isObject()) {
      throw r.fail(path, "a profile object", n);
    }
    String type = r.text(n, path + ".type", "type");
    switch (type) {
      case "numeric":
        return numeric(r, n, path);
      case "categorical": {
        r.onlyFields(n, path, CATEGORICAL);
        long count = r.integer(n, path + ".count", "count", 0);
        long missing = r.integer(n, path + ".missing", "missing", 0);
        List<String> values = r.strings(n, path + ".values", "values");
        double[] shares = r.numbers(n, path + ".shares", "shares");
        if (shares.length != values.size() + 2) {
          throw r.fail(path + ".shares", "expected " + (values.size() + 2)
              + " shares (one per value, other, missing), got " + shares.length);
        }
        checkShares(r, shares, path + ".shares");
        try {
          return new CategoricalProfile(count, missing, values, shares);
        } catch (IllegalArgumentException e) {
          throw r.fail(path, e.getMessage());
        }
      }
      case "vector": {
        r.onlyFields(n, path, VECTOR);
        long dimension = r.integer(n, path + ".dimension", "dimension", 1);
        double[] mean = r.numbers(n, path + ".mean", "mean");
        if (dimension > Integer.MAX_VALUE || mean.length != dimension) {
          throw r.fail(path + ".mean", "expected " + dimension + " values, got " + mean.length);
        }
        JsonNode norms = n.get("norms");
        if (norms == null || !norms.isObject()) {
          throw r.fail(path + ".norms", "a numeric profile", norms);
        }
        NumericProfile normProfile = numeric(r, norms, path + ".norms");
        try {
          return new VectorProfile((int) dimension, mean, normProfile);
        } catch (IllegalArgumentException e) {
          throw r.fail(path + ".mean", e.getMessage());
        }
      }
      default:
        throw r.fail(path + ".type", "one of numeric, categorical, vector", n.get("type"));
    }
  }

  private static NumericProfile numeric(StrictJson<BaselineFormatException> r, JsonNode n,
      String path) throws BaselineFormatException {
    r.onlyFields(n, path, NUMERIC);
    if (!"numeric".equals(r.text(n, path + ".type", "type"))) {
      throw r.fail(path + ".type", "\"numeric\"", n.get("type"));
    }
    long count = r.integer(n, path + ".count", "count", 0);
    long missing = r.integer(n, path + ".missing", "missing", 0);
    if (missing > count) {
      throw r.fail(path + ".missing", "at most count (" + count + "), got " + missing);
    }
    double mean = r.number(n, path + ".mean", "mean");
    double std = r.number(n, path + ".std", "std");
    double[] edges = r.numbers(n, path + ".edges", "edges");
    if (edges.length < 2) {
      throw r.fail(path + ".edges", "at least 2 edges, got " + edges.length);
    }
    for (int i = 1; i < edges.length; i++) {
      if (edges[i] < edges[i - 1]) {
        throw r.fail(path + ".edges[" + i + "]", "edges must ascend: " + edges[i] + " < "
            + edges[i - 1]);
      }
    }
    double[] shares = r.numbers(n, path + ".shares", "shares");
    if (shares.length != edges.length + 2) {
      throw r.fail(path + ".shares", "expected " + (edges.length + 2) + " shares (underflow, "
          + (edges.length - 1) + " bins, overflow, missing), got " + shares.length);
    }
    checkShares(r, shares, path + ".shares");
    JsonNode q = r.object(n, path + ".quantiles", "quantiles");
    double[] quantiles = new double[NumericProfile.QUANTILE_LEVELS.size()];
    for (int i = 0; i < quantiles.length; i++) {
      String level = Double.toString(NumericProfile.QUANTILE_LEVELS.get(i));
      quantiles[i] = r.number(q, path + ".quantiles." + level, level);
    }
    if (q.size() != quantiles.length) {
      throw r.fail(path + ".quantiles", "expected exactly the levels "
          + NumericProfile.QUANTILE_LEVELS + ", got " + q.size() + " entries");
    }
    try {
      return new NumericProfile(count, missing, mean, std, edges, shares, quantiles);
    } catch (IllegalArgumentException e) {
      throw r.fail(path, e.getMessage());
    }
  }

  private static void checkShares(StrictJson<BaselineFormatException> r, double[] shares,
      String path) throws BaselineFormatException {
    double sum = 0;
    for (int i = 0; i < shares.length; i++) {
      if (shares[i] < 0 || shares[i] > 1) {
        throw r.fail(path + '[' + i + ']', "a share in [0, 1], got " + shares[i]);
      }
      sum += shares[i];
    }
    if (Math.abs(sum - 1) > 1e-6) {
      throw r.fail(path, "shares summing to 1, got " + sum);
    }
  }
}
