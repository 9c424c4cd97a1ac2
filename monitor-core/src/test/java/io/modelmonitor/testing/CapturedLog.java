package io.modelmonitor.testing;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Captures what slf4j-simple (the test binding, which writes to {@code System.err} at INFO and
 * above) logs while it is open, and returns the messages of one logger.
 */
public final class CapturedLog implements AutoCloseable {

  private final PrintStream original = System.err;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

  /** Starts capturing {@code System.err}. */
  public CapturedLog() {
    System.setErr(new PrintStream(bytes, true, StandardCharsets.UTF_8));
  }

  /**
   * Returns the messages logged so far on {@code logger} at INFO, without slf4j-simple's prefix.
   *
   * @param logger the logger name
   * @return the messages, in order
   */
  public List<String> info(String logger) {
    String marker = " INFO " + logger + " - ";
    return bytes.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.contains(marker))
        .map(l -> l.substring(l.indexOf(marker) + marker.length()))
        .collect(Collectors.toList());
  }

  /**
   * Returns everything written so far.
   *
   * @return the raw text
   */
  public String raw() {
    return bytes.toString(StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    System.setErr(original);
  }
}
