package io.modelmonitor.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.modelmonitor.testing.SystemTools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
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

  private static String run(Path dir, String... command) throws Exception {
    Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out;
  }
}
