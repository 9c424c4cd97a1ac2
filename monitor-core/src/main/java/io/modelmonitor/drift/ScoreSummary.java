package io.modelmonitor.drift;

/**
 * The distribution of a model's scores over one window, beyond drift: central values, tails
 * against the baseline, and repeats (a stuck model answers the same score again and again).
 *
 * <p>Percentiles are approximate: they interpolate linearly inside the baseline's bins, shaped
 * by the baseline quantiles that fall inside a bin. The repeat share compares each score with the
 * previous one observed on the same thread (exact for threads with a cell of their own,
 * approximate on the shared cell). All values are 0 when there were no samples.
 *
 * @param samples scores observed in the window
 * @param mean their mean
 * @param std their standard deviation
 * @param p50 approximate median
 * @param p90 approximate 90th percentile
 * @param p99 approximate 99th percentile
 * @param belowBaselineP1 share of scores below the baseline's 1st percentile (expected ~0.01)
 * @param aboveBaselineP99 share of scores above the baseline's 99th percentile (expected ~0.01)
 * @param repeatShare share of scores equal to the previous score of the same thread
 */
public record ScoreSummary(long samples, double mean, double std, double p50, double p90,
    double p99, double belowBaselineP1, double aboveBaselineP99, double repeatShare) {

  /** No scores. */
  public static final ScoreSummary EMPTY = new ScoreSummary(0, 0, 0, 0, 0, 0, 0, 0, 0);
}
