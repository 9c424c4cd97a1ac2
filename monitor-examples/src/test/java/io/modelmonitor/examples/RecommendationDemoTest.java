package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.ModelSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class RecommendationDemoTest {

  @Test
  void run_servesTrafficAndReportsEveryModel() throws Exception {
    ByteArrayOutputStream buffer = new ByteArrayOutputStream();
    List<ModelSnapshot> finals;
    try (PrintStream out = new PrintStream(buffer, true, StandardCharsets.UTF_8)) {
      finals = RecommendationDemo.run(Duration.ofSeconds(4), out);
    }
    String report = buffer.toString(StandardCharsets.UTF_8);

    Map<String, ModelSnapshot> byModel = finals.stream()
        .collect(Collectors.toMap(ModelSnapshot::model, Function.identity()));
    assertThat(byModel).containsOnlyKeys("ctr", "reranker", "price-elasticity");
    assertThat(byModel.get("ctr").totalOutcomes().completed()).isPositive();
    assertThat(byModel.get("reranker").totalBatches().meanSize()).isBetween(5.0, 50.0);
    assertThat(byModel.get("price-elasticity").inFlight()).isZero();
    io.modelmonitor.ViolationSummary v = byModel.get("ctr").totalViolations();
    assertThat(v.count("f3", io.modelmonitor.schema.ViolationKind.NAN_OR_INFINITE)).isPositive();
    assertThat(v.count("price", io.modelmonitor.schema.ViolationKind.OUT_OF_RANGE)).isPositive();
    // the promotion in the second half moves prices: some window's price drift alerts
    assertThat(report).contains("drift: price PSI=").contains("ALERT");
    io.modelmonitor.feedback.QualitySummary q = byModel.get("ctr").totalQuality();
    assertThat(q.joins().joined()).isPositive();
    assertThat(q.labelled()).isPositive();
    assertThat(report).contains("clicks: CTR=");
    // the promotion moves prices past the PriceDrift rule: it fires once, through the sink
    assertThat(report).containsOnlyOnce("[alert] FIRING PriceDrift ctr: price distribution of "
        + "ctr moved").contains("alert history (");
    assertThat(report).containsPattern("dashboard: http://127\\.0\\.0\\.1:\\d+/")
        .contains("GET /api/alerts -> HTTP 200");
    assertThat(report).contains("[window] ctr").contains("since start:")
        .contains("model_prediction_latency_seconds_bucket{")
        .contains("model_predictions_total{")
        .contains("ctr schema inferred from 5000 training rows: 16 features")
        .contains("model_input_violations_total{feature=\"price\",kind=\"out_of_range\"");
  }
}
