package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The docker-compose stack's configuration files pass the tools that load them. */
class DeploymentFilesTest {

  private static final Path DEPLOY = Path.of("..", "deploy").toAbsolutePath().normalize();

  @Test
  void prometheusConfig_promtool_valid() throws Exception {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    String out = run(DEPLOY.resolve("prometheus"), "/usr/bin/promtool", "check", "config",
        "prometheus.yml");
    assertThat(out).contains("SUCCESS: 2 rule files found")
        .contains("SUCCESS: 7 rules found").contains("SUCCESS: 5 rules found");
  }

  @Test
  void alertmanagerConfig_amtool_valid() throws Exception {
    SystemTools.require("amtool", "apt-get install prometheus-alertmanager", "/usr/bin/amtool",
        "--version");
    String out = run(DEPLOY.resolve("demo"), "/usr/bin/amtool", "check-config",
        "alertmanager.yml");
    assertThat(out).contains("SUCCESS");
  }

  @Test
  void composeFile_mountsTheShippedFiles() throws Exception {
    Path demo = DEPLOY.resolve("demo");
    String compose = Files.readString(demo.resolve("docker-compose.yml"));
    // every relative host path the compose file mounts or builds from exists
    for (String path : new String[] {"../prometheus", "./alertmanager.yml",
        "../grafana/provisioning", "../grafana/dashboards"}) {
      assertThat(compose).contains("- " + path + ":");
      assertThat(demo.resolve(path).normalize()).exists();
    }
    assertThat(compose).contains("dockerfile: deploy/demo/Dockerfile");
    assertThat(demo.resolve("Dockerfile")).exists();
    assertThat(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")))
        .contains("targets: [\"demo:9464\"]").contains("targets: [\"alertmanager:9093\"]");
    assertThat(Files.readString(demo.resolve("Dockerfile")))
        .contains("--monitor-port=9464").contains("--api-port=8080");
    assertThat(Files.readString(DEPLOY.resolve(
        "grafana/provisioning/datasources/prometheus.yml"))).contains("http://prometheus:9090");
  }

  @Test
  void deploymentFiles_agreeWithEachOther() throws Exception {
    String compose = Files.readString(DEPLOY.resolve("demo/docker-compose.yml"));
    String dockerfile = Files.readString(DEPLOY.resolve("demo/Dockerfile"));

    // Grafana's dashboard provider reads the folder the compose file mounts the dashboards at
    String provider = Files.readString(DEPLOY.resolve(
        "grafana/provisioning/dashboards/modelmonitor.yml"));
    String providerPath = group(provider, "(?m)^\\s+path:\\s*(\\S+)\\s*$");
    assertThat(compose).contains("- ../grafana/dashboards:" + providerPath + ":ro");

    // the demo service publishes exactly the ports its image exposes
    String demoService = group(compose, "(?s)\\n  demo:\\n(.*?)\\n\\n");
    Set<String> published = new TreeSet<>();
    Matcher port = Pattern.compile("- \"(\\d+):(\\d+)\"").matcher(demoService);
    while (port.find()) {
      published.add(port.group(2));
    }
    Set<String> exposed = new TreeSet<>(List.of(
        group(dockerfile, "(?m)^EXPOSE\\s+(.+)$").trim().split("\\s+")));
    assertThat(published).isNotEmpty().isEqualTo(exposed);

    // Prometheus scrapes the port the demo serves /metrics on; the API port is exposed too
    String monitorPort = group(dockerfile, "--monitor-port=(\\d+)");
    String apiPort = group(dockerfile, "--api-port=(\\d+)");
    assertThat(group(Files.readString(DEPLOY.resolve("prometheus/prometheus.yml")),
        "targets: \\[\"demo:(\\d+)\"\\]")).isEqualTo(monitorPort);
    assertThat(exposed).containsExactlyInAnyOrder(monitorPort, apiPort);

    // the image runs as an unprivileged user, from pinned base images, and copies the jar
    // under the name the pom gives it
    assertThat(dockerfile).contains("useradd --system --uid 10001").contains("\nUSER 10001\n");
    Matcher from = Pattern.compile("(?m)^FROM (\\S+)").matcher(dockerfile);
    while (from.find()) {
      assertThat(from.group(1)).as("base image pinned to a version").matches(".*:\\d+\\.\\d+.*");
    }
    String finalName = group(Files.readString(Path.of("pom.xml")),
        "<finalName>([^<]+)</finalName>");
    assertThat(dockerfile).contains("/src/monitor-examples/target/" + finalName + ".jar ");
  }

  private static String group(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    assertThat(m.find()).as("%s in:%n%s", regex, text).isTrue();
    return m.group(1);
  }

  private static String run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
