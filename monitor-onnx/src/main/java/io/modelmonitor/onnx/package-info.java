/**
 * Monitored ONNX Runtime sessions: {@link io.modelmonitor.onnx.MonitoredOnnxSession} opens a
 * model, derives a feature schema from its inputs (refined by the model's embedded schema),
 * reads its embedded baseline and metadata, measures what loading cost
 * ({@link io.modelmonitor.onnx.OnnxResources}) and runs every scoring call through a
 * {@link io.modelmonitor.ModelMonitor}; {@link io.modelmonitor.onnx.ShadowOnnxSession} compares
 * a challenger with a champion on the same rows ({@link io.modelmonitor.onnx.ShadowReport}).
 */
package io.modelmonitor.onnx;
