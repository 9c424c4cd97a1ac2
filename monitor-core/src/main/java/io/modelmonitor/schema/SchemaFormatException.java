package io.modelmonitor.schema;

import java.io.IOException;

/**
 * A schema file that is not valid JSON, not a feature schema, of an unsupported version, or
 * incompatible with the input shape it is loaded for. The message names the file, the field
 * (as a path such as {@code features[2].max}) and what was expected.
 */
public final class SchemaFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message names the file, the field and what was expected
   */
  public SchemaFormatException(String message) {
    super(message);
  }
}
