/**
 * Logs: {@link io.modelmonitor.report.LogReporter}, a summary line per model per closed window,
 * and {@link io.modelmonitor.report.PredictionLogPolicy}, which configures the sampled structured
 * prediction log.
 */
package io.modelmonitor.report;
