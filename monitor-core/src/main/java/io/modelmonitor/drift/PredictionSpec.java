package io.modelmonitor.drift;

import java.util.Objects;
import java.util.function.Function;
import java.util.function.ToDoubleFunction;

/**
 * What to observe in a model's output: a numeric score (CTR, CVR, a ranking score) or a class
 * label. Observed outputs are compared with the baseline's prediction profile.
 *
 * @param <O> the output type
 */
public final class PredictionSpec<O> {

  private final ToDoubleFunction<? super O> score;
  private final Function<? super O, ?> label;
  private final Function<? super O, ? extends java.util.Collection<?>> ranked;
  private final RankedOptions rankedOptions;

  private PredictionSpec(ToDoubleFunction<? super O> score, Function<? super O, ?> label,
      Function<? super O, ? extends java.util.Collection<?>> ranked, RankedOptions options) {
    this.score = score;
    this.label = label;
    this.ranked = ranked;
    this.rankedOptions = options;
  }

  /**
   * Options of a ranked-output spec.
   *
   * @param catalogueSize items in the catalogue, for coverage and Gini; 0 when unknown
   * @param maxItems distinct items tracked; more share the overflow count (memory stays fixed)
   * @param topItems how many of the most frequent items a summary lists
   */
  public record RankedOptions(long catalogueSize, int maxItems, int topItems) {

    /** Unknown catalogue, 10,000 tracked items, top 10 listed. */
    public static final RankedOptions DEFAULTS = new RankedOptions(0, 10_000, 10);

    /**
     * Creates the record after validating its components.
     *
     * @param catalogueSize see {@link #catalogueSize()}
     * @param maxItems see {@link #maxItems()}
     * @param topItems see {@link #topItems()}
     * @throws IllegalArgumentException if out of range
     */
    public RankedOptions {
      if (catalogueSize < 0 || maxItems < 1 || maxItems > 1_000_000 || topItems < 1
          || topItems > 1_000) {
        throw new IllegalArgumentException("invalid ranked options: catalogueSize="
            + catalogueSize + ", maxItems=" + maxItems + ", topItems=" + topItems);
      }
    }

    /**
     * Returns a copy with a catalogue size.
     *
     * @param size items in the catalogue
     * @return the copy
     */
    public RankedOptions catalogueSize(long size) {
      return new RankedOptions(size, maxItems, topItems);
    }

    /**
     * Returns a copy tracking up to {@code max} distinct items.
     *
     * @param max 1 to 1,000,000
     * @return the copy
     */
    public RankedOptions maxItems(int max) {
      return new RankedOptions(catalogueSize, max, topItems);
    }
  }

  /**
   * Observes a numeric score, read without boxing.
   *
   * @param score reads the score from the output, for example {@code Float::doubleValue}
   * @param <O> the output type
   * @return the spec
   */
  public static <O> PredictionSpec<O> score(ToDoubleFunction<? super O> score) {
    return new PredictionSpec<>(Objects.requireNonNull(score, "score"), null, null, null);
  }

  /**
   * Observes a class label: a string, an enum constant or an integral id.
   *
   * @param label reads the label from the output
   * @param <O> the output type
   * @return the spec
   */
  public static <O> PredictionSpec<O> label(Function<? super O, ?> label) {
    return new PredictionSpec<>(null, Objects.requireNonNull(label, "label"), null, null);
  }

  /**
   * Observes ranked outputs (recommendation lists): which items are recommended how often,
   * catalogue coverage and concentration. Needs no baseline.
   *
   * @param items reads the recommended items (strings or ids) from the output
   * @param options catalogue size, tracked items, listed top items
   * @param <O> the output type
   * @return the spec
   */
  public static <O> PredictionSpec<O> ranked(
      Function<? super O, ? extends java.util.Collection<?>> items, RankedOptions options) {
    return new PredictionSpec<>(null, null, Objects.requireNonNull(items, "items"),
        Objects.requireNonNull(options, "options"));
  }

  /**
   * Returns the ranked-items reader, or null for other specs.
   *
   * @return the reader
   */
  public Function<? super O, ? extends java.util.Collection<?>> rankedReader() {
    return ranked;
  }

  /**
   * Returns the ranked-output options, or null for other specs.
   *
   * @return the options
   */
  public RankedOptions rankedOptions() {
    return rankedOptions;
  }

  /**
   * Returns whether this observes ranked outputs.
   *
   * @return true for {@link #ranked(Function, RankedOptions)}
   */
  public boolean isRanked() {
    return ranked != null;
  }

  /**
   * Returns what this spec reads: {@code score}, {@code label} or {@code ranked}.
   *
   * @return the kind
   */
  public String kind() {
    return score != null ? "score" : label != null ? "label" : "ranked";
  }

  /**
   * Returns the score reader, or null for a label spec.
   *
   * @return the reader
   */
  public ToDoubleFunction<? super O> scoreReader() {
    return score;
  }

  /**
   * Returns the label reader, or null for a score spec.
   *
   * @return the reader
   */
  public Function<? super O, ?> labelReader() {
    return label;
  }

  /**
   * Returns whether this observes a numeric score.
   *
   * @return true for {@link #score(ToDoubleFunction)}
   */
  public boolean isScore() {
    return score != null;
  }
}
