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

  private PredictionSpec(ToDoubleFunction<? super O> score, Function<? super O, ?> label) {
    this.score = score;
    this.label = label;
  }

  /**
   * Observes a numeric score, read without boxing.
   *
   * @param score reads the score from the output, for example {@code Float::doubleValue}
   * @param <O> the output type
   * @return the spec
   */
  public static <O> PredictionSpec<O> score(ToDoubleFunction<? super O> score) {
    return new PredictionSpec<>(Objects.requireNonNull(score, "score"), null);
  }

  /**
   * Observes a class label: a string, an enum constant or an integral id.
   *
   * @param label reads the label from the output
   * @param <O> the output type
   * @return the spec
   */
  public static <O> PredictionSpec<O> label(Function<? super O, ?> label) {
    return new PredictionSpec<>(null, Objects.requireNonNull(label, "label"));
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
