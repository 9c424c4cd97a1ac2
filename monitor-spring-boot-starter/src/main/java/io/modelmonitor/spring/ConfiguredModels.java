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
    builder.build();
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
