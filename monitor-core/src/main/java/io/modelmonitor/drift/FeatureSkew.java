package io.modelmonitor.drift;

import java.util.Objects;

/**
 * Whether a feature the training pipeline standard-scaled still arrives scaled: the model saw
 * values with mean 0 and standard deviation 1, and serving should feed it the same.
 *
 * <p>Verdicts, judged on the window's live mean {@code m} and standard deviation {@code s}
 * against the baseline's scaler (mean {@code mu}, scale {@code sigma}):
 * {@link Verdict#OK} when {@code |m| <= 0.5} and {@code 0.5 <= s <= 2};
 * {@link Verdict#UNSCALED} when the values look raw ({@code |m - mu| <= 0.5 sigma},
 * {@code 0.5 <= s / sigma <= 2}): the scaling step is missing;
 * {@link Verdict#DOUBLE_SCALED} when they look scaled twice ({@code |m + mu / sigma| <= 0.5 /
 * sigma}, {@code 0.5 <= s sigma <= 2}); {@link Verdict#SHIFTED} otherwise.
 *
 * @param feature the feature name
 * @param samples live observations with a value in the window
 * @param mean live mean
 * @param std live standard deviation
 * @param scaling the scaler the training pipeline applied
 * @param verdict the diagnosis
 */
public record FeatureSkew(String feature, long samples, double mean, double std, Scaling scaling,
    Verdict verdict) {

  /** The diagnosis of one scaled feature. */
  public enum Verdict {
    /** Fewer live samples than the drift policy's minimum. */
    NO_DATA,
    /** Scaled as in training. */
    OK,
    /** Not scaled: the values look like the raw ones the scaler was fitted on. */
    UNSCALED,
    /** Scaled twice. */
    DOUBLE_SCALED,
    /** Neither: the values moved, or another transformation changed. */
    SHIFTED
  }

  /**
   * Creates the record after validating its components.
   *
   * @param feature see {@link #feature()}
   * @param samples see {@link #samples()}
   * @param mean see {@link #mean()}
   * @param std see {@link #std()}
   * @param scaling see {@link #scaling()}
   * @param verdict see {@link #verdict()}
   */
  public FeatureSkew {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(scaling, "scaling");
    Objects.requireNonNull(verdict, "verdict");
  }

  /**
   * Judges live moments against a scaler.
   *
   * @param feature the feature name
   * @param samples live values behind the moments
   * @param minSamples fewest values for a verdict
   * @param mean live mean
   * @param std live standard deviation
   * @param scaling the training scaler
   * @return the skew
   */
  public static FeatureSkew judge(String feature, long samples, long minSamples, double mean,
      double std, Scaling scaling) {
    Verdict v;
    double mu = scaling.mean();
    double sigma = scaling.scale();
    if (samples < minSamples) {
      v = Verdict.NO_DATA;
    } else if (Math.abs(mean) <= 0.5 && std >= 0.5 && std <= 2) {
      v = Verdict.OK;
    } else if (Math.abs(mean - mu) <= 0.5 * sigma && std / sigma >= 0.5 && std / sigma <= 2) {
      v = Verdict.UNSCALED;
    } else if (Math.abs(mean + mu / sigma) <= 0.5 / sigma && std * sigma >= 0.5
        && std * sigma <= 2) {
      v = Verdict.DOUBLE_SCALED;
    } else {
      v = Verdict.SHIFTED;
    }
    return new FeatureSkew(feature, samples, samples < minSamples ? 0 : mean,
        samples < minSamples ? 0 : std, scaling, v);
  }
}
