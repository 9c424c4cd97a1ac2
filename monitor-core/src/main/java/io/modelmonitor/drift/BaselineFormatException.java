package io.modelmonitor.drift;

import java.io.IOException;

/**
 * A baseline file that is not valid JSON, not a baseline, of an unsupported version, or
 * internally inconsistent. The message names the file, the field and what was expected.
 */
public final class BaselineFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the file, the field and what was expected
   */
  public BaselineFormatException(String message) {
    super(message);
  }
}
