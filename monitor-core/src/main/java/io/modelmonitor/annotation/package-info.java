/**
 * Annotation-driven monitoring: {@link io.modelmonitor.annotation.Monitored} methods,
 * {@link io.modelmonitor.annotation.Features} and {@link io.modelmonitor.annotation.RequestId}
 * parameters, and {@link io.modelmonitor.annotation.MonitoredProxy}, which applies them to an
 * interface implementation with a JDK dynamic proxy.
 */
package io.modelmonitor.annotation;
