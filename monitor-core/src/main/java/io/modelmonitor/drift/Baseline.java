package io.modelmonitor.drift;

import io.modelmonitor.schema.FeatureSchema;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The frozen reference profile a model was trained on: per feature its binned distribution,
 * moments and quantiles (or category shares, or vector norms and mean), optionally the
 * distribution of the model's predictions, the preprocessing the training pipeline applied, and
 * its offline evaluation metrics. Live traffic is compared against it to measure drift.
 *
 * <pre>{@code
 * Baseline baseline = Baseline.builder()
 *     .features(trainingRows, schema)        // one profile per schema feature
 *     .predictions(trainingScores)           // the score distribution
 *     .standardScaler("price", 253.2, 118.4) // what the pipeline did to "price"
 *     .metric("test_auc", 0.781)
 *     .build();
 * baseline.write(Path.of("ctr-v7.baseline.json"));
 * }</pre>
 *
 * <p>Immutable and thread-safe. The file format is documented in {@code docs/baseline.md}.
 */
public final class Baseline {

  private final Map<String, FeatureProfile> features;
  private final FeatureProfile prediction;
  private final Map<String, Scaling> preprocessing;
  private final Map<String, Double> metrics;
  private final Map<String, String> metadata;
  private final Map<String, Map<DriftStatistic, Calibration>> calibration;

  Baseline(Map<String, FeatureProfile> features, FeatureProfile prediction,
      Map<String, Scaling> preprocessing, Map<String, Double> metrics,
      Map<String, String> metadata, Map<String, Map<DriftStatistic, Calibration>> calibration) {
    this.features = Collections.unmodifiableMap(new LinkedHashMap<>(features));
    this.prediction = prediction;
    this.preprocessing = Collections.unmodifiableMap(new LinkedHashMap<>(preprocessing));
    this.metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
    Map<String, Map<DriftStatistic, Calibration>> c = new LinkedHashMap<>();
    calibration.forEach((k, v) -> c.put(k, Collections.unmodifiableMap(new java.util.EnumMap<>(
        v.isEmpty() ? new java.util.EnumMap<>(DriftStatistic.class) : v))));
    this.calibration = Collections.unmodifiableMap(c);
  }

  /**
   * Returns a builder with 10 bins per numeric feature and the 50 most frequent values per
   * categorical feature.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Fits a baseline of every feature of {@code schema} to training rows, with the defaults.
   *
   * @param rows the training inputs; not empty
   * @param schema reads the features
   * @param <I> the input type
   * @return the baseline
   */
  public static <I> Baseline fit(Collection<? extends I> rows, FeatureSchema<I> schema) {
    return builder().features(rows, schema).build();
  }

  /**
   * Returns the feature profiles by feature name, in schema order.
   *
   * @return an unmodifiable map
   */
  public Map<String, FeatureProfile> features() {
    return features;
  }

  /**
   * Returns the profile of the model's predictions.
   *
   * @return the profile, or empty
   */
  public Optional<FeatureProfile> prediction() {
    return Optional.ofNullable(prediction);
  }

  /**
   * Returns the standard scalers the training pipeline applied, by feature name.
   *
   * @return an unmodifiable map
   */
  public Map<String, Scaling> preprocessing() {
    return preprocessing;
  }

  /**
   * Returns the offline evaluation metrics, such as {@code test_auc}.
   *
   * @return an unmodifiable map
   */
  public Map<String, Double> metrics() {
    return metrics;
  }

  /**
   * Returns free-form facts about the baseline's origin (model, dataset, date).
   *
   * @return an unmodifiable map
   */
  public Map<String, String> metadata() {
    return metadata;
  }

  /**
   * Returns the thresholds calibrated on the reference data (see
   * {@link Builder#calibrate(int)}), by feature name ({@code _prediction} for the prediction)
   * and statistic; a monitor prefers them to {@link DriftPolicy}'s fixed thresholds.
   *
   * @return an unmodifiable map, empty when not calibrated
   */
  public Map<String, Map<DriftStatistic, Calibration>> calibration() {
    return calibration;
  }

  /**
   * Compares scores with this baseline's prediction profile using exactly the statistics and
   * verdict a monitor computes for a window of these scores (PSI and Jensen-Shannon over the
   * profile's bins, KS and Wasserstein over the ordered bins, the status by {@code policy}'s
   * thresholds or this baseline's calibration). With a baseline frozen from one sample
   * ({@code Baseline.builder().predictions(reference).build()}) it compares two samples, such
   * as a champion's and a challenger's scores on the same rows.
   *
   * @param scores the live scores; NaN counts as missing
   * @param policy thresholds and the minimum number of samples
   * @return the drift of the scores, named {@code _prediction}
   * @throws IllegalStateException if this baseline has no numeric prediction profile
   */
  public FeatureDrift predictionDrift(double[] scores, DriftPolicy policy) {
    Objects.requireNonNull(scores, "scores");
    Objects.requireNonNull(policy, "policy");
    if (!(prediction instanceof NumericProfile)) {
      throw new IllegalStateException("the baseline has no numeric prediction profile");
    }
    return io.modelmonitor.internal.ThresholdCalibrator.predictionDrift(this, scores, policy);
  }

  /**
   * Returns the baseline as a JSON document (format {@code modelmonitor-baseline}, version 1).
   *
   * @return pretty-printed JSON
   */
  public String toJson() {
    return BaselineJson.write(this);
  }

  /**
   * Writes {@link #toJson()} to a file.
   *
   * @param file the file to create or replace
   * @throws IOException if it cannot be written
   */
  public void write(Path file) throws IOException {
    Files.writeString(file, toJson());
  }

  /**
   * Reads a baseline file.
   *
   * @param file the file
   * @return the baseline
   * @throws IOException if the file cannot be read
   * @throws BaselineFormatException if it is malformed; the message names the file, the field
   *     and what was expected
   */
  public static Baseline read(Path file) throws IOException {
    return BaselineJson.read(Files.readString(file), file.toString());
  }

  /**
   * Parses a baseline document.
   *
   * @param json the document
   * @return the baseline
   * @throws BaselineFormatException if it is malformed
   */
  public static Baseline fromJson(String json) throws BaselineFormatException {
    return BaselineJson.read(json, "<json>");
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Baseline && ((Baseline) o).features.equals(features)
        && Objects.equals(((Baseline) o).prediction, prediction)
        && ((Baseline) o).preprocessing.equals(preprocessing)
        && ((Baseline) o).metrics.equals(metrics) && ((Baseline) o).metadata.equals(metadata)
        && ((Baseline) o).calibration.equals(calibration);
  }

  @Override
  public int hashCode() {
    return Objects.hash(features, prediction, preprocessing, metrics, metadata, calibration);
  }

  @Override
  public String toString() {
    return "Baseline{features=" + features.keySet() + ", prediction=" + (prediction != null)
        + ", metrics=" + metrics + '}';
  }

  /** Builds a {@link Baseline}. Not thread-safe; each setter validates at once. */
  public static final class Builder {

    private int bins = 10;
    private int topK = 50;
    private final Map<String, FeatureProfile> features = new LinkedHashMap<>();
    private FeatureProfile prediction;
    private final Map<String, Scaling> preprocessing = new LinkedHashMap<>();
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final Map<String, Map<DriftStatistic, Calibration>> calibration =
        new LinkedHashMap<>();
    private int calibrationRows;
    /** Calibrates on the rows given to {@link #features}, given the chunk size. */
    private java.util.function.IntFunction<Map<String, Map<DriftStatistic, Calibration>>>
        calibrator;
    private double[] scores;

    private Builder() {}

    /**
     * Calibrates thresholds on the reference data when {@link #features} is given its rows:
     * the rows are split into chunks of {@code windowRows} (the samples a live window is
     * expected to hold), each chunk is compared with the whole baseline, and every statistic's
     * mean and standard deviation over the chunks become its {@link Calibration} (warn at mean
     * + 2 std, alert at mean + 3 std). Needs at least two full chunks. With
     * {@link #predictions(double[])} given rows-aligned scores, the prediction is calibrated
     * too.
     *
     * @param windowRows rows per chunk, at least 10
     * @return this builder
     * @throws IllegalArgumentException if below 10
     */
    public Builder calibrate(int windowRows) {
      if (windowRows < 10) {
        throw new IllegalArgumentException("calibration needs windows of >= 10 rows: "
            + windowRows);
      }
      this.calibrationRows = windowRows;
      return this;
    }

    /**
     * Sets the number of equal-mass bins of numeric features (fewer when values repeat; a
     * feature with at most this many distinct values gets one bin per value).
     *
     * @param bins 2 to 1,000; default 10
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder bins(int bins) {
      if (bins < 2 || bins > 1_000) {
        throw new IllegalArgumentException("bins must be 2..1000: " + bins);
      }
      this.bins = bins;
      return this;
    }

    /**
     * Sets how many of the most frequent categories are tracked per categorical feature; the
     * rest share the {@code other} bin.
     *
     * @param topK 1 to 10,000; default 50
     * @return this builder
     * @throws IllegalArgumentException if out of range
     */
    public Builder topK(int topK) {
      if (topK < 1 || topK > 10_000) {
        throw new IllegalArgumentException("topK must be 1..10000: " + topK);
      }
      this.topK = topK;
      return this;
    }

    /**
     * Profiles every feature of {@code schema} from training rows (features without any value
     * in the rows get no profile).
     *
     * @param rows the training inputs; not empty
     * @param schema reads the features
     * @param <I> the input type
     * @return this builder
     * @throws IllegalArgumentException if {@code rows} is empty
     */
    public <I> Builder features(Collection<? extends I> rows, FeatureSchema<I> schema) {
      Objects.requireNonNull(rows, "rows");
      Objects.requireNonNull(schema, "schema");
      if (rows.isEmpty()) {
        throw new IllegalArgumentException("cannot fit a baseline to no rows");
      }
      ProfileCollector collector = new ProfileCollector(schema, rows.size());
      for (I row : rows) {
        schema.visit(row, collector);
      }
      features.putAll(collector.profiles(bins, topK));
      // run at build(), when the prediction profile and the chunk size are known too
      calibrator = chunk -> io.modelmonitor.internal.ThresholdCalibrator.calibrate(schema,
          snapshot(), rows, scores, chunk);
      return this;
    }

    private Baseline snapshot() {
      return new Baseline(features, prediction, preprocessing, metrics, metadata, Map.of());
    }

    /**
     * Profiles every feature of {@code schema} from a CSV training export (header row, one row
     * per example; see {@code docs/baseline.md}) and, when {@code scoreColumn} is not null, the
     * model's scores from that column.
     *
     * @param file the CSV file
     * @param schema a feature-map schema naming the columns to profile and their types
     * @param scoreColumn the column holding the model's score, or null
     * @return this builder
     * @throws IOException if the file cannot be read or is not valid CSV (the message names the
     *     file and line)
     */
    public Builder csv(Path file, FeatureSchema<Map<String, ?>> schema, String scoreColumn)
        throws IOException {
      java.util.List<Double> scoreList = new java.util.ArrayList<>();
      java.util.List<Map<String, ?>> rows = CsvRows.read(file, schema, scoreColumn, scoreList);
      if (scoreColumn != null) {
        predictions(scoreList.stream().mapToDouble(Double::doubleValue).toArray());
      }
      return features(rows, schema);
    }

    /**
     * Profiles the rows (and scores) a {@link BaselineCapture} took from live traffic, with
     * this builder's bins and top-K.
     *
     * @param capture the capture
     * @return this builder
     * @throws IllegalStateException if nothing was captured
     */
    public Builder captured(BaselineCapture<?> capture) {
      return Objects.requireNonNull(capture, "capture").into(this);
    }

    Builder profiles(ProfileCollector collector) {
      features.putAll(collector.profiles(bins, topK));
      return this;
    }

    /**
     * Sets a feature's profile directly.
     *
     * @param name the feature name
     * @param profile the profile
     * @return this builder
     */
    public Builder feature(String name, FeatureProfile profile) {
      features.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(profile,
          "profile"));
      return this;
    }

    /**
     * Profiles the model's numeric predictions (scores) on reference data.
     *
     * @param scores the scores; NaN counts as missing
     * @return this builder
     * @throws IllegalArgumentException if there is no finite score
     */
    public Builder predictions(double[] scores) {
      Objects.requireNonNull(scores, "scores");
      this.scores = scores.clone();
      this.prediction = NumericProfile.fit(this.scores, 0, bins);
      return this;
    }

    /**
     * Profiles the model's categorical predictions (class labels) on reference data.
     *
     * @param labels the labels; null counts as missing
     * @return this builder
     */
    public Builder predictionLabels(Collection<String> labels) {
      Objects.requireNonNull(labels, "labels");
      Map<String, Long> counts = new HashMap<>();
      long missing = 0;
      for (String l : labels) {
        if (l == null) {
          missing++;
        } else {
          counts.merge(l, 1L, Long::sum);
        }
      }
      this.prediction = CategoricalProfile.fit(counts, missing, topK);
      return this;
    }

    /**
     * Records that the training pipeline standard-scaled {@code feature}.
     *
     * @param feature the feature name
     * @param mean the mean the scaler subtracted
     * @param scale the scale it divided by
     * @return this builder
     */
    public Builder standardScaler(String feature, double mean, double scale) {
      preprocessing.put(Objects.requireNonNull(feature, "feature"), new Scaling(mean, scale));
      return this;
    }

    /**
     * Records an offline evaluation metric.
     *
     * @param name such as {@code test_auc}
     * @param value its finite value
     * @return this builder
     * @throws IllegalArgumentException if the value is not finite
     */
    public Builder metric(String name, double value) {
      if (!Double.isFinite(value)) {
        throw new IllegalArgumentException("metric " + name + " must be finite: " + value);
      }
      metrics.put(Objects.requireNonNull(name, "name"), value);
      return this;
    }

    /**
     * Records a free-form fact about the baseline's origin.
     *
     * @param key such as {@code dataset}
     * @param value its value
     * @return this builder
     */
    public Builder metadata(String key, String value) {
      metadata.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /**
     * Builds the baseline.
     *
     * @return the immutable baseline
     * @throws IllegalStateException if {@link #calibrate(int)} was asked without
     *     {@link #features} rows
     */
    public Baseline build() {
      if (calibrationRows > 0) {
        if (calibrator == null) {
          throw new IllegalStateException("calibrate() needs the reference rows: call "
              + "features(rows, schema) too");
        }
        calibration.clear();
        calibration.putAll(calibrator.apply(calibrationRows));
      }
      return new Baseline(features, prediction, preprocessing, metrics, metadata, calibration);
    }
  }

  // used by BaselineJson
  static Baseline of(Map<String, FeatureProfile> features, FeatureProfile prediction,
      Map<String, Scaling> preprocessing, Map<String, Double> metrics,
      Map<String, String> metadata, Map<String, Map<DriftStatistic, Calibration>> calibration) {
    return new Baseline(features, prediction, preprocessing, metrics, metadata, calibration);
  }
}
