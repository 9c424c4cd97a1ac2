package io.modelmonitor.internal;

import io.modelmonitor.BatchSummary;
import io.modelmonitor.LatencySummary;
import io.modelmonitor.Outcomes;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Everything recorded over one span (the current window, or since start), merged from the cells.
 * Guarded by the owning {@link Recordings}' lock.
 */
final class Aggregate {

  final Histogram latency;
  final long[] errors;
  final long[] violations;
  final long[] bins;
  final double[] moments;
  private final DriftTracker tracker;
  long invalidInputs;
  long success;
  long errorTotal;
  long rejected;
  long latencySumNanos;

  /** Created on the first batch call; batch-free models never pay for them. */
  Histogram batchSizes;
  Histogram itemLatency;
  long batchItems;

  /** One histogram and exact sum per declared stage, in declaration order; empty without. */
  final Histogram[] stages;
  final long[] stageSumNanos;

  Aggregate(LatencyLayout layout, int errorSlots, int violationCells, DriftTracker tracker,
      int stageCount) {
    this.latency = layout.newHistogram();
    this.stages = new Histogram[stageCount];
    for (int i = 0; i < stageCount; i++) {
      stages[i] = layout.newHistogram();
    }
    this.stageSumNanos = new long[stageCount];
    this.errors = new long[errorSlots];
    this.violations = new long[violationCells];
    this.tracker = tracker;
    this.bins = new long[tracker == null ? 0 : tracker.binCells];
    this.moments = new double[tracker == null ? 0 : tracker.momentCells];
    if (tracker != null) {
      tracker.resetMoments(moments);
    }
  }

  void add(CellInterval interval) {
    if (interval.latency.getTotalCount() > 0) {
      latency.add(interval.latency);
    }
    for (int i = 0; i < errors.length; i++) {
      errors[i] += interval.errors[i];
    }
    for (int i = 0; i < violations.length; i++) {
      violations[i] += interval.violations[i];
    }
    for (int i = 0; i < bins.length; i++) {
      bins[i] += interval.bins[i];
    }
    if (tracker != null) {
      tracker.mergeMoments(moments, interval.moments);
    }
    invalidInputs += interval.invalidInputs;
    success += interval.success;
    errorTotal += interval.errorTotal;
    rejected += interval.rejected;
    latencySumNanos += interval.latencySumNanos;
  }

  void addBatches(Histogram sizes, Histogram perItem, long items, LatencyLayout layout,
      int maxBatchSize) {
    if (batchSizes == null) {
      batchSizes = BatchRecorders.newSizeHistogram(maxBatchSize);
      itemLatency = layout.newHistogram();
    }
    batchSizes.add(sizes);
    itemLatency.add(perItem);
    batchItems += items;
  }

  void addStage(int stage, Histogram interval, long sumNanos) {
    stages[stage].add(interval);
    stageSumNanos[stage] += sumNanos;
  }

  void reset() {
    latency.reset();
    for (Histogram h : stages) {
      h.reset();
    }
    Arrays.fill(stageSumNanos, 0);
    Arrays.fill(errors, 0);
    Arrays.fill(violations, 0);
    Arrays.fill(bins, 0);
    if (tracker != null) {
      tracker.resetMoments(moments);
    }
    invalidInputs = 0;
    success = 0;
    errorTotal = 0;
    rejected = 0;
    latencySumNanos = 0;
    if (batchSizes != null) {
      batchSizes.reset();
      itemLatency.reset();
    }
    batchItems = 0;
  }

  Outcomes outcomes(ErrorTypes types) {
    Map<String, Long> byType = new LinkedHashMap<>();
    int named = types.assigned();
    for (int i = 0; i < named; i++) {
      if (errors[i] > 0) {
        byType.put(types.name(i), errors[i]);
      }
    }
    long other = errors[types.otherSlot()];
    if (other > 0) {
      byType.put(ErrorTypes.OTHER, other);
    }
    return new Outcomes(success, errorTotal, rejected, byType);
  }

  LatencySummary latencySummary() {
    return summarize(latency);
  }

  BatchSummary batchSummary() {
    if (batchSizes == null || batchSizes.getTotalCount() == 0) {
      return BatchSummary.EMPTY;
    }
    return new BatchSummary(batchSizes.getTotalCount(), batchItems,
        batchSizes.getValueAtPercentile(50), batchSizes.getValueAtPercentile(99),
        batchSizes.getMaxValue(), summarize(itemLatency));
  }

  /** The latency of every stage by name, in declaration order; empty without stages. */
  Map<String, LatencySummary> stageSummaries(java.util.List<String> names) {
    if (stages.length == 0) {
      return Map.of();
    }
    Map<String, LatencySummary> out = new LinkedHashMap<>();
    for (int i = 0; i < stages.length; i++) {
      out.put(names.get(i), summarize(stages[i]));
    }
    return java.util.Collections.unmodifiableMap(out);
  }

  static LatencySummary summarize(Histogram h) {
    long count = h.getTotalCount();
    if (count == 0) {
      return LatencySummary.EMPTY;
    }
    return new LatencySummary(count, h.getMean(),
        h.getValueAtPercentile(50), h.getValueAtPercentile(90), h.getValueAtPercentile(95),
        h.getValueAtPercentile(99), h.getValueAtPercentile(99.9), h.getMaxValue());
  }
}
