package io.modelmonitor.annotation;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the parameter of a {@link Monitored} method that holds the request id: after a
 * successful call the prediction is remembered under it, so delayed feedback
 * ({@code ModelMonitor.feedback}) carrying the same id joins it. Needs a monitor with a score or
 * ranked prediction spec and no request-id extractor of its own; at most one per method.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.PARAMETER)
public @interface RequestId {}
