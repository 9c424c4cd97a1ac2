package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.modelmonitor.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped Grafana dashboard: valid JSON, every panel queries only metrics a real registry
 * exports (or the shipped recording rules record, or Prometheus' own ALERTS), and every query
 * is valid PromQL.
 */
class GrafanaDashboardTest {

  private static final Path DASHBOARD = Path.of("../deploy/grafana/dashboards/modelmonitor.json");
  private static final ObjectMapper STRICT = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
      .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  /** A metric name in PromQL: not followed by '(' (a function) and not a label or keyword. */
  private static final Pattern METRIC = Pattern.compile(
      "\\b((?:model|jvm|process|system)[_:][a-zA-Z0-9_:]*|ALERTS)\\b(?!\\s*\\()");

  private static List<String> expressions(JsonNode dashboard) {
    List<String> out = new ArrayList<>();
    for (JsonNode panel : dashboard.get("panels")) {
      for (JsonNode target : panel.path("targets")) {
        out.add(target.get("expr").asText());
      }
    }
    return out;
  }

  /** Grafana's variables, replaced the way Grafana would for "all models". */
  private static String concrete(String expr) {
    return expr.replace("$__rate_interval", "5m").replace("$model", ".*");
  }

  @Test
  void dashboardIsWellFormed() throws Exception {
    JsonNode d = STRICT.readTree(Files.readString(DASHBOARD));
    assertThat(d.get("uid").asText()).isEqualTo("modelmonitor");
    Set<Integer> ids = new HashSet<>();
    int withQueries = 0;
    for (JsonNode panel : d.get("panels")) {
      assertThat(ids.add(panel.get("id").asInt())).as("unique panel id").isTrue();
      assertThat(panel.get("title").asText()).isNotBlank();
      JsonNode grid = panel.get("gridPos");
      assertThat(grid.get("x").asInt() + grid.get("w").asInt()).isLessThanOrEqualTo(24);
      if (!"row".equals(panel.get("type").asText())) {
        assertThat(panel.get("targets")).as(panel.get("title").asText()).isNotEmpty();
        withQueries++;
      }
    }
    assertThat(withQueries).isGreaterThanOrEqualTo(20);
    List<String> titles = new ArrayList<>();
    d.get("panels").forEach(p -> titles.add(p.get("title").asText()));
    assertThat(String.join("|", titles)).contains("Latency", "Error rate",
        "Schema violations", "PSI per feature", "Prediction distribution",
        "Observed vs predicted", "Firing alerts", "Heap", "CPU");
  }

  @Test
  void everyQueriedMetricIsExportedOrRecorded() throws Exception {
    JsonNode d = STRICT.readTree(Files.readString(DASHBOARD));
    String scrape = PromtoolTest.fullScrape();
    Set<String> exported = new HashSet<>();
    Matcher series = Pattern.compile("(?m)^([a-zA-Z_:][a-zA-Z0-9_:]*)[{ ]").matcher(scrape);
    while (series.find()) {
      exported.add(series.group(1));
    }
    Set<String> recorded = new HashSet<>();
    try (var files = Files.list(Path.of("../deploy/prometheus"))) {
      for (Path f : files.toList()) {
        Matcher m = Pattern.compile("record: (\\S+)").matcher(Files.readString(f));
        while (m.find()) {
          recorded.add(m.group(1));
        }
      }
    }
    assertThat(recorded).contains("model:drift_psi:1h");
    Set<String> missing = new TreeSet<>();
    int checked = 0;
    for (String expr : expressions(d)) {
      Matcher m = METRIC.matcher(expr);
      while (m.find()) {
        String name = m.group(1);
        checked++;
        if (!exported.contains(name) && !recorded.contains(name) && !name.equals("ALERTS")) {
          missing.add(name);
        }
      }
    }
    assertThat(checked).isGreaterThan(30);
    assertThat(missing).as("metrics the dashboard queries but nothing exports").isEmpty();
  }

  @Test
  void everyQueryIsValidPromql(@TempDir Path dir) throws Exception {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    JsonNode d = STRICT.readTree(Files.readString(DASHBOARD));
    StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
    int n = 0;
    for (String expr : expressions(d)) {
      rules.append("      - record: dashboard_query_").append(n++).append('\n')
          .append("        expr: '").append(concrete(expr).replace("'", "''")).append("'\n");
    }
    Path file = dir.resolve("dashboard-queries.yml");
    Files.writeString(file, rules);
    Process p = new ProcessBuilder("/usr/bin/promtool", "check", "rules", file.toString())
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("promtool check rules:%n%s", out).isZero();
    assertThat(out).contains("SUCCESS: " + n + " rules found");
  }
}
