package io.modelmonitor.onnx;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The process's resident set size, from {@code /proc/self/status} (Linux only). */
final class ResidentMemory {

  private static final Path STATUS = Path.of("/proc/self/status");

  private ResidentMemory() {}

  /**
   * Returns the resident set size ({@code VmRSS}) in bytes, or -1 where it cannot be read
   * (not Linux, no procfs, an unexpected format). Never throws.
   */
  static long bytes() {
    return bytes(STATUS);
  }

  static long bytes(Path status) {
    try {
      List<String> lines = Files.readAllLines(status, StandardCharsets.US_ASCII);
      for (String line : lines) {
        if (line.startsWith("VmRSS:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          if (parts.length == 2 && parts[1].equals("kB")) {
            return Long.parseLong(parts[0]) * 1024;
          }
        }
      }
    } catch (IOException | RuntimeException e) { // absent or unreadable: unknown
      return -1;
    }
    return -1;
  }
}
