package io.modelmonitor.onnx;

import static io.modelmonitor.onnx.MonitoredOnnxSessionTest.model;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.DriftStatistic;
import io.modelmonitor.drift.DriftStatus;
import io.modelmonitor.testing.Promtool;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Champion and challenger side by side: disagreement and drift against references. */
class ShadowOnnxSessionTest {

  private static final int BATCH = 100;

  private static List<List<Map<String, Object>>> batches(int count, long seed) {
    List<Map<String, Object>> rows = OnnxMetadataTest.traffic(count * BATCH, seed, 1, 200);
    List<List<Map<String, Object>>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(rows.subList(i * BATCH, (i + 1) * BATCH));
    }
    return out;
  }

  /** One batch through a plain ONNX Runtime session, without this module. */
  private static double[] plain(String file, List<Map<String, Object>> rows)
      throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    float[][][] columns = new float[3][rows.size()][1];
    String[] names = {"price", "ctr_7d", "position"};
    for (int r = 0; r < rows.size(); r++) {
      for (int c = 0; c < 3; c++) {
        columns[c][r][0] = ((Number) rows.get(r).get(names[c])).floatValue();
      }
    }
    try (OrtSession session = env.createSession(model(file).toString());
        OnnxTensor p = OnnxTensor.createTensor(env, columns[0]);
        OnnxTensor c = OnnxTensor.createTensor(env, columns[1]);
        OnnxTensor pos = OnnxTensor.createTensor(env, columns[2]);
        OrtSession.Result result = session.run(Map.of("price", p, "ctr_7d", c,
            "position", pos))) {
      float[][] out = (float[][]) result.get("probability").orElseThrow().getValue();
      double[] scores = new double[out.length];
      for (int i = 0; i < out.length; i++) {
        scores[i] = out[i][0];
      }
      return scores;
    }
  }

  /**
   * Equal-mass bins of the reference sample as docs/baseline.md defines them (10 bins at the
   * nearest-rank quantiles, duplicates merged; one bin per value for at most 10 distinct
   * values), then each sample's shares of: underflow, the bins, overflow, missing.
   */
  private static double[][] shares(double[] reference, double[] live) {
    double[] sorted = reference.clone();
    Arrays.sort(sorted);
    double[] distinct = Arrays.stream(sorted).distinct().toArray();
    List<Double> edges = new ArrayList<>();
    if (distinct.length <= 10) {
      edges.add(distinct[0]);
      for (double d : distinct) {
        edges.add(d);
      }
    } else {
      edges.add(sorted[0]);
      for (int j = 1; j < 10; j++) {
        int rank = (int) Math.ceil((double) j / 10 * sorted.length - 1e-9);
        double q = sorted[Math.max(0, rank - 1)];
        if (q > edges.get(edges.size() - 1) && q < sorted[sorted.length - 1]) {
          edges.add(q);
        }
      }
      edges.add(sorted[sorted.length - 1]);
    }
    double[][] out = new double[2][edges.size() + 2];
    double[][] samples = {reference, live};
    for (int s = 0; s < 2; s++) {
      for (double x : samples[s]) {
        int bin;
        if (x < edges.get(0)) {
          bin = 0;
        } else if (x > edges.get(edges.size() - 1)) {
          bin = edges.size();
        } else {
          bin = 1;
          while (bin < edges.size() - 1 && x > edges.get(bin)) {
            bin++;
          }
        }
        out[s][bin] += 1.0 / samples[s].length;
      }
    }
    return out;
  }

  private static double referencePsi(double[] e, double[] a) {
    double psi = 0;
    for (int b = 0; b < e.length; b++) {
      double ab = Math.max(a[b], 1e-4);
      double eb = Math.max(e[b], 1e-4);
      psi += (ab - eb) * Math.log(ab / eb);
    }
    return psi;
  }

  /** KS over the ordered bins (missing excluded): the largest gap of the cumulative shares. */
  private static double referenceKs(double[] e, double[] a) {
    double ce = 0;
    double ca = 0;
    double max = 0;
    for (int b = 0; b < e.length - 1; b++) {
      ce += e[b];
      ca += a[b];
      max = Math.max(max, Math.abs(ce - ca));
    }
    return max;
  }

  private static Set<Integer> top(double[] scores, int k) {
    Integer[] order = new Integer[scores.length];
    for (int i = 0; i < order.length; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (x, y) -> scores[y] != scores[x] ? Double.compare(scores[y], scores[x])
        : Integer.compare(x, y));
    return new HashSet<>(Arrays.asList(order).subList(0, k));
  }

  @Test
  void shadow_identicalModels_zeroDisagreementAndZeroDrift() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession twin = MonitoredOnnxSession.open(registry, "ctr-shadow", "v1",
            model("ctr_logreg.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, twin).synchronous()
            .build()) {
      List<List<Map<String, Object>>> batches = batches(10, 1);
      for (List<Map<String, Object>> batch : batches) {
        shadow.scoreBatch(batch);
      }
      for (Map<String, Object> row : batches.get(0)) {
        shadow.score(row);
      }

      ShadowReport r = shadow.report();
      assertThat(r.champion()).isEqualTo("ctr:v1");
      assertThat(r.challenger()).isEqualTo("ctr-shadow:v1");
      assertThat(r.comparedRows()).isEqualTo(10 * BATCH + BATCH);
      assertThat(r.comparedCalls()).isEqualTo(10 + BATCH);
      assertThat(r.meanAbsDiff()).isZero();
      assertThat(r.maxAbsDiff()).isZero();
      assertThat(r.exceedShare()).isZero();
      assertThat(r.topKOverlap()).isEqualTo(1.0);
      assertThat(r.rankedBatches()).isEqualTo(10);
      assertThat(r.drift().samples()).isEqualTo(11 * BATCH);
      for (DriftStatistic s : List.of(DriftStatistic.PSI, DriftStatistic.KS,
          DriftStatistic.JENSEN_SHANNON, DriftStatistic.WASSERSTEIN)) {
        assertThat(r.drift().value(s)).as(s.tag()).isZero();
      }
      assertThat(r.drift().status()).isEqualTo(DriftStatus.OK);
      assertThat(twin.monitor().snapshot().totalOutcomes().success()).isEqualTo(10 + BATCH);
    }
  }

  @Test
  void shadow_shiftedChallenger_driftAndDisagreementEqualTheIndependentReference()
      throws OrtException {
    double tolerance = 0.05;
    int k = 10;
    List<List<Map<String, Object>>> batches = batches(20, 2);
    // the reference: both models through plain ONNX Runtime sessions, batch by batch
    List<double[]> championBatches = new ArrayList<>();
    List<double[]> challengerBatches = new ArrayList<>();
    for (List<Map<String, Object>> batch : batches) {
      championBatches.add(plain("ctr_logreg.onnx", batch));
      challengerBatches.add(plain("ctr_logreg_challenger.onnx", batch));
    }
    double[] a = championBatches.stream().flatMapToDouble(Arrays::stream).toArray();
    double[] b = challengerBatches.stream().flatMapToDouble(Arrays::stream).toArray();
    double sumAbs = 0;
    int exceeding = 0;
    for (int i = 0; i < a.length; i++) {
      sumAbs += Math.abs(b[i] - a[i]);
      exceeding += Math.abs(b[i] - a[i]) > tolerance ? 1 : 0;
    }
    double overlap = 0;
    for (int i = 0; i < batches.size(); i++) {
      Set<Integer> common = top(championBatches.get(i), k);
      common.retainAll(top(challengerBatches.get(i), k));
      overlap += (double) common.size() / k / batches.size();
    }
    double[][] shares = shares(a, b);

    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession challenger = MonitoredOnnxSession.open(registry, "ctr-shadow",
            "v2", model("ctr_logreg_challenger.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, challenger)
            .synchronous().tolerance(tolerance).topK(k).build()) {
      for (int i = 0; i < batches.size(); i++) {
        assertThat(shadow.scoreBatch(batches.get(i))).containsExactly(championBatches.get(i));
      }

      ShadowReport r = shadow.report();
      assertThat(r.comparedRows()).isEqualTo(a.length);
      assertThat(r.meanAbsDiff()).isCloseTo(sumAbs / a.length, within(1e-12))
          .isGreaterThan(0.05);
      assertThat(r.exceedShare()).isEqualTo((double) exceeding / a.length);
      assertThat(r.topKOverlap()).isCloseTo(overlap, within(1e-12));
      assertThat(r.drift().value(DriftStatistic.PSI))
          .isCloseTo(referencePsi(shares[0], shares[1]), within(1e-9)).isGreaterThan(0.25);
      assertThat(r.drift().value(DriftStatistic.KS))
          .isCloseTo(referenceKs(shares[0], shares[1]), within(1e-9));
      assertThat(r.drift().status()).isEqualTo(DriftStatus.ALERT);
      assertThat(r.drift().baselineCount()).isEqualTo(a.length);
    }
  }

  @Test
  void shadow_failingChallenger_callerGetsTheChampionsScoresAndFailuresAreCounted()
      throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession challenger = MonitoredOnnxSession.open(registry, "ctr-shadow",
            "v2", model("ctr_logreg_challenger.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, challenger)
            .synchronous().build()) {
      challenger.close(); // every challenger call now throws IllegalStateException
      List<Map<String, Object>> rows = batches(1, 3).get(0);
      double[] expected = plain("ctr_logreg.onnx", rows);

      assertThat(shadow.scoreBatch(rows)).containsExactly(expected);
      for (int i = 0; i < 5; i++) {
        assertThat(shadow.score(rows.get(i))).isCloseTo(expected[i], within(1e-7));
      }

      ShadowReport r = shadow.report();
      assertThat(r.failedCalls()).isEqualTo(6);
      assertThat(r.comparedRows()).isZero();
      assertThat(r.drift().status()).isEqualTo(DriftStatus.NO_DATA);
      assertThat(champion.monitor().snapshot().totalOutcomes().success()).isEqualTo(6);
    }
  }

  @Test
  void shadow_asyncFromEightThreads_everyChallengerCallComparedOrDroppedExactlyOnce()
      throws Exception {
    int threads = 8;
    int perThread = 250;
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession twin = MonitoredOnnxSession.open(registry, "ctr-shadow", "v1",
            model("ctr_logreg.onnx"))) {
      ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, twin).queueCapacity(16)
          .window(100).build();
      List<Map<String, Object>> rows = batches(1, 4).get(0);
      CountDownLatch start = new CountDownLatch(1);
      List<Thread> workers = new ArrayList<>();
      List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
      for (int t = 0; t < threads; t++) {
        Thread w = new Thread(() -> {
          try {
            start.await();
            for (int i = 0; i < perThread; i++) {
              shadow.score(rows.get(i % rows.size()));
            }
          } catch (Throwable e) {
            failures.add(e);
          }
        });
        w.start();
        workers.add(w);
      }
      start.countDown();
      for (Thread w : workers) {
        w.join(TimeUnit.MINUTES.toMillis(2));
      }
      shadow.close(); // lets the queued calls finish
      shadow.close();

      ShadowReport r = shadow.report();
      assertThat(failures).isEmpty();
      assertThat(r.comparedCalls() + r.droppedCalls() + r.failedCalls())
          .isEqualTo(threads * perThread);
      assertThat(r.failedCalls()).isZero();
      assertThat(r.comparedRows()).isEqualTo(r.comparedCalls());
      assertThat(r.windowRows()).isEqualTo((int) Math.min(100, r.comparedRows()));
      assertThat(r.meanAbsDiff()).isZero();
      assertThat(twin.monitor().snapshot().totalOutcomes().success())
          .isEqualTo(r.comparedCalls());
      assertThat(champion.monitor().snapshot().totalOutcomes().success())
          .isEqualTo(threads * perThread);
      shadow.score(rows.get(0)); // after close: the champion still scores, the call is dropped
      assertThat(shadow.report().droppedCalls()).isEqualTo(r.droppedCalls() + 1);
    }
  }

  @Test
  void shadow_window_boundsTheRowsKeptForDrift() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession challenger = MonitoredOnnxSession.open(registry, "ctr-shadow",
            "v2", model("ctr_logreg_challenger.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, challenger)
            .synchronous().window(150).build()) {
      List<List<Map<String, Object>>> batches = batches(3, 5);
      for (List<Map<String, Object>> batch : batches) {
        shadow.scoreBatch(batch);
      }
      ShadowReport r = shadow.report();
      assertThat(r.comparedRows()).isEqualTo(300);
      assertThat(r.windowRows()).isEqualTo(150);
      assertThat(r.drift().samples()).isEqualTo(150);
      // the last 150 rows: half of batch 1, all of batch 2
      double[] a = new double[150];
      double[] b = new double[150];
      double[] a1 = plain("ctr_logreg.onnx", batches.get(1));
      double[] b1 = plain("ctr_logreg_challenger.onnx", batches.get(1));
      double[] a2 = plain("ctr_logreg.onnx", batches.get(2));
      double[] b2 = plain("ctr_logreg_challenger.onnx", batches.get(2));
      System.arraycopy(a1, 50, a, 0, 50);
      System.arraycopy(a2, 0, a, 50, 100);
      System.arraycopy(b1, 50, b, 0, 50);
      System.arraycopy(b2, 0, b, 50, 100);
      double[][] shares = shares(a, b);
      assertThat(r.drift().value(DriftStatistic.PSI))
          .isCloseTo(referencePsi(shares[0], shares[1]), within(1e-9));
    }
  }

  @Test
  void scrape_shadowMetrics_valuesOfTheReportAndPromtoolClean(@TempDir Path dir)
      throws Exception {
    PrometheusMeterRegistry prometheus = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (MonitorRegistry registry = MonitorRegistry.builder().meterRegistry(prometheus)
        .commonTag("service", "recs").build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg_meta.onnx"));
        MonitoredOnnxSession challenger = MonitoredOnnxSession.open(registry, "ctr-shadow",
            "v2", model("ctr_logreg_challenger.onnx"));
        ShadowOnnxSession shadow = ShadowOnnxSession.builder(champion, challenger)
            .synchronous().meterRegistry(prometheus).build()) {
      for (List<Map<String, Object>> batch : batches(5, 6)) {
        shadow.scoreBatch(batch);
      }
      ShadowReport r = shadow.report();
      String scrape = prometheus.scrape();
      // the registry's common tags too, as on its own meters (labels sorted by name)
      String tags = "challenger=\"ctr-shadow:v2\",model=\"ctr\",";
      assertThat(scrape)
          .contains("model_shadow_drift{" + tags
              + "service=\"recs\",statistic=\"psi\",version=\"v1\"} "
              + r.drift().value(DriftStatistic.PSI))
          .contains("model_shadow_disagreement{" + tags
              + "service=\"recs\",statistic=\"mean_abs_diff\",version=\"v1\"} "
              + r.meanAbsDiff())
          .contains("model_shadow_calls_total{" + tags
              + "outcome=\"compared\",service=\"recs\",version=\"v1\"} 5.0")
          .contains("model_shadow_rows_total{" + tags + "service=\"recs\",version=\"v1\"} 500.0")
          .contains("model_info{");

      Promtool.Result promtool = Promtool.checkMetrics(scrape, dir);
      assertThat(promtool.report()).isBlank();
      assertThat(promtool.exitCode()).isZero();
    }
    assertThat(prometheus.scrape()).doesNotContain("model_shadow");
  }

  @Test
  void builder_invalidSettings_refusedWithTheValue() throws OrtException {
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession champion = MonitoredOnnxSession.open(registry, "ctr", "v1",
            model("ctr_logreg.onnx"))) {
      assertThatThrownBy(() -> ShadowOnnxSession.builder(champion, champion))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("same session");
    }
    try (MonitorRegistry registry = MonitorRegistry.builder().build();
        MonitoredOnnxSession a = MonitoredOnnxSession.open(registry, "a", "v1",
            model("ctr_logreg.onnx"));
        MonitoredOnnxSession b = MonitoredOnnxSession.open(registry, "b", "v1",
            model("ctr_logreg.onnx"))) {
      ShadowOnnxSession.Builder builder = ShadowOnnxSession.builder(a, b);
      assertThatThrownBy(() -> builder.tolerance(-0.1)).hasMessageContaining("-0.1");
      assertThatThrownBy(() -> builder.window(5)).hasMessageContaining("5");
      assertThatThrownBy(() -> builder.queueCapacity(0)).hasMessageContaining("0");
      assertThatThrownBy(() -> builder.topK(0)).hasMessageContaining("topK");
    }
  }
}
