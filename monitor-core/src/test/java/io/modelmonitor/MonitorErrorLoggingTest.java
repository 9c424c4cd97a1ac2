package io.modelmonitor;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class MonitorErrorLoggingTest {

  @Test
  void invalidSamples_loggedOnceAtWarn_thenOnlyCounted() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    try (MonitorRegistry registry = MonitorRegistry.builder().build()) {
      ModelMonitor<Object, Object> monitor = registry.monitor("logged", "v1");
      System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
      try {
        for (int i = 0; i < 5; i++) {
          monitor.record(-1 - i);
        }
        monitor.recordBatch(1_000, -1);
      } finally {
        System.setErr(original);
      }
      assertThat(monitor.snapshot().monitorErrors()).isEqualTo(6);
    }
    // slf4j-simple at its default INFO level: the WARN line, and the DEBUG ones are dropped
    List<String> warnings = captured.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains("WARN")).collect(Collectors.toList());
    assertThat(warnings).hasSize(1);
    assertThat(warnings.get(0)).contains("logged:v1").contains("negative latency -1ns")
        .contains("invalid_sample").contains("model.monitor.errors");
  }
}
