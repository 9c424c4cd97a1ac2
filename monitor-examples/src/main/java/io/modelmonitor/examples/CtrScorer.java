package io.modelmonitor.examples;

import java.util.SplittableRandom;

/**
 * A hand-written click-through-rate scorer: logistic regression over a dense feature vector, the
 * kind of model recommendation services run in process. Deterministic weights, no allocation.
 */
final class CtrScorer {

  static final int FEATURES = 16;
  /** Position of the item price (yuan) in the feature vector. */
  static final int PRICE = 0;

  /** The feature names in position order. */
  static String[] featureNames() {
    String[] names = new String[FEATURES];
    names[PRICE] = "price";
    for (int i = 1; i < FEATURES; i++) {
      names[i] = "f" + i;
    }
    return names;
  }

  /** Fills one request's features: a price in yuan and standardised embedding features. */
  static void fill(float[] features, java.util.Random random) {
    for (int i = 0; i < features.length; i++) {
      features[i] = (float) random.nextGaussian();
    }
    features[PRICE] = (float) (10 + random.nextDouble() * 490);
  }

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
    double z = bias + 0.002 * features[PRICE];
    for (int i = 1; i < FEATURES; i++) {
      z += weights[i] * features[i];
    }
    return (float) (1 / (1 + Math.exp(-z)));
  }
}
