package io.modelmonitor.onnx;

import ai.onnxruntime.OnnxModelMetadata;
import io.modelmonitor.MetricNames;
import io.modelmonitor.ModelInfo;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.BaselineFormatException;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.InputShape;
import io.modelmonitor.schema.SchemaFormatException;
import java.util.Map;
import java.util.TreeMap;

/**
 * A model's metadata as the monitor sees it: the labels and attributes of its
 * {@link ModelInfo}, and the baseline and schema refinement embedded under
 * {@link MonitoredOnnxSession#BASELINE_KEY} and {@link MonitoredOnnxSession#SCHEMA_KEY}. The
 * two documents are parsed only when asked for, so that one the builder overrides is never read
 * (a malformed one included).
 */
final class OnnxMetadata {

  private static final int MAX_LABEL = 256;

  final String producer;
  final String producerVersion;
  final String graph;
  final String domain;
  final long modelVersion;
  final String description;
  final String graphDescription;
  /** Custom metadata without the two ModelMonitor documents, sorted by key. */
  final Map<String, String> custom;
  /** The embedded documents as JSON text; null when absent. */
  private final String baselineJson;
  private final String schemaJson;
  private final String source;

  private OnnxMetadata(OnnxModelMetadata m, String producerVersion, String source) {
    this.producer = m.getProducerName();
    this.producerVersion = producerVersion;
    this.graph = m.getGraphName();
    this.domain = m.getDomain();
    this.modelVersion = m.getVersion();
    this.description = m.getDescription();
    this.graphDescription = m.getGraphDescription();
    Map<String, String> all = new TreeMap<>(m.getCustomMetadata());
    this.baselineJson = all.remove(MonitoredOnnxSession.BASELINE_KEY);
    this.schemaJson = all.remove(MonitoredOnnxSession.SCHEMA_KEY);
    this.custom = all;
    this.source = source;
  }

  boolean hasBaseline() {
    return baselineJson != null;
  }

  boolean hasSchema() {
    return schemaJson != null;
  }

  /**
   * Parses the embedded baseline.
   *
   * @return the baseline, or null when none is embedded
   * @throws IllegalArgumentException naming the key if it is malformed
   */
  Baseline baseline() {
    try {
      return baselineJson == null ? null : Baseline.fromJson(baselineJson);
    } catch (BaselineFormatException e) {
      throw new IllegalArgumentException(source + ": metadata '"
          + MonitoredOnnxSession.BASELINE_KEY + "' is not a valid baseline: " + e.getMessage(),
          e);
    }
  }

  /**
   * Parses the embedded schema refinement.
   *
   * @return the refinement, or null when none is embedded
   * @throws IllegalArgumentException naming the key if it is malformed
   */
  FeatureSchema<Map<String, ?>> schema() {
    try {
      return schemaJson == null ? null : FeatureSchema.fromJson(schemaJson, InputShape.MAP);
    } catch (SchemaFormatException e) {
      throw new IllegalArgumentException(source + ": metadata '"
          + MonitoredOnnxSession.SCHEMA_KEY + "' is not a valid feature schema: "
          + e.getMessage(), e);
    }
  }

  static OnnxMetadata read(OnnxModelMetadata metadata, String producerVersion, String source) {
    return new OnnxMetadata(metadata, producerVersion, source);
  }

  /** Labels (closed per model), attributes (snapshot only) and the resource measurements. */
  ModelInfo info(OnnxResources r, String baselineSource, String schemaSource) {
    ModelInfo.Builder b = ModelInfo.builder()
        .label("producer", label(producer))
        .label("producer_version", label(producerVersion))
        .label("graph", label(graph))
        .label("domain", label(domain))
        // ONNX Runtime reports a model without model_version as Long.MAX_VALUE
        .label("model_version", modelVersion < 0 || modelVersion == Long.MAX_VALUE ? "unknown"
            : Long.toString(modelVersion))
        .attribute("description", description)
        .attribute("graph_description", graphDescription)
        .attribute("baseline", baselineSource)
        .attribute("schema", schemaSource);
    custom.forEach((k, v) -> b.attribute("custom." + k, v));
    return b
        .measurement(MetricNames.ONNX_LOAD_DURATION, "seconds",
            "Time ONNX Runtime took to load the model and create its session",
            r.loadTime().toNanos() / 1e9)
        .measurement(MetricNames.ONNX_SIZE, "bytes", "Size of the ONNX model as loaded",
            known(r.sizeBytes(), r.sizeBytes() >= 0))
        .measurement(MetricNames.ONNX_MEMORY_FOOTPRINT, "bytes",
            "Growth of the process's resident memory while the model loaded (an estimate)",
            known(r.footprintBytes(), r.residentBytesBefore() >= 0
                && r.residentBytesAfter() >= 0))
        .measurement(MetricNames.ONNX_MEMORY_RESIDENT, "bytes",
            "Resident memory of the process around loading the model",
            known(r.residentBytesBefore(), r.residentBytesBefore() >= 0),
            MetricNames.TAG_PHASE, "before_load")
        .measurement(MetricNames.ONNX_MEMORY_RESIDENT, "bytes",
            "Resident memory of the process around loading the model",
            known(r.residentBytesAfter(), r.residentBytesAfter() >= 0),
            MetricNames.TAG_PHASE, "after_load")
        .measurement(MetricNames.ONNX_THREADS, null,
            "Threads the ONNX Runtime session was configured with (0 = its default)",
            r.intraOpThreads(), MetricNames.TAG_KIND, "intra_op")
        .measurement(MetricNames.ONNX_THREADS, null,
            "Threads the ONNX Runtime session was configured with (0 = its default)",
            r.interOpThreads(), MetricNames.TAG_KIND, "inter_op")
        .build();
  }

  private static double known(long value, boolean known) {
    return known ? value : Double.NaN;
  }

  private static String label(String value) {
    if (value == null || value.isBlank()) {
      return "unknown";
    }
    return value.length() > MAX_LABEL ? value.substring(0, MAX_LABEL) : value;
  }
}
