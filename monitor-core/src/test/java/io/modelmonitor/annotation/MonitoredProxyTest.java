package io.modelmonitor.annotation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorConfig;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.feedback.FeedbackPolicy;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.ViolationKind;
import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class MonitoredProxyTest {

  /** The scorer interface a service would have. */
  interface CtrScorer {
    @Monitored(model = "ctr", version = "v7")
    double score(@Features float[] features, @RequestId String requestId) throws IOException;

    @Monitored(model = "ctr")
    CompletableFuture<Double> scoreAsync(@Features float[] features);

    String modelName(); // not monitored

    default double scoreTwice(float[] features) throws IOException {
      return 2 * score(features, null);
    }
  }

  /** A scorer: mean of the features; negative first feature = failure. */
  static final class MeanScorer implements CtrScorer {
    static final IOException FAILURE = new IOException("feature store down");
    static final IllegalStateException BUG = new IllegalStateException("bug");

    @Override
    public double score(float[] features, String requestId) throws IOException {
      if (features[0] < -1) {
        throw BUG;
      }
      if (features[0] < 0) {
        throw FAILURE;
      }
      return (features[0] + features[1]) / 2;
    }

    @Override
    public CompletableFuture<Double> scoreAsync(float[] features) {
      if (features[0] < 0) {
        return CompletableFuture.failedFuture(FAILURE);
      }
      return CompletableFuture.supplyAsync(() -> (double) (features[0] + features[1]) / 2);
    }

    @Override
    public String modelName() {
      return "mean";
    }

    @Override
    public String toString() {
      return "MeanScorer";
    }
  }

  private static final FeatureSchema<float[]> SCHEMA = FeatureSchema.forFloatArray("a", "b")
      .numeric("a", f -> f.range(-5, 1)).numeric("b", f -> f.range(0, 1)).build();

  private final MonitorRegistry registry = MonitorRegistry.builder().build();
  private final ModelMonitor<float[], Double> ctr = registry
      .<float[], Double>monitorBuilder("ctr", "v7").schema(SCHEMA)
      .prediction(PredictionSpec.score(Double::doubleValue))
      .config(MonitorConfig.custom().feedback(FeedbackPolicy.DEFAULTS
          .withImplicitNegatives(false)).build())
      .build();
  private final MeanScorer target = new MeanScorer();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void monitoredCallsReturnTheResultAndAreRecorded() throws Exception {
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, target, registry);
    assertThat(scorer.score(new float[] {0.2f, 0.4f}, "r1")).isCloseTo(0.3, offset());
    assertThat(scorer.score(new float[] {0.5f, 7f}, "r2")).isEqualTo(3.75); // b out of range
    ModelSnapshot s = ctr.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(2);
    assertThat(s.totalLatency().count()).isEqualTo(2);
    assertThat(s.totalViolations().count("b", ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
    assertThat(scorer.modelName()).isEqualTo("mean");
    assertThat(ctr.snapshot().totalOutcomes().success()).isEqualTo(2); // not monitored
  }

  private static org.assertj.core.data.Offset<Double> offset() {
    return org.assertj.core.data.Offset.offset(1e-6);
  }

  @Test
  void theTargetsExceptionsReachTheCallerAsTheSameInstance() {
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, target, registry);
    assertThatThrownBy(() -> scorer.score(new float[] {-0.5f, 0}, "r1"))
        .isSameAs(MeanScorer.FAILURE);
    assertThatThrownBy(() -> scorer.score(new float[] {-2f, 0}, "r2"))
        .isSameAs(MeanScorer.BUG);
    assertThat(ctr.snapshot().totalOutcomes().errorsByType())
        .containsEntry("IOException", 1L).containsEntry("IllegalStateException", 1L);
  }

  @Test
  void defaultMethodsRunOnTheTargetAndTheirMonitoredCallsAreRecorded() throws Exception {
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, target, registry);
    assertThat(scorer.scoreTwice(new float[] {0.5f, 0.5f})).isEqualTo(1.0);
    // the default method runs on the target, so its inner call bypasses the proxy: not counted
    assertThat(ctr.snapshot().totalOutcomes().success()).isZero();
  }

  @Test
  void objectMethodsPassThroughToTheTarget() {
    CtrScorer a = MonitoredProxy.create(CtrScorer.class, target, registry);
    CtrScorer b = MonitoredProxy.create(CtrScorer.class, target, registry);
    assertThat(a).isEqualTo(b);
    assertThat(a.equals(target)).isTrue();
    assertThat(a.hashCode()).isEqualTo(target.hashCode());
    assertThat(a.toString()).isEqualTo("MeanScorer");
    assertThat(a).isNotEqualTo(MonitoredProxy.create(CtrScorer.class, new MeanScorer(),
        registry));
  }

  @Test
  void asyncCallsAreTimedToCompletionAndFailuresCounted() throws Exception {
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, target, registry);
    assertThat(scorer.scoreAsync(new float[] {0.2f, 0.6f}).get()).isCloseTo(0.4, offset());
    CompletableFuture<Double> failed = scorer.scoreAsync(new float[] {-0.5f, 2f});
    assertThatThrownBy(failed::get).isInstanceOf(ExecutionException.class)
        .hasCauseReference(MeanScorer.FAILURE);
    // get() may return before the monitor's completion callback ran on the pool thread
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (ctr.snapshot().totalOutcomes().completed() < 2 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    ModelSnapshot s = ctr.snapshot();
    assertThat(s.totalOutcomes().success()).isEqualTo(1);
    assertThat(s.totalOutcomes().errorsByType()).containsEntry("IOException", 1L);
    assertThat(s.totalViolations().count("b", ViolationKind.OUT_OF_RANGE)).isEqualTo(1);
  }

  @Test
  void theRequestIdJoinsDelayedFeedback() throws Exception {
    CtrScorer scorer = MonitoredProxy.create(CtrScorer.class, target, registry);
    scorer.score(new float[] {0.8f, 0.8f}, "r1");
    scorer.score(new float[] {0.1f, 0.1f}, "r2");
    ctr.feedback("r1", true);
    ctr.feedback("r2", false);
    ctr.feedback("r3", true); // never predicted
    registry.tickNow();
    var q = ctr.snapshot().windowQuality();
    assertThat(q.joins().joined()).isEqualTo(2);
    assertThat(q.joins().unknown()).isEqualTo(1);
    assertThat(q.labelled()).isEqualTo(2);
    assertThat(q.positiveRate()).isEqualTo(0.5);
    assertThat(q.meanPredicted()).isCloseTo(0.45, org.assertj.core.data.Offset.offset(1e-6));
  }

  @Monitored(model = "ctr")
  interface TypeLevel {
    double score(float[] features);

    default String name() {
      return "type-level";
    }
  }

  @Test
  void aTypeLevelAnnotationMonitorsEveryMethodAndASingleParameterNeedsNoMarker() {
    TypeLevel proxy = MonitoredProxy.create(TypeLevel.class, f -> f[0], registry);
    assertThat(proxy.score(new float[] {0.5f, 0.5f})).isEqualTo(0.5);
    assertThatThrownBy(() -> MonitoredProxy.create(TypeLevel.class, f -> f[0],
        MonitorRegistry.builder().build())).hasMessageContaining("TypeLevel.score(float[])");
    assertThat(ctr.snapshot().totalOutcomes().success()).isEqualTo(1);
  }

  interface UnknownModel {
    @Monitored(model = "nope")
    double score(float[] f);
  }

  interface WrongVersion {
    @Monitored(model = "ctr", version = "v6")
    double score(float[] f);
  }

  interface TwoFeatures {
    @Monitored(model = "ctr")
    double score(@Features float[] a, @Features float[] b);
  }

  interface Ambiguous {
    @Monitored(model = "ctr")
    double score(float[] a, String context);
  }

  interface FeaturesWithoutSchema {
    @Monitored(model = "plain")
    double score(@Features float[] a);
  }

  interface RequestIdWithoutPrediction {
    @Monitored(model = "plain")
    double score(float[] a, @RequestId String id);
  }

  @Test
  void misuseFailsAtCreationNamingTheMethod() {
    registry.monitor("plain", "v1");
    assertThatThrownBy(() -> MonitoredProxy.create(UnknownModel.class, f -> 0, registry))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("UnknownModel.score(float[])").hasMessageContaining("'nope'");
    assertThatThrownBy(() -> MonitoredProxy.create(WrongVersion.class, f -> 0, registry))
        .hasMessageContaining("WrongVersion.score(float[])").hasMessageContaining("'v6'");
    assertThatThrownBy(() -> MonitoredProxy.create(TwoFeatures.class, (a, b) -> 0, registry))
        .hasMessageContaining("TwoFeatures.score(float[], float[])")
        .hasMessageContaining("more than one @Features");
    assertThatThrownBy(() -> MonitoredProxy.create(Ambiguous.class, (a, c) -> 0, registry))
        .hasMessageContaining("Ambiguous.score(float[], String)")
        .hasMessageContaining("@Features");
    assertThatThrownBy(() -> MonitoredProxy.create(FeaturesWithoutSchema.class, a -> 0,
        registry)).hasMessageContaining("no schema");
    assertThatThrownBy(() -> MonitoredProxy.create(RequestIdWithoutPrediction.class,
        (a, id) -> 0, registry)).hasMessageContaining("prediction spec");
    assertThatThrownBy(() -> MonitoredProxy.create(MeanScorer.class, target, registry))
        .hasMessageContaining("not an interface");
  }

  /** An interface without markers; the implementation carries them. */
  interface Plain {
    double score(float[] features, String requestId);

    CompletableFuture<Double> later(float[] features, String requestId) throws IOException;
  }

  static final class MarkedImpl implements Plain {
    static final IOException EARLY = new IOException("thrown before any future exists");

    @Monitored(model = "ctr")
    @Override
    public double score(@Features float[] features, @RequestId String requestId) {
      return features[0];
    }

    @Monitored(model = "ctr")
    @Override
    public CompletableFuture<Double> later(@Features float[] features,
        @RequestId String requestId) throws IOException {
      if (features[0] < 0) {
        throw EARLY;
      }
      return features[0] > 0.9 ? null : CompletableFuture.completedFuture(0.5);
    }

    @Override
    public String toString() {
      return "MarkedImpl";
    }
  }

  @Test
  void markersOnTheImplementationCountAsMuchAsOnTheInterface() throws Exception {
    Plain proxy = MonitoredProxy.create(Plain.class, new MarkedImpl(), registry);
    assertThat(proxy.score(new float[] {0.25f, 0.5f}, "r9")).isEqualTo(0.25);
    ctr.feedback("r9", true);
    registry.tickNow();
    assertThat(ctr.snapshot().windowQuality().joins().joined()).isEqualTo(1);
  }

  @Test
  void asyncMethodsKeepTheirSynchronousExceptionsAndNullResults() throws Exception {
    Plain proxy = MonitoredProxy.create(Plain.class, new MarkedImpl(), registry);
    assertThatThrownBy(() -> proxy.later(new float[] {-1f, 0f}, "r1"))
        .isSameAs(MarkedImpl.EARLY);
    assertThat(proxy.later(new float[] {0.95f, 0f}, "r2")).isNull();
    assertThat(proxy.later(new float[] {0.5f, 0f}, "r3").get()).isEqualTo(0.5);
    ModelSnapshot s = ctr.snapshot();
    assertThat(s.totalOutcomes().errorsByType()).containsEntry("IOException", 1L);
    assertThat(s.inFlight()).isZero();
  }

  @Monitored(model = "ctr")
  static final class TypeLevelClass {
    public double score(float[] features) {
      return features[0];
    }

    @Override
    public String toString() {
      return "not a model call";
    }
  }

  @Test
  void objectMethodOverridesAreNeverModelCalls() throws Exception {
    assertThat(MonitoredMethod.of(TypeLevelClass.class.getMethod("toString"),
        TypeLevelClass.class, TypeLevelClass.class, registry)).isEmpty();
    assertThat(MonitoredMethod.of(TypeLevelClass.class.getMethod("score", float[].class),
        TypeLevelClass.class, TypeLevelClass.class, registry)).isPresent();
  }
}
