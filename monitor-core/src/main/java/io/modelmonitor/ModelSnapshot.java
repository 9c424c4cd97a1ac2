package io.modelmonitor;

import io.modelmonitor.drift.DriftReport;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;

/**
 * An immutable view of one model: the last closed reporting window and everything since start.
 *
 * <p>Snapshots are the only thing that leaves a monitor: alerts, JSON, dashboards and logs read
 * them. They are safe to share between threads and to keep.
 *
 * @param model the model name
 * @param version the model version
 * @param timestamp wall-clock time at which the snapshot was taken
 * @param window length of the last closed window ({@link Duration#ZERO} before the first one)
 * @param uptime time since the monitor was created
 * @param windowOutcomes outcomes in the last closed window
 * @param totalOutcomes outcomes since start, up to the moment of the snapshot
 * @param windowLatency latency of calls completed in the last closed window
 * @param totalLatency latency of all calls since start, up to the moment of the snapshot
 * @param windowBatches batch calls in the last closed window
 * @param totalBatches batch calls since start
 * @param windowViolations input-schema violations in the last closed window (empty without a
 *     schema)
 * @param totalViolations input-schema violations since start
 * @param windowDrift drift against the baseline in the last closed window (empty without one)
 * @param rollingDrift drift over the last {@code DriftPolicy.rollingWindows()} closed windows
 * @param totalDrift drift against the baseline of everything observed since start
 * @param windowRecommendations what a ranking model recommended in the last closed window
 *     (empty unless its prediction spec reads ranked outputs)
 * @param windowQuality online quality from delayed feedback in the last closed window (null
 *     without a score or ranked prediction spec)
 * @param rollingQuality online quality over the last {@code DriftPolicy.rollingWindows()}
 *     closed windows (null likewise)
 * @param totalQuality online quality since start (null likewise)
 * @param inFlight calls started and not yet finished at the moment of the snapshot
 * @param monitorErrors failures inside monitoring itself since start (invalid samples, internal
 *     errors); they never affected the monitored calls
 * @param windowStages latency of each declared stage in the last closed window, by stage name
 *     in declaration order (empty without stages; see {@code MonitorBuilder.stages})
 * @param totalStages latency of each declared stage since start, likewise
 * @param info static facts about the model set when its monitor was created
 *     ({@link ModelInfo#EMPTY} without)
 */
public record ModelSnapshot(
    String model,
    String version,
    Instant timestamp,
    Duration window,
    Duration uptime,
    Outcomes windowOutcomes,
    Outcomes totalOutcomes,
    LatencySummary windowLatency,
    LatencySummary totalLatency,
    BatchSummary windowBatches,
    BatchSummary totalBatches,
    ViolationSummary windowViolations,
    ViolationSummary totalViolations,
    DriftReport windowDrift,
    DriftReport rollingDrift,
    DriftReport totalDrift,
    io.modelmonitor.drift.RecommendationSummary windowRecommendations,
    io.modelmonitor.feedback.QualitySummary windowQuality,
    io.modelmonitor.feedback.QualitySummary rollingQuality,
    io.modelmonitor.feedback.QualitySummary totalQuality,
    long inFlight,
    long monitorErrors,
    Map<String, LatencySummary> windowStages,
    Map<String, LatencySummary> totalStages,
    ModelInfo info) {

  /**
   * Creates the record after validating its components.
   *
   * @param model see {@link #model()}
   * @param version see {@link #version()}
   * @param timestamp see {@link #timestamp()}
   * @param window see {@link #window()}
   * @param uptime see {@link #uptime()}
   * @param windowOutcomes see {@link #windowOutcomes()}
   * @param totalOutcomes see {@link #totalOutcomes()}
   * @param windowLatency see {@link #windowLatency()}
   * @param totalLatency see {@link #totalLatency()}
   * @param windowBatches see {@link #windowBatches()}
   * @param totalBatches see {@link #totalBatches()}
   * @param windowViolations see {@link #windowViolations()}
   * @param totalViolations see {@link #totalViolations()}
   * @param windowDrift see {@link #windowDrift()}
   * @param rollingDrift see {@link #rollingDrift()}
   * @param totalDrift see {@link #totalDrift()}
   * @param windowRecommendations see {@link #windowRecommendations()}
   * @param windowQuality see {@link #windowQuality()}
   * @param rollingQuality see {@link #rollingQuality()}
   * @param totalQuality see {@link #totalQuality()}
   * @param inFlight see {@link #inFlight()}
   * @param monitorErrors see {@link #monitorErrors()}
   * @param windowStages see {@link #windowStages()}
   * @param totalStages see {@link #totalStages()}
   * @param info see {@link #info()}
   */
  public ModelSnapshot {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(timestamp, "timestamp");
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(uptime, "uptime");
    Objects.requireNonNull(windowOutcomes, "windowOutcomes");
    Objects.requireNonNull(totalOutcomes, "totalOutcomes");
    Objects.requireNonNull(windowLatency, "windowLatency");
    Objects.requireNonNull(totalLatency, "totalLatency");
    Objects.requireNonNull(windowBatches, "windowBatches");
    Objects.requireNonNull(totalBatches, "totalBatches");
    Objects.requireNonNull(windowViolations, "windowViolations");
    Objects.requireNonNull(totalViolations, "totalViolations");
    Objects.requireNonNull(windowDrift, "windowDrift");
    Objects.requireNonNull(rollingDrift, "rollingDrift");
    Objects.requireNonNull(totalDrift, "totalDrift");
    Objects.requireNonNull(windowRecommendations, "windowRecommendations");
    windowStages = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(Objects.requireNonNull(windowStages, "windowStages")));
    totalStages = java.util.Collections.unmodifiableMap(
        new java.util.LinkedHashMap<>(Objects.requireNonNull(totalStages, "totalStages")));
    Objects.requireNonNull(info, "info");
  }

  /**
   * Returns completed calls per second in the last closed window, or 0 before the first window.
   *
   * @return throughput of the last window, calls per second
   */
  public double ratePerSecond() {
    long nanos = window.toNanos();
    return nanos <= 0 ? 0 : windowOutcomes.completed() * 1e9 / nanos;
  }

  /**
   * Returns completed calls per second since the monitor was created, or 0 at creation.
   *
   * @return average throughput since start, calls per second
   */
  public double totalRatePerSecond() {
    long nanos = uptime.toNanos();
    return nanos <= 0 ? 0 : totalOutcomes.completed() * 1e9 / nanos;
  }
}
