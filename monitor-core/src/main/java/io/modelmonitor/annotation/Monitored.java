package io.modelmonitor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a method (or every method of a type) as a call of a monitored model. The monitor must
 * exist in the registry before the proxy is created (with its schema, baseline and prediction
 * spec, through {@code MonitorRegistry.monitorBuilder}); {@link MonitoredProxy#create} then
 * wraps each marked method with the same semantics as {@code ModelMonitor.decorateFunction}:
 * latency, outcome, schema check of the {@link Features} argument, prediction distribution of
 * the return value, and the {@link RequestId} join for delayed feedback.
 *
 * <pre>{@code
 * interface CtrScorer {
 *   @Monitored(model = "ctr", version = "v7")
 *   double score(@Features float[] features, @RequestId String requestId);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
public @interface Monitored {

  /**
   * Returns the monitored model's name.
   *
   * @return the name of a monitor that exists in the registry
   */
  String model();

  /**
   * Returns the expected model version; empty accepts whatever version the monitor has.
   *
   * @return the version, or empty
   */
  String version() default "";
}
