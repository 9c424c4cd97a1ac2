package io.modelmonitor.schema;

import java.util.List;
import java.util.Objects;

/**
 * Thrown, under {@link SchemaPolicy#REJECT}, instead of calling the model with an invalid input.
 * The message lists every violation; values of sensitive features are masked.
 */
public final class SchemaViolationException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String model;
  private final transient List<Violation> violations;

  /**
   * Creates the exception.
   *
   * @param model the model name and version, such as {@code ctr:v3}
   * @param violations every violation of the rejected input; not empty
   */
  public SchemaViolationException(String model, List<Violation> violations) {
    super(message(model, violations), null, false, false);
    this.model = model;
    this.violations = List.copyOf(violations);
  }

  private static String message(String model, List<Violation> violations) {
    Objects.requireNonNull(model, "model");
    StringBuilder sb = new StringBuilder("input rejected by the feature schema of ")
        .append(model).append(": ").append(violations.size())
        .append(violations.size() == 1 ? " violation" : " violations");
    for (Violation v : violations) {
      sb.append("\n  ").append(v);
    }
    return sb.toString();
  }

  /**
   * Returns the model the input was meant for.
   *
   * @return the model name and version
   */
  public String model() {
    return model;
  }

  /**
   * Returns every violation of the rejected input.
   *
   * @return an unmodifiable list
   */
  public List<Violation> violations() {
    return violations;
  }
}
