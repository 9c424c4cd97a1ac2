package io.modelmonitor.spring;

import io.modelmonitor.MonitorRegistry;
import io.modelmonitor.drift.Baseline;
import io.modelmonitor.drift.PredictionSpec;
import io.modelmonitor.schema.FeatureSchema;
import io.modelmonitor.schema.InputShape;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;

/** Creates the monitors of {@code modelmonitor.models.*} in a registry. */
final class ConfiguredModels {

  private ConfiguredModels() {}

  static void create(MonitorRegistry registry, Map<String, ModelMonitorProperties.Model> models) {
    models.forEach((name, model) -> create(registry, name, model));
  }

  @SuppressWarnings("unchecked")
  private static void create(MonitorRegistry registry, String name,
      ModelMonitorProperties.Model model) {
    String where = "modelmonitor.models." + name;
    if (model.getVersion() == null) {
      throw new IllegalArgumentException(where + ".version is required");
    }
    MonitorRegistry.MonitorBuilder<Object, Object> builder =
        registry.monitorBuilder(name, model.getVersion());
    try {
      if (model.getSchema() != null) {
        builder.schema((FeatureSchema<Object>) FeatureSchema.read(model.getSchema(),
            shape(model.getShape())));
      }
      if (model.getBaseline() != null) {
        builder.baseline(Baseline.read(model.getBaseline()));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(where + ": cannot read " + e.getMessage(), e);
    }
    if (model.getPrediction() == ModelMonitorProperties.Prediction.SCORE) {
      builder.prediction(PredictionSpec.score(ConfiguredModels::score));
    }
    if (model.getRequestId() != null) {
      builder.requestId(requestId(where, model));
    }
    builder.build();
  }

  /** Checks {@code request-id} against the rest of the model's settings and builds its reader. */
  private static RequestIdReader requestId(String where, ModelMonitorProperties.Model model) {
    String property = where + ".request-id";
    String name = model.getRequestId();
    if (name.isBlank()) {
      throw new IllegalArgumentException(property + " must name a map key or property, not be "
          + "blank");
    }
    if (model.getPrediction() != ModelMonitorProperties.Prediction.SCORE) {
      throw new IllegalArgumentException(property + "=" + name + " needs " + where
          + ".prediction=score: only a scored prediction is remembered for feedback");
    }
    if (model.getSchema() != null && model.getShape() != ModelMonitorProperties.Shape.MAP) {
      throw new IllegalArgumentException(property + "=" + name + " cannot be read from a "
          + model.getShape().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
          + " input (" + where + ".shape); use a map input, or @RequestId on a method parameter");
    }
    return new RequestIdReader(property, name);
  }

  private static double score(Object output) {
    return ((Number) output).doubleValue();
  }

  private static InputShape<?> shape(ModelMonitorProperties.Shape shape) {
    switch (shape) {
      case FLOAT_ARRAY:
        return InputShape.FLOAT_ARRAY;
      case DOUBLE_ARRAY:
        return InputShape.DOUBLE_ARRAY;
      default:
        return InputShape.MAP;
    }
  }
}
