/**
 * Logs: {@link io.modelmonitor.report.PredictionLogPolicy} configures the sampled structured
 * prediction log.
 */
package io.modelmonitor.report;
