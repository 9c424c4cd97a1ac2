/**
 * Monitored ONNX Runtime sessions: {@link io.modelmonitor.onnx.MonitoredOnnxSession} opens a
 * model, derives a feature schema from its inputs and runs every scoring call through a
 * {@link io.modelmonitor.ModelMonitor}.
 */
package io.modelmonitor.onnx;
