package io.modelmonitor.spring;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.schema.FeatureSchema;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/** A whole web application: actuator, Prometheus and the README's annotated service. */
@SpringBootTest(classes = SpringBootWebAppTest.App.class,
    webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "management.endpoints.web.exposure.include=prometheus,modelmonitor",
        "modelmonitor.models.ctr.version=v7",
        "modelmonitor.models.ctr.prediction=score",
        "modelmonitor.common-tags.app=shop"})
class SpringBootWebAppTest {

  @SpringBootConfiguration
  @EnableAutoConfiguration
  @Import(CtrScorer.class)
  static class App {}

  private static Path schemaFile;

  @DynamicPropertySource
  static void schema(DynamicPropertyRegistry properties) throws IOException {
    schemaFile = Files.createTempFile("ctr-schema", ".json");
    FeatureSchema.forMap().numeric("price", f -> f.range(0, 100)).build().write(schemaFile);
    properties.add("modelmonitor.models.ctr.schema", schemaFile::toString);
  }

  @AfterAll
  static void deleteSchema() throws IOException {
    Files.deleteIfExists(schemaFile);
  }

  @LocalServerPort
  int port;

  @Autowired
  CtrScorer scorer;

  private final HttpClient http = HttpClient.newHttpClient();

  private HttpResponse<String> get(String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void annotatedCalls_showUpInPrometheusAndTheModelmonitorEndpoint() throws Exception {
    assertThat(scorer.score(Map.of("price", 5.0))).isEqualTo(0.5);
    scorer.score(Map.of("price", 1.0));
    scorer.score(Map.of("price", 9.0));

    HttpResponse<String> scrape = get("/actuator/prometheus");
    assertThat(scrape.statusCode()).isEqualTo(200);
    List<String> success = scrape.body().lines()
        .filter(l -> l.startsWith("model_predictions_total{") && l.contains("model=\"ctr\"")
            && l.contains("outcome=\"success\""))
        .toList();
    assertThat(success).hasSize(1);
    assertThat(success.get(0)).contains("app=\"shop\"", "version=\"v7\"").endsWith(" 3.0");

    HttpResponse<String> models = get("/actuator/modelmonitor");
    assertThat(models.statusCode()).isEqualTo(200);
    assertThat(models.body()).contains("\"name\":\"ctr\"", "\"version\":\"v7\"",
        "\"calls\":3", "\"errors\":0", "\"activeAlerts\":0");

    HttpResponse<String> one = get("/actuator/modelmonitor/ctr");
    assertThat(one.statusCode()).isEqualTo(200);
    Matcher calls = Pattern.compile("\"calls\":(\\d+)").matcher(one.body());
    assertThat(calls.find()).isTrue();
    assertThat(calls.group(1)).isEqualTo("3");
    assertThat(get("/actuator/modelmonitor/unknown").statusCode()).isEqualTo(404);
  }
}
