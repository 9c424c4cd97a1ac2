package io.modelmonitor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import org.HdrHistogram.AtomicHistogram;
import org.HdrHistogram.Histogram;

/** 64 bytes before the counters of a {@link CellInterval}, never written. */
abstract class CellIntervalLeftPad {
  long p01;
  long p02;
  long p03;
  long p04;
  long p05;
  long p06;
  long p07;
  long p08;
}

/** The counters of a {@link CellInterval}, written on every call, between pads. */
abstract class CellIntervalCounters extends CellIntervalLeftPad {
  long success;
  long errorTotal;
  long rejected;
  /** Exact sum of the recorded latencies, in nanoseconds. */
  long latencySumNanos;
  /** Inputs with at least one violation. */
  long invalidInputs;
  /** Observations of distributions (sampled calls). */
  long observed;
}

/** 64 bytes after the counters of a {@link CellInterval}, never written. */
abstract class CellIntervalRightPad extends CellIntervalCounters {
  long p11;
  long p12;
  long p13;
  long p14;
  long p15;
  long p16;
  long p17;
  long p18;
}

/**
 * What one cell recorded during one interval: latency histogram, outcome counts and input
 * violations.
 *
 * <p>While it is a cell's active interval it is written by the cell's writers only: by exactly
 * one thread for a per-thread cell (plain writes), by any thread for the shared cell (atomic
 * writes, {@link AtomicHistogram}). It is read and reset only by the drainer, after
 * {@link RecordingCell#swap} has flipped it out (see the design note on {@link RecordingCell}).
 * The counters sit between 64-byte pads (the superclasses), away from other threads' intervals.
 */
final class CellInterval extends CellIntervalRightPad {

  static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);
  static final VarHandle SUCCESS;
  static final VarHandle ERROR_TOTAL;
  static final VarHandle REJECTED;
  static final VarHandle LATENCY_SUM;
  static final VarHandle INVALID_INPUTS;
  static final VarHandle OBSERVED;

  static {
    try {
      MethodHandles.Lookup l = MethodHandles.lookup();
      SUCCESS = l.findVarHandle(CellInterval.class, "success", long.class);
      ERROR_TOTAL = l.findVarHandle(CellInterval.class, "errorTotal", long.class);
      REJECTED = l.findVarHandle(CellInterval.class, "rejected", long.class);
      LATENCY_SUM = l.findVarHandle(CellInterval.class, "latencySumNanos", long.class);
      INVALID_INPUTS = l.findVarHandle(CellInterval.class, "invalidInputs", long.class);
      OBSERVED = l.findVarHandle(CellInterval.class, "observed", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  final Histogram latency;
  /** Error counts by type slot; the last slot is {@code other}. */
  final long[] errors;
  /** Violation counts by {@code slot * kinds + kind}; empty without a schema. */
  final long[] violations;
  /** Live distribution counts per baseline bin; empty without a baseline (see DriftTracker). */
  final long[] bins;
  /** Live moments per tracked feature; empty without a baseline. */
  final double[] moments;
  private final DriftTracker tracker;

  CellInterval(LatencyLayout layout, int errorSlots, int violationCells, DriftTracker tracker,
      boolean shared) {
    this.latency = shared ? layout.newAtomicHistogram() : layout.newHistogram();
    this.errors = new long[errorSlots];
    this.violations = new long[violationCells];
    this.tracker = tracker;
    this.bins = new long[tracker == null ? 0 : tracker.binCells];
    this.moments = new double[tracker == null ? 0 : tracker.momentCells];
    if (tracker != null) {
      tracker.resetMoments(moments);
    }
  }

  boolean isEmpty() {
    return success == 0 && errorTotal == 0 && rejected == 0 && invalidInputs == 0
        && observed == 0;
  }

  void reset() {
    latency.reset();
    Arrays.fill(errors, 0);
    Arrays.fill(violations, 0);
    success = 0;
    errorTotal = 0;
    rejected = 0;
    latencySumNanos = 0;
    invalidInputs = 0;
    observed = 0;
    Arrays.fill(bins, 0);
    if (tracker != null) {
      tracker.resetMoments(moments);
    }
  }
}
