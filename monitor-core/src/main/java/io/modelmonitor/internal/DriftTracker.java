package io.modelmonitor.internal;

import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.CategoricalProfile;
import io.modelmonitor.drift.DriftPolicy;
import io.modelmonitor.drift.DriftReport;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatistics;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.drift.FeatureDrift;
import io.modelmonitor.drift.FeatureProfile;
import io.modelmonitor.drift.NumericProfile;
import io.modelmonitor.drift.VectorProfile;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.FeatureSpec;
import io.modelmonitor.schema.FeatureType;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Live distributions against a baseline: where each observed value is counted, and the drift
 * statistics computed from those counts when a window closes.
 *
 * <p>Design note. Every tracked feature owns a fixed stretch of a cell's {@code bins} (one count
 * per baseline bin) and {@code moments} ({@value #MOMENTS} doubles: count, sum and sum of
 * squares of {@code x - baseline mean}, min, max; vectors add their component sums). Writes
 * happen inside the cell's phaser critical section, plainly for a per-thread cell and atomically
 * (CAS loops for doubles) for the shared cell, so memory is fixed per feature whatever the
 * traffic: a million distinct categories all land in the {@code other} bin. Reading, merging and
 * statistics happen on the drainer side only.
 */
final class DriftTracker {

  static final int MOMENTS = 5;
  static final String PREDICTION = "_prediction";

  private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  private static final VarHandle DOUBLES = MethodHandles.arrayElementVarHandle(double[].class);

  private enum Kind { NUMERIC, CATEGORICAL, VECTOR }

  /** One tracked feature (or the prediction). */
  private static final class Slot {
    final String name;
    final Kind kind;
    final NumericProfile numeric; // the feature's, or the vector's norms
    final CategoricalProfile categorical;
    final int binOffset;
    final int bins;
    final int momentOffset;
    final int vectorOffset;
    final int dimension;
    final double center;
    final double[] baseMean;
    final double[] baseShares;
    final double[] edges;
    io.modelmonitor.drift.Scaling scaling;
    /** One bin per distinct value (first edge doubled): the mass sits on the values. */
    boolean discrete;
    /** Extra counters after the moments: below p1, above p99, repeats (score prediction). */
    int extras;
    double lowTail;
    double highTail;
    /** Calibrated thresholds by statistic, or empty. */
    Map<DriftStatistic, io.modelmonitor.drift.Calibration> calibration = Map.of();

    Slot(String name, FeatureProfile p, int binOffset, int momentOffset, int vectorOffset) {
      this.name = name;
      this.binOffset = binOffset;
      this.momentOffset = momentOffset;
      this.vectorOffset = vectorOffset;
      this.bins = p.binCount();
      if (p instanceof CategoricalProfile) {
        this.kind = Kind.CATEGORICAL;
        this.categorical = (CategoricalProfile) p;
        this.numeric = null;
        this.dimension = 0;
        this.baseMean = null;
        this.baseShares = categorical.shares();
        this.edges = null;
        this.center = 0;
      } else {
        this.categorical = null;
        if (p instanceof VectorProfile) {
          this.kind = Kind.VECTOR;
          this.numeric = ((VectorProfile) p).norms();
          this.dimension = ((VectorProfile) p).dimension();
          this.baseMean = ((VectorProfile) p).mean();
        } else {
          this.kind = Kind.NUMERIC;
          this.numeric = (NumericProfile) p;
          this.dimension = 0;
          this.baseMean = null;
        }
        this.baseShares = numeric.shares();
        this.edges = numeric.edges();
        this.center = numeric.mean();
        this.discrete = edges.length >= 2 && edges[0] == edges[1];
      }
    }
  }

  private final Slot[] features;
  private final Slot prediction;
  private final DriftPolicy policy;
  private final int stride;
  final int binCells;
  final int momentCells;

  private DriftTracker(Slot[] features, Slot prediction, DriftPolicy policy, int binCells,
      int momentCells) {
    this.features = features;
    this.prediction = prediction;
    this.policy = policy;
    this.stride = (int) Math.max(1, Math.round(1 / policy.sampleRate()));
    this.binCells = binCells;
    this.momentCells = momentCells;
  }

  /**
   * Lays out the features of {@code schema} that {@code baseline} profiles, and the prediction
   * when both the baseline and {@code trackPrediction} say so; null when nothing is tracked.
   *
   * @throws IllegalArgumentException if a profile does not fit its feature's type
   */
  static DriftTracker create(FeatureSchema<?> schema, Baseline baseline, boolean scorePrediction,
      boolean labelPrediction, DriftPolicy policy) {
    if (baseline == null) {
      return null;
    }
    int bins = 0;
    int moments = 0;
    Slot[] slots = new Slot[schema == null ? 0 : schema.features().size()];
    boolean any = false;
    for (int i = 0; i < slots.length; i++) {
      FeatureSpec f = schema.features().get(i);
      FeatureProfile p = baseline.features().get(f.name());
      if (p == null) {
        continue;
      }
      checkFits(f.name(), f.type(), p);
      int vectorOffset = moments + MOMENTS;
      slots[i] = new Slot(f.name(), p, bins, moments, vectorOffset);
      if (slots[i].kind == Kind.NUMERIC) {
        slots[i].scaling = baseline.preprocessing().get(f.name());
      }
      slots[i].calibration = baseline.calibration().getOrDefault(f.name(), Map.of());
      bins += slots[i].bins;
      moments += MOMENTS + slots[i].dimension;
      any = true;
    }
    Slot prediction = null;
    FeatureProfile p = baseline.prediction().orElse(null);
    if (p != null && (scorePrediction || labelPrediction)) {
      if (scorePrediction != (p instanceof NumericProfile)) {
        throw new IllegalArgumentException("the baseline's prediction profile is "
            + kindOf(p) + " but the prediction spec reads a "
            + (scorePrediction ? "score" : "label"));
      }
      prediction = new Slot(PREDICTION, p, bins, moments, moments + MOMENTS);
      prediction.calibration = baseline.calibration().getOrDefault(PREDICTION, Map.of());
      bins += prediction.bins;
      moments += MOMENTS;
      if (prediction.kind == Kind.NUMERIC) {
        double[] q = prediction.numeric.quantiles();
        prediction.lowTail = q[0];
        prediction.highTail = q[q.length - 1];
        prediction.extras = 3;
        moments += 3;
      }
      any = true;
    }
    return any ? new DriftTracker(slots, prediction, policy, bins, moments) : null;
  }

  private static String kindOf(FeatureProfile p) {
    return p instanceof NumericProfile ? "numeric" : p instanceof CategoricalProfile
        ? "categorical" : "vector";
  }

  private static void checkFits(String name, FeatureType type, FeatureProfile p) {
    boolean fits = type == FeatureType.CATEGORICAL ? p instanceof CategoricalProfile
        : type == FeatureType.VECTOR ? p instanceof VectorProfile : p instanceof NumericProfile;
    if (!fits) {
      throw new IllegalArgumentException("baseline profile of '" + name + "' is " + kindOf(p)
          + " but the schema declares " + type.jsonName());
    }
  }

  int stride() {
    return stride;
  }

  boolean scoresPrediction() {
    return prediction != null && prediction.kind == Kind.NUMERIC;
  }

  /** Features with a standard scaler in the baseline. */
  List<String> scaledFeatures() {
    List<String> out = new ArrayList<>();
    for (Slot s : features) {
      if (s != null && s.scaling != null) {
        out.add(s.name);
      }
    }
    return out;
  }

  /** Where one tracked name's bin counts live, and the baseline's share of each bin. */
  record BinLayout(String feature, int offset, double[] baselineShares) {}

  /** The bin layout of every tracked name (features, then {@code _prediction}). */
  List<BinLayout> binLayouts() {
    List<BinLayout> out = new java.util.ArrayList<>();
    for (Slot s : features) {
      if (s != null) {
        out.add(new BinLayout(s.name, s.binOffset, s.baseShares.clone()));
      }
    }
    if (prediction != null) {
      out.add(new BinLayout(prediction.name, prediction.binOffset,
          prediction.baseShares.clone()));
    }
    return out;
  }

  /** Every tracked name (features, then {@code _prediction}) with the statistics it reports. */
  Map<String, java.util.Set<DriftStatistic>> exported() {
    Map<String, java.util.Set<DriftStatistic>> out = new java.util.LinkedHashMap<>();
    for (Slot s : features) {
      if (s != null) {
        out.put(s.name, statisticsOf(s));
      }
    }
    if (prediction != null) {
      out.put(prediction.name, statisticsOf(prediction));
    }
    return out;
  }

  private static java.util.Set<DriftStatistic> statisticsOf(Slot s) {
    java.util.EnumSet<DriftStatistic> set = java.util.EnumSet.of(DriftStatistic.PSI,
        DriftStatistic.JENSEN_SHANNON);
    if (s.kind == Kind.CATEGORICAL) {
      set.add(DriftStatistic.L_INFINITY);
      set.add(DriftStatistic.CHI_SQUARE);
      set.add(DriftStatistic.CHI_SQUARE_P);
    } else {
      set.add(DriftStatistic.KS);
      set.add(DriftStatistic.WASSERSTEIN);
      if (s.kind == Kind.VECTOR) {
        set.add(DriftStatistic.COSINE_DISTANCE);
      }
    }
    return set;
  }

  /** Fills fresh moment arrays: min starts at +inf, max at -inf. */
  void resetMoments(double[] m) {
    java.util.Arrays.fill(m, 0);
    for (Slot s : features) {
      if (s != null) {
        resetOne(m, s);
      }
    }
    if (prediction != null) {
      resetOne(m, prediction);
    }
  }

  private static void resetOne(double[] m, Slot s) {
    m[s.momentOffset + 3] = Double.POSITIVE_INFINITY;
    m[s.momentOffset + 4] = Double.NEGATIVE_INFINITY;
  }

  /** Merges {@code from} into {@code into}: counts and sums add, min and max combine. */
  void mergeMoments(double[] into, double[] from) {
    for (Slot s : features) {
      if (s != null) {
        mergeOne(into, from, s);
      }
    }
    if (prediction != null) {
      mergeOne(into, from, prediction);
    }
  }

  private static void mergeOne(double[] into, double[] from, Slot s) {
    int o = s.momentOffset;
    into[o] += from[o];
    into[o + 1] += from[o + 1];
    into[o + 2] += from[o + 2];
    into[o + 3] = Math.min(into[o + 3], from[o + 3]);
    into[o + 4] = Math.max(into[o + 4], from[o + 4]);
    for (int k = 0; k < s.extras; k++) {
      into[o + MOMENTS + k] += from[o + MOMENTS + k];
    }
    for (int d = 0; d < s.dimension; d++) {
      into[s.vectorOffset + d] += from[s.vectorOffset + d];
    }
  }

  // ---------------------------------------------------------------- writes (hot, sampled)

  private static void count(long[] bins, int index, boolean atomic) {
    if (atomic) {
      LONGS.getAndAdd(bins, index, 1L);
    } else {
      bins[index]++;
    }
  }

  private static void add(double[] m, int index, double value, boolean atomic) {
    if (!atomic) {
      m[index] += value;
      return;
    }
    double current;
    do {
      current = (double) DOUBLES.getVolatile(m, index);
    } while (!DOUBLES.compareAndSet(m, index, current, current + value));
  }

  /** Keeps the lowest (or highest) value seen at {@code m[index]}; a CAS loop when shared. */
  private static void keepExtreme(double[] m, int index, double value, boolean atomic,
      boolean lowest) {
    double current = atomic ? (double) DOUBLES.getVolatile(m, index) : m[index];
    while (lowest ? value < current : value > current) {
      if (!atomic) {
        m[index] = value;
        return;
      }
      if (DOUBLES.compareAndSet(m, index, current, value)) {
        return;
      }
      current = (double) DOUBLES.getVolatile(m, index);
    }
  }

  private static void moments(double[] m, Slot s, double x, boolean atomic) {
    if (!Double.isFinite(x)) {
      return;
    }
    int o = s.momentOffset;
    double d = x - s.center;
    add(m, o, 1, atomic);
    add(m, o + 1, d, atomic);
    add(m, o + 2, d * d, atomic);
    keepExtreme(m, o + 3, x, atomic, true);
    keepExtreme(m, o + 4, x, atomic, false);
  }

  void numeric(long[] bins, double[] m, int feature, double x, boolean atomic) {
    Slot s = feature < features.length ? features[feature] : null;
    if (s != null && s.kind == Kind.NUMERIC) {
      count(bins, s.binOffset + s.numeric.binOf(x), atomic);
      moments(m, s, x, atomic);
    }
  }

  void category(long[] bins, double[] m, int feature, String value, boolean atomic) {
    Slot s = feature < features.length ? features[feature] : null;
    if (s != null && s.kind == Kind.CATEGORICAL) {
      count(bins, s.binOffset + s.categorical.binOf(value), atomic);
    }
  }

  void categoryId(long[] bins, double[] m, int feature, long id, boolean atomic) {
    Slot s = feature < features.length ? features[feature] : null;
    if (s != null && s.kind == Kind.CATEGORICAL) {
      count(bins, s.binOffset + s.categorical.binOfId(id), atomic);
    }
  }

  void missing(long[] bins, double[] m, int feature, boolean atomic) {
    Slot s = feature < features.length ? features[feature] : null;
    if (s != null) {
      count(bins, s.binOffset + s.bins - 1, atomic);
    }
  }

  void vector(long[] bins, double[] m, int feature, Object vector, boolean atomic) {
    Slot s = feature < features.length ? features[feature] : null;
    if (s == null || s.kind != Kind.VECTOR) {
      return;
    }
    // first the norm, to decide: a vector of the wrong length or with a non-finite component
    // counts as missing, exactly as on the reference side, and adds nothing to the sums
    double sumSquares = vectorSumSquares(vector, s.dimension);
    if (!(sumSquares >= 0) || Double.isInfinite(sumSquares)) {
      missing(bins, m, feature, atomic);
      return;
    }
    if (vector instanceof float[]) {
      float[] v = (float[]) vector;
      for (int d = 0; d < v.length; d++) {
        add(m, s.vectorOffset + d, v[d], atomic);
      }
    } else if (vector instanceof double[]) {
      double[] v = (double[]) vector;
      for (int d = 0; d < v.length; d++) {
        add(m, s.vectorOffset + d, v[d], atomic);
      }
    } else {
      java.util.List<?> v = (java.util.List<?>) vector;
      for (int d = 0; d < v.size(); d++) {
        add(m, s.vectorOffset + d, ((Number) v.get(d)).doubleValue(), atomic);
      }
    }
    double norm = Math.sqrt(sumSquares);
    count(bins, s.binOffset + s.numeric.binOf(norm), atomic);
    moments(m, s, norm, atomic);
  }

  /** Sum of squares of a valid vector of {@code dimension} finite numbers; NaN otherwise. */
  private static double vectorSumSquares(Object vector, int dimension) {
    double sum = 0;
    if (vector instanceof float[]) {
      float[] v = (float[]) vector;
      if (v.length != dimension) {
        return Double.NaN;
      }
      for (float x : v) {
        if (!Float.isFinite(x)) {
          return Double.NaN;
        }
        sum += (double) x * x;
      }
      return sum;
    }
    if (vector instanceof double[]) {
      double[] v = (double[]) vector;
      if (v.length != dimension) {
        return Double.NaN;
      }
      for (double x : v) {
        if (!Double.isFinite(x)) {
          return Double.NaN;
        }
        sum += x * x;
      }
      return sum;
    }
    if (vector instanceof java.util.List && vector instanceof java.util.RandomAccess) {
      java.util.List<?> v = (java.util.List<?>) vector;
      if (v.size() != dimension) {
        return Double.NaN;
      }
      for (int d = 0; d < dimension; d++) {
        Object e = v.get(d);
        double x = e instanceof Number ? ((Number) e).doubleValue() : Double.NaN;
        if (!Double.isFinite(x)) {
          return Double.NaN;
        }
        sum += x * x;
      }
      return sum;
    }
    return Double.NaN;
  }

  void predictionScore(long[] bins, double[] m, double score, boolean repeat,
      boolean atomic) {
    Slot s = prediction;
    if (s != null && s.kind == Kind.NUMERIC) {
      count(bins, s.binOffset + s.numeric.binOf(score), atomic);
      if (!Double.isFinite(score)) {
        return; // binned (missing, underflow or overflow) but not a value for the summary
      }
      moments(m, s, score, atomic);
      int o = s.momentOffset + MOMENTS;
      if (score < s.lowTail) {
        add(m, o, 1, atomic);
      } else if (score > s.highTail) {
        add(m, o + 1, 1, atomic);
      }
      if (repeat) {
        add(m, o + 2, 1, atomic);
      }
    }
  }

  /** The score distribution beyond drift, or null without a numeric prediction. */
  io.modelmonitor.drift.ScoreSummary scores(long[] bins, double[] moments, FeatureDrift drift) {
    Slot s = prediction;
    if (s == null || s.kind != Kind.NUMERIC) {
      return null;
    }
    int o = s.momentOffset;
    long n = (long) moments[o];
    if (n == 0) {
      return io.modelmonitor.drift.ScoreSummary.EMPTY;
    }
    int ordered = s.bins - 1;
    double[] p = java.util.Arrays.copyOf(s.baseShares, ordered);
    double[] q = new double[ordered];
    long total = 0;
    for (int b = 0; b < ordered; b++) {
      total += bins[s.binOffset + b];
    }
    double sp = 0;
    for (int b = 0; b < ordered; b++) {
      q[b] = total == 0 ? 0 : (double) bins[s.binOffset + b] / total;
      sp += p[b];
    }
    for (int b = 0; b < ordered; b++) {
      p[b] = sp == 0 ? 0 : p[b] / sp;
    }
    double[][] refined = refine(s, boundaries(s, moments), p, q);
    int x = s.momentOffset + MOMENTS;
    return new io.modelmonitor.drift.ScoreSummary(n, drift.mean(), drift.std(),
        quantile(refined, 0.5), quantile(refined, 0.9), quantile(refined, 0.99),
        moments[x] / n, moments[x + 1] / n, moments[x + 2] / n);
  }

  /** Inverts the live piecewise-linear CDF of refined bins {boundaries, p, q}. */
  private static double quantile(double[][] refined, double level) {
    double[] b = refined[0];
    double[] q = refined[2];
    double c = 0;
    for (int i = 0; i < q.length; i++) {
      if (q[i] > 0 && c + q[i] >= level) {
        return b[i] + (level - c) / q[i] * (b[i + 1] - b[i]);
      }
      c += q[i];
    }
    return b[b.length - 1];
  }

  void predictionLabel(long[] bins, double[] m, Object label, boolean atomic) {
    if (prediction == null || prediction.kind != Kind.CATEGORICAL) {
      return;
    }
    int bin;
    if (label instanceof String) {
      bin = prediction.categorical.binOf((String) label);
    } else if (label instanceof Enum) {
      bin = prediction.categorical.binOf(((Enum<?>) label).name());
    } else if (label instanceof Integer || label instanceof Long || label instanceof Short
        || label instanceof Byte) {
      bin = prediction.categorical.binOfId(((Number) label).longValue());
    } else if (label == null) {
      bin = prediction.bins - 1;
    } else {
      bin = prediction.bins - 2; // an unexpected label type: other
    }
    count(bins, prediction.binOffset + bin, atomic);
  }

  // ---------------------------------------------------------------- statistics (drainer)

  DriftReport report(long[] bins, double[] moments) {
    List<FeatureDrift> out = new ArrayList<>();
    List<io.modelmonitor.drift.FeatureSkew> skew = new ArrayList<>();
    for (Slot s : features) {
      if (s != null) {
        FeatureDrift d = safeDrift(s, bins, moments);
        out.add(d);
        if (s.scaling != null) {
          skew.add(io.modelmonitor.drift.FeatureSkew.judge(s.name,
              (long) moments[s.momentOffset], policy.minSamples(), d.mean(), d.std(),
              s.scaling));
        }
      }
    }
    FeatureDrift predictionDrift = prediction == null ? null
        : safeDrift(prediction, bins, moments);
    return new DriftReport(out, predictionDrift, skew,
        predictionDrift == null ? null : scores(bins, moments, predictionDrift));
  }

  /** One feature's drift; a failure costs that feature's verdict, never the report. */
  private FeatureDrift safeDrift(Slot s, long[] bins, double[] moments) {
    try {
      return drift(s, bins, moments);
    } catch (RuntimeException e) {
      return new FeatureDrift(s.name, 0, 0, 0, 0, 0, Map.of(),
          s.kind == Kind.CATEGORICAL ? policy.categorical() : policy.numeric(),
          DriftStatus.NO_DATA);
    }
  }

  /** Non-finite values never leave: NaN is dropped, infinities become the largest double. */
  private static void sanitize(EnumMap<DriftStatistic, Double> stats) {
    stats.entrySet().removeIf(e -> Double.isNaN(e.getValue()));
    stats.replaceAll((k, v) -> Double.isInfinite(v)
        ? Math.copySign(Double.MAX_VALUE, v) : v);
  }

  private static double finiteOrZero(double v) {
    return Double.isFinite(v) ? v : 0;
  }

  private FeatureDrift drift(Slot s, long[] bins, double[] moments) {
    long total = 0;
    for (int b = 0; b < s.bins; b++) {
      total += bins[s.binOffset + b];
    }
    long missing = bins[s.binOffset + s.bins - 1];
    int o = s.momentOffset;
    double n = s.kind == Kind.CATEGORICAL ? 0 : moments[o];
    double mean = finiteOrZero(n > 0 ? s.center + moments[o + 1] / n : 0);
    double std = finiteOrZero(n > 1
        ? Math.sqrt(Math.max(0, (moments[o + 2] - moments[o + 1] * moments[o + 1] / n) / (n - 1)))
        : 0);
    long baselineCount = s.kind == Kind.CATEGORICAL ? s.categorical.count() : s.numeric.count();
    DriftStatistic primary = s.kind == Kind.CATEGORICAL ? policy.categorical() : policy.numeric();
    double missingShare = total == 0 ? 0 : (double) missing / total;
    if (total < policy.minSamples()) {
      return new FeatureDrift(s.name, total, baselineCount, missingShare, mean, std, Map.of(),
          primary, DriftStatus.NO_DATA);
    }
    double[] live = new double[s.bins];
    long[] counts = new long[s.bins];
    for (int b = 0; b < s.bins; b++) {
      counts[b] = bins[s.binOffset + b];
      live[b] = (double) counts[b] / total;
    }
    EnumMap<DriftStatistic, Double> stats = new EnumMap<>(DriftStatistic.class);
    stats.put(DriftStatistic.PSI, DriftStatistics.psi(s.baseShares, live));
    stats.put(DriftStatistic.JENSEN_SHANNON, DriftStatistics.jensenShannon(s.baseShares, live));
    if (s.kind == Kind.CATEGORICAL) {
      stats.put(DriftStatistic.L_INFINITY, DriftStatistics.lInfinity(s.baseShares, live));
      double chi = DriftStatistics.chiSquare(s.baseShares, counts);
      stats.put(DriftStatistic.CHI_SQUARE, chi);
      stats.put(DriftStatistic.CHI_SQUARE_P, DriftStatistics.chiSquarePValue(chi,
          DriftStatistics.chiSquareDegreesOfFreedom(s.baseShares, counts)));
    } else {
      ordered(s, live, moments, stats);
      if (s.kind == Kind.VECTOR && n > 0) { // the sum points where the mean does
        double[] liveSum = new double[s.dimension];
        System.arraycopy(moments, s.vectorOffset, liveSum, 0, s.dimension);
        stats.put(DriftStatistic.COSINE_DISTANCE,
            DriftStatistics.cosineDistance(s.baseMean, liveSum));
      }
    }
    sanitize(stats);
    Double primaryValue = stats.get(primary);
    if (primaryValue == null) { // e.g. KS of a window where everything was missing
      return new FeatureDrift(s.name, total, baselineCount, missingShare, mean, std, stats,
          primary, DriftStatus.NO_DATA);
    }
    double value = primaryValue;
    io.modelmonitor.drift.Calibration calibrated = s.calibration.get(primary);
    DriftStatus status;
    if (calibrated != null) { // strictly above: a statistic that never varied stays OK at 0
      status = value > calibrated.alert() ? DriftStatus.ALERT
          : value > calibrated.warn() ? DriftStatus.WARN : DriftStatus.OK;
    } else {
      double warn = s.kind == Kind.CATEGORICAL ? policy.categoricalWarn() : policy.numericWarn();
      double alert = s.kind == Kind.CATEGORICAL ? policy.categoricalAlert()
          : policy.numericAlert();
      status = value >= alert ? DriftStatus.ALERT
          : value >= warn ? DriftStatus.WARN : DriftStatus.OK;
    }
    return new FeatureDrift(s.name, total, baselineCount, missingShare, mean, std, stats,
        primary, status);
  }

  /**
   * KS and Wasserstein over the ordered, non-missing bins: underflow, the edge bins, overflow.
   * The underflow bin spans from the live minimum to the baseline minimum, overflow from the
   * baseline maximum to the live maximum; both distributions are renormalised without missing.
   */
  private static void ordered(Slot s, double[] live, double[] moments,
      EnumMap<DriftStatistic, Double> stats) {
    int ordered = s.bins - 1;
    double[] p = java.util.Arrays.copyOf(s.baseShares, ordered);
    double[] q = java.util.Arrays.copyOf(live, ordered);
    double sp = 0;
    double sq = 0;
    for (int b = 0; b < ordered; b++) {
      sp += p[b];
      sq += q[b];
    }
    if (sp <= 0 || sq <= 0) {
      return; // everything missing on one side: presence drift is in PSI and JS already
    }
    for (int b = 0; b < ordered; b++) {
      p[b] /= sp;
      q[b] /= sq;
    }
    stats.put(DriftStatistic.KS, DriftStatistics.ks(p, q));
    double std = s.numeric.std();
    if (std > 0) {
      double[][] r = refine(s, boundaries(s, moments), p, q);
      stats.put(DriftStatistic.WASSERSTEIN, DriftStatistics.wasserstein(r[0], r[1], r[2]) / std);
    }
  }

  /**
   * For one bin per distinct value: each bin's mass sits on its value (underflow on the live
   * minimum, overflow on the live maximum), as zero-width bins with empty gaps between them.
   */
  private static double[][] pointMasses(double[] boundaries, double[] p, double[] q) {
    int n = p.length;
    double[] positions = new double[n];
    positions[0] = boundaries[0]; // underflow: at the live minimum
    for (int i = 1; i < n; i++) {
      positions[i] = boundaries[i + 1]; // bin i closes at its value; overflow at the live max
    }
    // bins alternate: [position i, position i] holds bin i's mass, [position i, position i+1]
    // is an empty gap
    double[] bounds = new double[2 * n];
    int k = 0;
    for (int i = 0; i < n; i++) {
      bounds[k++] = positions[i];
      if (i < n - 1) {
        bounds[k++] = positions[i];
      }
    }
    bounds[k] = positions[n - 1];
    double[] masses = new double[2 * n - 1];
    double[] livemasses = new double[2 * n - 1];
    for (int i = 0; i < n; i++) {
      masses[2 * i] = p[i];
      livemasses[2 * i] = q[i];
    }
    return new double[][] {bounds, masses, livemasses};
  }

  /** Boundaries of the ordered bins: the live minimum, the edges, the live maximum. */
  private static double[] boundaries(Slot s, double[] moments) {
    double[] e = s.edges;
    int ordered = s.bins - 1;
    double liveMin = moments[s.momentOffset + 3];
    double liveMax = moments[s.momentOffset + 4];
    double[] boundaries = new double[ordered + 1];
    boundaries[0] = Math.min(e[0], Double.isFinite(liveMin) ? liveMin : e[0]);
    System.arraycopy(e, 0, boundaries, 1, e.length);
    boundaries[ordered] = Math.max(e[e.length - 1], Double.isFinite(liveMax) ? liveMax
        : e[e.length - 1]);
    return boundaries;
  }

  /**
   * Refines the ordered bins for Wasserstein-1 and percentiles, shaping the mass inside each bin
   * by the baseline's own quantiles: a
   * baseline quantile (level l, value x) inside a bin splits it at x, with the share of the
   * bin's mass below x that the baseline has there, {@code (l - F(bin start)) / share}; the live
   * mass of the bin is split in the same proportion. Outer decile bins reach the reference
   * minimum and maximum; spreading their mass uniformly would overstate tail differences.
   */
  private static double[][] refine(Slot s, double[] boundaries, double[] p, double[] q) {
    if (s.discrete) {
      return pointMasses(boundaries, p, q);
    }
    double[] levels = new double[NumericProfile.QUANTILE_LEVELS.size()];
    for (int i = 0; i < levels.length; i++) {
      levels[i] = NumericProfile.QUANTILE_LEVELS.get(i);
    }
    double[] values = s.numeric.quantiles();
    int max = boundaries.length + levels.length;
    double[] b = new double[max];
    double[] rp = new double[max];
    double[] rq = new double[max];
    int n = 0;
    b[0] = boundaries[0];
    double cumulative = 0;
    for (int bin = 0; bin < p.length; bin++) {
      double lo = boundaries[bin];
      double hi = boundaries[bin + 1];
      double taken = 0; // fraction of this bin's mass already assigned
      for (int k = 0; k < levels.length; k++) {
        double f = p[bin] > 0 ? (levels[k] - cumulative) / p[bin] : -1;
        if (f > taken && f < 1 && values[k] > lo && values[k] < hi && values[k] > b[n]) {
          rp[n] = p[bin] * (f - taken);
          rq[n] = q[bin] * (f - taken);
          b[++n] = values[k];
          taken = f;
        }
      }
      rp[n] = p[bin] * (1 - taken);
      rq[n] = q[bin] * (1 - taken);
      b[++n] = hi;
      cumulative += p[bin];
    }
    return new double[][] {java.util.Arrays.copyOf(b, n + 1), java.util.Arrays.copyOf(rp, n),
        java.util.Arrays.copyOf(rq, n)};
  }
}
