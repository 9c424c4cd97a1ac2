package io.modelmonitor.spring;

import io.modelmonitor.ModelMonitor;
import io.modelmonitor.ModelSnapshot;
import io.modelmonitor.MonitorRegistry;
import java.util.Comparator;
import java.util.List;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;

/**
 * The {@code modelmonitor} actuator endpoint: every monitored model with a summary of its
 * latest snapshot ({@code /actuator/modelmonitor}), or one model
 * ({@code /actuator/modelmonitor/{name}}). Read-only.
 */
@Endpoint(id = "modelmonitor")
public class ModelMonitorEndpoint {

  private final MonitorRegistry registry;

  /**
   * Creates the endpoint.
   *
   * @param registry the registry whose models it lists
   */
  public ModelMonitorEndpoint(MonitorRegistry registry) {
    this.registry = registry;
  }

  /**
   * Lists every model, sorted by name.
   *
   * @return the models and the number of active alerts
   */
  @ReadOperation
  public Models models() {
    List<ModelSummary> models = registry.monitors().stream()
        .sorted(Comparator.comparing(ModelMonitor::name))
        .map(m -> ModelSummary.of(m.snapshot())).toList();
    return new Models(models, registry.activeAlerts().size());
  }

  /**
   * Describes one model.
   *
   * @param name the model name
   * @return the model's summary, or null (404) when no such model is monitored
   */
  @ReadOperation
  public ModelSummary model(@Selector String name) {
    return registry.find(name).map(m -> ModelSummary.of(m.snapshot())).orElse(null);
  }

  /**
   * The response of {@link #models()}.
   *
   * @param models one summary per model, sorted by name
   * @param activeAlerts the number of alerts firing now
   */
  public record Models(List<ModelSummary> models, int activeAlerts) {}

  /**
   * One model's latest snapshot in brief. Counts are since start unless named {@code window}.
   *
   * @param name the model name
   * @param version the model version
   * @param calls successful plus failed calls since start
   * @param errors failed calls since start
   * @param rejected calls rejected before reaching the model since start
   * @param windowCalls completed calls in the last closed window
   * @param p50Millis median latency since start, in milliseconds
   * @param p99Millis 99th percentile latency since start, in milliseconds
   * @param drift the worst drift status of the rolling comparison with the baseline
   */
  public record ModelSummary(String name, String version, long calls, long errors,
      long rejected, long windowCalls, double p50Millis, double p99Millis, String drift) {

    static ModelSummary of(ModelSnapshot s) {
      return new ModelSummary(s.model(), s.version(), s.totalOutcomes().completed(),
          s.totalOutcomes().errors(), s.totalOutcomes().rejected(),
          s.windowOutcomes().completed(), s.totalLatency().p50Nanos() / 1e6,
          s.totalLatency().p99Nanos() / 1e6, s.rollingDrift().worst().name());
    }
  }
}
