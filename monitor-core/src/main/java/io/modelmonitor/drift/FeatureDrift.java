package io.modelmonitor.drift;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * How far one feature (or the prediction) moved from its baseline over one window.
 *
 * @param feature the feature name, or {@code _prediction}
 * @param samples live observations in the window, missing ones included
 * @param baselineCount reference rows of the baseline profile
 * @param missingShare share of live observations that were missing (absent, null, NaN)
 * @param mean live mean of the non-missing values (numeric; for vectors: of the norms); 0 when
 *     there are none
 * @param std live standard deviation of the same values; 0 when fewer than two
 * @param statistics every statistic computed for this feature; empty under
 *     {@link DriftStatus#NO_DATA}, never NaN
 * @param primary the statistic the status is judged on
 * @param status the verdict
 */
public record FeatureDrift(String feature, long samples, long baselineCount, double missingShare,
    double mean, double std, Map<DriftStatistic, Double> statistics, DriftStatistic primary,
    DriftStatus status) {

  /**
   * Creates the record after validating and copying its components.
   *
   * @param feature see {@link #feature()}
   * @param samples see {@link #samples()}
   * @param baselineCount see {@link #baselineCount()}
   * @param missingShare see {@link #missingShare()}
   * @param mean see {@link #mean()}
   * @param std see {@link #std()}
   * @param statistics see {@link #statistics()}
   * @param primary see {@link #primary()}
   * @param status see {@link #status()}
   */
  public FeatureDrift {
    Objects.requireNonNull(feature, "feature");
    Objects.requireNonNull(primary, "primary");
    Objects.requireNonNull(status, "status");
    EnumMap<DriftStatistic, Double> copy = new EnumMap<>(DriftStatistic.class);
    copy.putAll(Objects.requireNonNull(statistics, "statistics"));
    for (Map.Entry<DriftStatistic, Double> e : copy.entrySet()) {
      if (!Double.isFinite(e.getValue())) {
        throw new IllegalArgumentException(feature + ": " + e.getKey() + " is not finite: "
            + e.getValue());
      }
    }
    statistics = Collections.unmodifiableMap(copy);
  }

  /**
   * Returns one statistic.
   *
   * @param statistic the statistic
   * @return its value, or 0 when it was not computed (see {@link #statistics()})
   */
  public double value(DriftStatistic statistic) {
    return statistics.getOrDefault(statistic, 0.0);
  }
}
