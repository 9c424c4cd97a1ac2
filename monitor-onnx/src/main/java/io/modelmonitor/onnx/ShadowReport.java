package io.modelmonitor.onnx;

import io.modelmonitor.drift.FeatureDrift;
import java.util.Objects;

/**
 * How a challenger compares with its champion on the same rows, at one moment.
 *
 * @param champion the champion's monitor, {@code name:version}
 * @param challenger the challenger's monitor, {@code name:version}
 * @param comparedRows rows scored by both since start
 * @param comparedCalls challenger calls that completed and were compared since start
 * @param droppedCalls challenger calls dropped because its queue was full
 * @param failedCalls challenger calls that threw (the champion's result was unaffected)
 * @param meanAbsDiff mean of {@code |challenger - champion|} over the compared rows without
 *     NaN; 0 before the first
 * @param maxAbsDiff largest {@code |challenger - champion|} seen on rows without NaN
 * @param tolerance the configured tolerance
 * @param exceedShare share of compared rows that disagree: their difference exceeds
 *     {@code tolerance}, or one side only is NaN
 * @param nanRows compared rows with NaN on either side; kept out of {@code meanAbsDiff},
 *     {@code maxAbsDiff} and the window of {@code drift}
 * @param topKOverlap mean over compared batches of at least two rows of
 *     {@code |top-k(champion) ∩ top-k(challenger)| / k} (k capped by the batch size); NaN
 *     before the first such batch
 * @param rankedBatches batches behind {@code topKOverlap}
 * @param windowRows compared rows kept for the distribution comparison (the last ones without
 *     NaN, at most the configured window)
 * @param drift the challenger's scores of the kept rows against a baseline frozen from the
 *     champion's scores of the same rows, with the statistics and verdict of a monitor window
 *     (feature {@code _prediction})
 */
public record ShadowReport(String champion, String challenger, long comparedRows,
    long comparedCalls, long droppedCalls, long failedCalls, double meanAbsDiff,
    double maxAbsDiff, double tolerance, double exceedShare, long nanRows, double topKOverlap,
    long rankedBatches, int windowRows, FeatureDrift drift) {

  /**
   * Creates the record after validating its components.
   *
   * @param champion see {@link #champion()}
   * @param challenger see {@link #challenger()}
   * @param comparedRows see {@link #comparedRows()}
   * @param comparedCalls see {@link #comparedCalls()}
   * @param droppedCalls see {@link #droppedCalls()}
   * @param failedCalls see {@link #failedCalls()}
   * @param meanAbsDiff see {@link #meanAbsDiff()}
   * @param maxAbsDiff see {@link #maxAbsDiff()}
   * @param tolerance see {@link #tolerance()}
   * @param exceedShare see {@link #exceedShare()}
   * @param nanRows see {@link #nanRows()}
   * @param topKOverlap see {@link #topKOverlap()}
   * @param rankedBatches see {@link #rankedBatches()}
   * @param windowRows see {@link #windowRows()}
   * @param drift see {@link #drift()}
   */
  public ShadowReport {
    Objects.requireNonNull(champion, "champion");
    Objects.requireNonNull(challenger, "challenger");
    Objects.requireNonNull(drift, "drift");
  }
}
