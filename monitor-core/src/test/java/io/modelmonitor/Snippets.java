package io.modelmonitor;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.function.Function;

/**
 * The code examples of the README, compiled and run by {@link SnippetsTest}. Each region between
 * {@code // tag::name[]} and {@code // end::name[]} must appear verbatim in the README.
 */
final class Snippets {

  /** A stand-in for the user's model: a tiny logistic scorer. */
  static final class CtrModel {
    float predict(float[] features) {
      double z = -1.0;
      for (float f : features) {
        z += 0.1 * f;
      }
      return (float) (1 / (1 + Math.exp(-z)));
    }
  }

  static ModelSnapshot quickstart(CtrModel model, float[] features) {
    // tag::quickstart[]
    MeterRegistry meterRegistry = new SimpleMeterRegistry(); // your service's registry
    MonitorRegistry monitors = MonitorRegistry.builder()
        .meterRegistry(meterRegistry)
        .commonTag("service", "recommendations")
        .build();
    ModelMonitor<float[], Float> ctr = monitors.monitor("ctr", "2024-06-01");

    Function<float[], Float> predict = ctr.decorateFunction(model::predict);
    float score = predict.apply(features); // same result, now measured

    ModelSnapshot snapshot = ctr.snapshot();
    System.out.printf("score=%.3f calls=%d p99=%s errors=%d%n", score,
        snapshot.totalOutcomes().completed(), snapshot.totalLatency().p99(),
        snapshot.totalOutcomes().errors());
    // end::quickstart[]
    monitors.close();
    return snapshot;
  }

  private Snippets() {}
}
