package io.modelmonitor.drift;

import java.util.List;
import java.util.Objects;

/**
 * What a ranking model recommended over one window: how concentrated the recommendations are
 * and how much of the catalogue they cover. Items beyond the tracked vocabulary
 * ({@link PredictionSpec.RankedOptions#maxItems(int)}) are counted in {@code overflowShare} only.
 *
 * @param lists ranked outputs observed
 * @param recommendations items in them
 * @param distinct distinct tracked items recommended
 * @param coverage {@code distinct / catalogueSize}, or 0 when the catalogue size is unknown
 * @param gini Gini coefficient of the item counts (0 all items equally often, near 1 one item
 *     always), over the catalogue when its size is known (unrecommended items count as 0), else
 *     over the items recommended
 * @param topShare share of recommendations taken by the {@code top.size()} most frequent items
 * @param top the most frequent items with their shares, most frequent first
 * @param overflowShare share of recommendations of items beyond the tracked vocabulary
 */
public record RecommendationSummary(long lists, long recommendations, long distinct,
    double coverage, double gini, double topShare, List<ItemShare> top, double overflowShare) {

  /** Nothing recommended. */
  public static final RecommendationSummary EMPTY =
      new RecommendationSummary(0, 0, 0, 0, 0, 0, List.of(), 0);

  /**
   * One item and its share of the recommendations.
   *
   * @param item the item, as text
   * @param share its share
   */
  public record ItemShare(String item, double share) {

    /**
     * Creates the record after validating its components.
     *
     * @param item see {@link #item()}
     * @param share see {@link #share()}
     */
    public ItemShare {
      Objects.requireNonNull(item, "item");
    }
  }

  /**
   * Creates the record after copying its components.
   *
   * @param lists see {@link #lists()}
   * @param recommendations see {@link #recommendations()}
   * @param distinct see {@link #distinct()}
   * @param coverage see {@link #coverage()}
   * @param gini see {@link #gini()}
   * @param topShare see {@link #topShare()}
   * @param top see {@link #top()}
   * @param overflowShare see {@link #overflowShare()}
   */
  public RecommendationSummary {
    top = List.copyOf(Objects.requireNonNull(top, "top"));
  }

  /**
   * The Gini coefficient of counts, {@code sum_i (2i - n - 1) x_i / (n sum x)} over the counts
   * sorted ascending (i from 1); 0 for no counts.
   *
   * @param sortedAscending the counts, ascending; zeros included
   * @return the coefficient in [0, 1)
   */
  public static double gini(long[] sortedAscending) {
    return gini(sortedAscending, sortedAscending.length);
  }

  /**
   * The Gini coefficient over a population of which only the non-zero counts are given: the
   * {@code population - counts.length} zero counts sit at the bottom and add nothing to the
   * weighted sum, so no array of the population's size is needed.
   *
   * @param nonZeroAscending the non-zero counts, ascending
   * @param population the size of the population, at least {@code nonZeroAscending.length}
   * @return the coefficient in [0, 1)
   */
  public static double gini(long[] nonZeroAscending, long population) {
    long zeros = population - nonZeroAscending.length;
    double n = population;
    double sum = 0;
    double weighted = 0;
    for (int j = 0; j < nonZeroAscending.length; j++) {
      double rank = zeros + j + 1.0;
      sum += nonZeroAscending[j];
      weighted += (2 * rank - n - 1) * nonZeroAscending[j];
    }
    return population == 0 || sum == 0 ? 0 : weighted / (n * sum);
  }
}
