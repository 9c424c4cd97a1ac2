package io.modelmonitor.onnx;

import java.util.Arrays;
import java.util.Objects;

/**
 * The class a model predicted for one row, with its probabilities. Immutable.
 *
 * <p>The label is the model's label output when it has one (an int64 label as {@link Long}, a
 * string label as {@link String}); otherwise the index of the highest probability as a
 * {@link Long}, and for a single score {@code p} the class {@code 1} when {@code p >= 0.5}.
 */
public final class Classification {

  private final Object label;
  private final double probability;
  private final double[] probabilities;
  private final double score;

  Classification(Object label, double probability, double[] probabilities, double score) {
    this.label = Objects.requireNonNull(label, "label");
    this.probability = probability;
    this.probabilities = probabilities;
    this.score = score;
  }

  /**
   * Returns the predicted class.
   *
   * @return a {@link Long} or a {@link String}; never null
   */
  public Object label() {
    return label;
  }

  /**
   * Returns the probability of the predicted class: the highest class probability.
   *
   * @return a probability, or NaN when the model has a label output only
   */
  public double probability() {
    return probability;
  }

  /**
   * Returns the probability of each class, in the order of the model's probability output
   * (widened from float); for a single score {@code p}, {@code [1 - p, p]}.
   *
   * @return a copy; empty when the model has a label output only
   */
  public double[] probabilities() {
    return probabilities.clone();
  }

  /**
   * Returns the row's score as {@link MonitoredOnnxSession#score} would: the score output's
   * value, or the probability of class 1 of a binary classifier.
   *
   * @return the score, or NaN for a model with more than two classes or without probabilities
   */
  public double score() {
    return score;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Classification c && label.equals(c.label)
        && Double.compare(probability, c.probability) == 0
        && Arrays.equals(probabilities, c.probabilities)
        && Double.compare(score, c.score) == 0;
  }

  @Override
  public int hashCode() {
    return 31 * label.hashCode() + Arrays.hashCode(probabilities);
  }

  @Override
  public String toString() {
    return "Classification{label=" + label + ", probability=" + probability
        + ", probabilities=" + Arrays.toString(probabilities) + '}';
  }
}
