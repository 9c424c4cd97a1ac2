package io.modelmonitor.schema;

/** What a monitor does with an input that violates its feature schema. */
public enum SchemaPolicy {
  /** Count the violations; the call proceeds unchanged. The default. */
  OBSERVE,
  /**
   * Count the violations and write a rate-limited SLF4J WARN line naming the feature, the kind and
   * the offending value (masked for sensitive features); the call proceeds unchanged.
   */
  LOG,
  /**
   * Count the violations, count the call as rejected and throw a
   * {@link SchemaViolationException} listing every violation before the model runs.
   */
  REJECT
}
