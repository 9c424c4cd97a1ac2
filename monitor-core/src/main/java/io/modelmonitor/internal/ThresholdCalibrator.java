package io.modelmonitor.internal;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.Calibration;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureVisitor;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Computes {@link Calibration}s: the reference rows are split into consecutive chunks of the
 * live window's size, each chunk is counted exactly as live traffic would be and compared with
 * the whole baseline by the same code, and every statistic's mean and standard deviation over
 * the chunks are kept. Not public API; see {@code Baseline.Builder#calibrate(int)}.
 */
public final class ThresholdCalibrator {

  private ThresholdCalibrator() {}

  /**
   * Calibrates every feature of {@code baseline} (and its numeric prediction when
   * {@code scores} is given) on {@code rows}.
   *
   * @param schema reads the features
   * @param baseline the fitted profiles
   * @param rows the reference rows, in their original order
   * @param scores the reference scores aligned with {@code rows}, or null
   * @param chunkRows rows per chunk: the expected samples of a live window
   * @param <I> the input type
   * @return calibrations by feature name ({@code _prediction} for the scores) and statistic;
   *     empty when there are fewer than two full chunks
   */
  public static <I> Map<String, Map<DriftStatistic, Calibration>> calibrate(
      FeatureSchema<I> schema, Baseline baseline, Iterable<? extends I> rows, double[] scores,
      int chunkRows) {
    boolean withScores = scores != null && baseline.prediction().isPresent();
    if (withScores && rows instanceof java.util.Collection
        && ((java.util.Collection<?>) rows).size() != scores.length) {
      throw new IllegalArgumentException("calibration needs one score per row: "
          + ((java.util.Collection<?>) rows).size() + " rows, " + scores.length + " scores");
    }
    DriftTracker tracker = DriftTracker.create(schema, baseline, withScores, false,
        DriftPolicy.DEFAULTS.withMinSamples(1));
    Map<String, Map<DriftStatistic, List<Double>>> values = new LinkedHashMap<>();
    if (tracker == null) {
      return Map.of();
    }
    long[] bins = new long[tracker.binCells];
    double[] moments = new double[tracker.momentCells];
    FeatureVisitor counter = new FeatureVisitor() {
      @Override
      public void numeric(int f, double value) {
        tracker.numeric(bins, moments, f, value, false);
      }

      @Override
      public void category(int f, String value) {
        tracker.category(bins, moments, f, value, false);
      }

      @Override
      public void categoryId(int f, long id) {
        tracker.categoryId(bins, moments, f, id, false);
      }

      @Override
      public void vector(int f, Object vector) {
        tracker.vector(bins, moments, f, vector, false);
      }

      @Override
      public void missing(int f) {
        tracker.missing(bins, moments, f, false);
      }
    };
    Iterator<? extends I> it = rows.iterator();
    int row = 0;
    while (true) {
      java.util.Arrays.fill(bins, 0);
      tracker.resetMoments(moments);
      int n = 0;
      while (n < chunkRows && it.hasNext()) {
        schema.visit(it.next(), counter);
        if (withScores && row < scores.length) {
          tracker.predictionScore(bins, moments, scores[row], false, false);
        }
        row++;
        n++;
      }
      if (n < chunkRows) {
        break; // a partial chunk would calibrate on a smaller sample than a window
      }
      DriftReport report = tracker.report(bins, moments);
      List<FeatureDrift> drifts = new ArrayList<>(report.features());
      if (report.prediction() != null) {
        drifts.add(report.prediction());
      }
      for (FeatureDrift d : drifts) {
        Map<DriftStatistic, List<Double>> byStat =
            values.computeIfAbsent(d.feature(), k -> new EnumMap<>(DriftStatistic.class));
        d.statistics().forEach((stat, v) -> byStat.computeIfAbsent(stat,
            k -> new ArrayList<>()).add(v));
      }
    }
    Map<String, Map<DriftStatistic, Calibration>> out = new LinkedHashMap<>();
    values.forEach((feature, byStat) -> {
      Map<DriftStatistic, Calibration> calibrations = new EnumMap<>(DriftStatistic.class);
      byStat.forEach((stat, list) -> {
        if (list.size() >= 2) {
          double mean = list.stream().mapToDouble(Double::doubleValue).average().orElse(0);
          double ss = list.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
          calibrations.put(stat, new Calibration(mean, Math.sqrt(ss / (list.size() - 1)),
              list.size()));
        }
      });
      if (!calibrations.isEmpty()) {
        out.put(feature, calibrations);
      }
    });
    return out;
  }

  /**
   * The drift of {@code scores} against the baseline's numeric prediction profile, computed by
   * the monitor's own {@link DriftTracker} (see {@code Baseline.predictionDrift}).
   *
   * @param baseline a baseline with a numeric prediction profile
   * @param scores the live scores
   * @param policy thresholds and minimum samples
   * @return the prediction's drift
   */
  public static FeatureDrift predictionDrift(Baseline baseline, double[] scores,
      DriftPolicy policy) {
    DriftTracker tracker = DriftTracker.create(null, baseline, true, false, policy);
    long[] bins = new long[tracker.binCells];
    double[] moments = new double[tracker.momentCells];
    tracker.resetMoments(moments);
    for (double score : scores) {
      tracker.predictionScore(bins, moments, score, false, false);
    }
    return tracker.report(bins, moments).prediction();
  }
}
