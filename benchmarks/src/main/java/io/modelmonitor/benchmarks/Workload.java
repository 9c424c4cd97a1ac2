package io.modelmonitor.benchmarks;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.schema.FeatureSchema;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The workload every row of the suite shares: a 20-feature request, a tiny deterministic model
 * (a logistic score) and one pre-generated, seeded value stream.
 *
 * <p>The model writes its score into a result object owned by the request, so the bare call
 * allocates nothing and the B/op column shows only what the monitoring allocates.
 */
public final class Workload {

  /** Numeric features per request. */
  public static final int FEATURES = 20;
  /** Requests in the pre-generated stream (a power of two; cycled by an index). */
  public static final int STREAM = 1 << 10;
  /** Seed of the value stream; every library is fed the same values in the same order. */
  public static final long SEED = 20_261_129L;

  private static final double[] WEIGHTS = new double[FEATURES];
  private static final double BIAS = -0.5;
  private static final String[] NAMES = new String[FEATURES];

  static {
    for (int i = 0; i < FEATURES; i++) {
      WEIGHTS[i] = (i % 2 == 0 ? 0.05 : -0.04) / (1 + i % 5);
      NAMES[i] = "f" + i;
    }
  }

  private Workload() {}

  /** The model's result: a probability, written by {@link #score(Request)}. */
  public static final class Prediction {
    double score;

    /**
     * Returns the probability.
     *
     * @return the score in (0, 1)
     */
    public double score() {
      return score;
    }
  }

  /** One request: 20 numeric features, a request id (set by the feedback rows), the result. */
  public static final class Request {
    final float[] x;
    final Prediction out = new Prediction();
    /** The request id read by the feedback row; null elsewhere. */
    Object id;

    Request(float[] x) {
      this.x = x;
    }

    /**
     * Returns the features.
     *
     * @return the live array, length {@link #FEATURES}
     */
    public float[] features() {
      return x;
    }
  }

  /**
   * The tiny model: {@code sigmoid(b + w . x)} over 20 features.
   *
   * @param r the request
   * @return the request's result object, holding the score
   */
  public static Prediction score(Request r) {
    float[] x = r.x;
    double z = BIAS;
    for (int i = 0; i < FEATURES; i++) {
      z += WEIGHTS[i] * x[i];
    }
    Prediction p = r.out;
    p.score = 1 / (1 + Math.exp(-z));
    return p;
  }

  /**
   * Returns the feature names {@code f0..f19}.
   *
   * @return a new array
   */
  public static String[] names() {
    return NAMES.clone();
  }

  /**
   * Generates the value stream: feature {@code i} is log-normal, {@code (1 + i % 5) * exp(N(0,
   * 0.5))}, positive like most real features (prices, counts, rates) and as Micrometer's
   * bucket boundaries require; the same values for every caller.
   *
   * @param count how many requests
   * @param seed the seed
   * @return fresh requests
   */
  public static Request[] stream(int count, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    Request[] out = new Request[count];
    for (int r = 0; r < count; r++) {
      float[] x = new float[FEATURES];
      for (int i = 0; i < FEATURES; i++) {
        x[i] = (float) ((1 + i % 5) * Math.exp(0.5 * gaussian(random)));
      }
      out[r] = new Request(x);
    }
    return out;
  }

  private static double gaussian(SplittableRandom random) {
    // Box-Muller: SplittableRandom has no nextGaussian on Java 17
    double u = 1 - random.nextDouble();
    double v = random.nextDouble();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /**
   * The schema of a request: 20 numeric features read by extractors, range [0, 1000].
   *
   * @return the schema
   */
  public static FeatureSchema<Request> schema() {
    FeatureSchema.Builder<Request> b = FeatureSchema.forType(Request.class);
    for (int i = 0; i < FEATURES; i++) {
      int k = i;
      b.numeric(NAMES[i], r -> r.x[k], f -> f.range(0, 1000));
    }
    return b.build();
  }

  /**
   * The training baseline: 20,000 requests from another seed of the same distribution, with the
   * model's scores on them (default 10 bins).
   *
   * @param schema the schema reading the features
   * @return the baseline
   */
  public static Baseline baseline(FeatureSchema<Request> schema) {
    Request[] training = stream(20_000, SEED + 1);
    double[] scores = new double[training.length];
    List<Request> rows = new ArrayList<>(training.length);
    for (int i = 0; i < training.length; i++) {
      scores[i] = score(training[i]).score;
      rows.add(training[i]);
    }
    return Baseline.builder().features(rows, schema).predictions(scores).build();
  }

  /**
   * The upper bin edges of the baseline's numeric profile of {@code feature}, for the naive
   * peers' histograms (the same bins our drift tracking counts).
   *
   * @param baseline the baseline
   * @param feature the feature name, or null for the prediction
   * @return the finite bin edges, ascending
   */
  static double[] edges(Baseline baseline, String feature) {
    io.modelmonitor.drift.FeatureProfile p = feature == null
        ? baseline.prediction().orElseThrow() : baseline.features().get(feature);
    return ((io.modelmonitor.drift.NumericProfile) p).edges();
  }
}
