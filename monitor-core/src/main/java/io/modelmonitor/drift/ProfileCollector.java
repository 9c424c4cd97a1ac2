package io.modelmonitor.drift;

import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import io.modelmonitor.schema.FeatureVisitor;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Collects reference values per feature while fitting a baseline (cold path). */
final class ProfileCollector implements FeatureVisitor {

  private final List<FeatureSpec> features;
  private final double[][] numbers;
  private final int[] sizes;
  private final long[] missing;
  private final Map<Integer, Map<String, Long>> categories = new HashMap<>();
  private final double[][] vectorSums;
  private final int[] dimensions;

  ProfileCollector(FeatureSchema<?> schema, int rows) {
    this.features = schema.features();
    int n = features.size();
    this.numbers = new double[n][];
    this.sizes = new int[n];
    this.missing = new long[n];
    this.vectorSums = new double[n][];
    this.dimensions = new int[n];
    for (int i = 0; i < n; i++) {
      FeatureType t = features.get(i).type();
      if (t != FeatureType.CATEGORICAL) {
        numbers[i] = new double[Math.max(16, rows)];
      } else {
        categories.put(i, new HashMap<>());
      }
    }
  }

  private void add(int i, double v) {
    if (sizes[i] == numbers[i].length) {
      numbers[i] = java.util.Arrays.copyOf(numbers[i], sizes[i] * 2);
    }
    numbers[i][sizes[i]++] = v;
  }

  @Override
  public void numeric(int featureIndex, double value) {
    add(featureIndex, value);
  }

  @Override
  public void category(int featureIndex, String value) {
    categories.get(featureIndex).merge(value, 1L, Long::sum);
  }

  @Override
  public void categoryId(int featureIndex, long id) {
    categories.get(featureIndex).merge(Long.toString(id), 1L, Long::sum);
  }

  @Override
  public void vector(int featureIndex, Object vector) {
    double[] v = Vectors.toDoubles(vector);
    if (v == null || !java.util.Arrays.stream(v).allMatch(Double::isFinite)) {
      missing[featureIndex]++; // as live: a non-finite vector is missing, not profiled
      return;
    }
    if (vectorSums[featureIndex] == null) {
      vectorSums[featureIndex] = new double[v.length];
      dimensions[featureIndex] = v.length;
    }
    if (v.length != dimensions[featureIndex]) {
      missing[featureIndex]++; // a malformed reference row: counted, not profiled
      return;
    }
    double sumSquares = 0;
    for (int d = 0; d < v.length; d++) {
      vectorSums[featureIndex][d] += v[d];
      sumSquares += v[d] * v[d];
    }
    add(featureIndex, Math.sqrt(sumSquares));
  }

  @Override
  public void missing(int featureIndex) {
    missing[featureIndex]++;
  }

  /** One profile per feature that had any value, in schema order. */
  Map<String, FeatureProfile> profiles(int bins, int topK) {
    Map<String, FeatureProfile> out = new LinkedHashMap<>();
    for (int i = 0; i < features.size(); i++) {
      FeatureSpec f = features.get(i);
      switch (f.type()) {
        case CATEGORICAL:
          out.put(f.name(), CategoricalProfile.fit(categories.get(i), missing[i], topK));
          break;
        case VECTOR:
          if (sizes[i] > 0) {
            NumericProfile norms = NumericProfile.fit(
                java.util.Arrays.copyOf(numbers[i], sizes[i]), missing[i], bins);
            double[] mean = vectorSums[i].clone();
            for (int d = 0; d < mean.length; d++) {
              mean[d] /= sizes[i];
            }
            out.put(f.name(), new VectorProfile(dimensions[i], mean, norms));
          }
          break;
        default:
          double[] values = java.util.Arrays.copyOf(numbers[i], sizes[i]);
          if (java.util.Arrays.stream(values).anyMatch(Double::isFinite)) {
            out.put(f.name(), NumericProfile.fit(values, missing[i], bins));
          }
      }
    }
    return out;
  }
}
