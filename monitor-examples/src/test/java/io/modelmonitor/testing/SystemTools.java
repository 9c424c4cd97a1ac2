package io.modelmonitor.testing;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * A copy of monitor-core's test helper (core publishes no test jar). Tests that need a system tool (Debian's python3 with numpy; later promtool, Alertmanager,
 * Chromium) call {@link #require}: on a developer machine without the tool the test is skipped
 * with the reason; where {@code MODELMONITOR_REQUIRE_TOOLS=1} (set by {@code .ci/run}, which
 * installs the tools) a missing tool fails the build instead.
 */
public final class SystemTools {

  private SystemTools() {}

  /**
   * Skips or fails the calling test unless {@code command} exits 0.
   *
   * @param what the tool, for the message
   * @param install how to get it, for the message
   * @param command a probe such as {@code /usr/bin/python3 -c "import numpy"}
   */
  public static void require(String what, String install, String... command) {
    boolean present;
    try {
      Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      present = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (Exception e) {
      present = false;
    }
    if (present) {
      return;
    }
    String message = what + " is not installed (" + install + ")";
    if ("1".equals(System.getenv("MODELMONITOR_REQUIRE_TOOLS"))) {
      Assertions.fail(message + "; .ci/run must install it");
    }
    Assumptions.abort(message + "; skipped here, mandatory in CI");
  }
}
