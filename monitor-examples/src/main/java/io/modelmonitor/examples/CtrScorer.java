package io.modelmonitor.examples;

import java.util.SplittableRandom;

/**
 * A hand-written click-through-rate scorer: logistic regression over a dense feature vector, the
 * kind of model recommendation services run in process. Deterministic weights, no allocation.
 */
final class CtrScorer {

  static final int FEATURES = 16;

  private final float[] weights = new float[FEATURES];
  private final float bias;

  CtrScorer(long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    for (int i = 0; i < FEATURES; i++) {
      weights[i] = (float) (random.nextDouble() - 0.5);
    }
    bias = -2.0f;
  }

  /** Returns P(click) for one user-item feature vector. */
  float predict(float[] features) {
    if (features.length != FEATURES) {
      throw new IllegalArgumentException("expected " + FEATURES + " features, got "
          + features.length);
    }
    double z = bias;
    for (int i = 0; i < FEATURES; i++) {
      z += weights[i] * features[i];
    }
    return (float) (1 / (1 + Math.exp(-z)));
  }
}
