package io.modelmonitor.drift;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * Drift of every profiled feature and of the prediction over one window (or since start).
 *
 * @param features per feature, in schema order
 * @param prediction the prediction's drift, or null when it is not tracked
 * @param skew training-serving skew of every feature the baseline records a scaler for
 * @param scores the score distribution beyond drift, or null without a score prediction
 */
public record DriftReport(List<FeatureDrift> features, FeatureDrift prediction,
    List<FeatureSkew> skew, ScoreSummary scores) {

  /** Nothing tracked. */
  public static final DriftReport EMPTY = new DriftReport(List.of(), null, List.of(), null);

  /**
   * Creates the record after copying its components.
   *
   * @param features see {@link #features()}
   * @param prediction see {@link #prediction()}
   * @param skew see {@link #skew()}
   * @param scores see {@link #scores()}
   */
  public DriftReport {
    features = List.copyOf(Objects.requireNonNull(features, "features"));
    skew = List.copyOf(Objects.requireNonNull(skew, "skew"));
  }

  /**
   * Returns the drift of one feature.
   *
   * @param name the feature name
   * @return its drift, or empty when it is not tracked
   */
  public Optional<FeatureDrift> feature(String name) {
    for (FeatureDrift f : features) {
      if (f.feature().equals(name)) {
        return Optional.of(f);
      }
    }
    return Optional.empty();
  }

  /**
   * Returns the worst status among the features and the prediction.
   *
   * @return the worst status, {@link DriftStatus#NO_DATA} when nothing had data
   */
  public DriftStatus worst() {
    DriftStatus worst = DriftStatus.NO_DATA;
    for (FeatureDrift f : features) {
      worst = f.status().compareTo(worst) > 0 ? f.status() : worst;
    }
    if (prediction != null && prediction.status().compareTo(worst) > 0) {
      worst = prediction.status();
    }
    return worst;
  }
}
