package io.modelmonitor.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/** Runs a real {@code promtool} (Debian package {@code prometheus}) on what tests produce. */
public final class Promtool {

  /**
   * What {@code promtool} said.
   *
   * @param exitCode its exit code (3: lint findings only)
   * @param report its standard output and error
   */
  public record Result(int exitCode, String report) {}

  private Promtool() {}

  /**
   * Lints a scrape with {@code promtool check metrics}; skips or fails the test (see
   * {@link SystemTools#require}) where promtool is missing.
   *
   * @param scrape the exposition text
   * @param dir a directory for the temporary file
   * @return promtool's exit code and report; it is asserted to finish within 60 s
   * @throws IOException if the file cannot be written or promtool started
   * @throws InterruptedException if interrupted while waiting
   */
  public static Result checkMetrics(String scrape, Path dir)
      throws IOException, InterruptedException {
    SystemTools.require("promtool", "apt-get install prometheus", "/usr/bin/promtool",
        "--version");
    Path file = dir.resolve("scrape.txt");
    Files.writeString(file, scrape);
    Process promtool = new ProcessBuilder("/usr/bin/promtool", "check", "metrics")
        .redirectInput(file.toFile()).redirectErrorStream(true).start();
    String report = new String(promtool.getInputStream().readAllBytes(),
        StandardCharsets.UTF_8);
    assertThat(promtool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(promtool.exitValue(), report);
  }
}
