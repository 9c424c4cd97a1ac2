package io.modelmonitor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.WriterReaderPhaser;

/** 64 bytes before the written fields of a {@link RecordingCell}, never written. */
abstract class RecordingCellLeftPad {
  long p01;
  long p02;
  long p03;
  long p04;
  long p05;
  long p06;
  long p07;
  long p08;
}

/** The fields of a {@link RecordingCell} its writer changes on every call, between pads. */
abstract class RecordingCellHot extends RecordingCellLeftPad {
  /** Calls seen for sampling; plain for an owned cell, atomic for the shared one. */
  long sampleTick;
  /** Accessed through RecordingCell.STARTED. */
  long started;
  /** Accessed through RecordingCell.FINISHED. */
  long finished;
  /** Accessed through RecordingCell.WRITES. */
  long writes;
  /** Bits of the last observed score; plain (benignly racy on the shared cell). */
  long lastScoreBits = Double.doubleToRawLongBits(Double.NaN) ^ 1;
}

/** 64 bytes after the written fields of a {@link RecordingCell}, never written. */
abstract class RecordingCellRightPad extends RecordingCellHot {
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
 * The recording state of one thread (or, for the shared cell, of many) for one monitor.
 *
 * <p>Design note. Every platform thread that calls a monitored model gets its own cell, up to
 * {@code MonitorConfig.maxThreadCells()}; two such threads never write the same memory, so the
 * hot path needs no lock and no contended atomic. Threads beyond the cap and virtual threads
 * share one cell whose writes are atomic ({@code shared == true}); memory is therefore bounded by
 * the cap, never by thread churn. A cell is read by the drainer (reporter tick, scrape,
 * {@code snapshot()}), which holds the monitor's drain lock.
 *
 * <ul>
 *   <li>Latency, outcomes and violations go into the cell's active {@link CellInterval} inside a
 *       {@link WriterReaderPhaser} critical section, the double-buffering HdrHistogram's
 *       {@code Recorder} uses: the drainer swaps in an empty interval and
 *       {@link WriterReaderPhaser#flipPhase() flips the phase}, which waits for writers still
 *       inside the old interval; then it owns the old one exclusively.
 *   <li>{@code started}, {@code finished} (in-flight calls) and {@code writes} are monotonic
 *       counters. A per-thread cell publishes them with opaque (started, writes) and release
 *       (finished) stores, no read-modify-write; the shared cell uses atomic adds. A reader that
 *       sees a finish with an acquire read also sees its start, even when the start was
 *       recorded by another thread that handed the call over (async completion).
 * </ul>
 *
 * <p>A per-thread cell whose owner has died is drained one last time and dropped by the drainer
 * ({@link Thread#isAlive()} returning false happens-after every write of that thread).
 *
 * <p>The fields written on every call sit between 64-byte pads (the superclasses), and the
 * phaser and the intervals are padded too, so two threads' cells never share a cache line,
 * even after a garbage collector has moved them next to each other.
 */
final class RecordingCell extends RecordingCellRightPad implements io.modelmonitor.schema.ViolationListener,
    io.modelmonitor.schema.FeatureVisitor {

  private static final VarHandle STARTED;
  private static final VarHandle FINISHED;
  private static final VarHandle WRITES;
  private static final int KINDS = io.modelmonitor.schema.ViolationKind.values().length;

  static {
    try {
      MethodHandles.Lookup lookup = MethodHandles.lookup();
      STARTED = lookup.findVarHandle(RecordingCell.class, "started", long.class);
      FINISHED = lookup.findVarHandle(RecordingCell.class, "finished", long.class);
      WRITES = lookup.findVarHandle(RecordingCell.class, "writes", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  private static final VarHandle TICK;

  static {
    try {
      TICK = MethodHandles.lookup().findVarHandle(RecordingCell.class, "sampleTick", long.class);
    } catch (ReflectiveOperationException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  /** The owning thread, or null for the shared cell. */
  final Thread owner;
  final boolean shared;
  private final DriftTracker tracker;
  private final WriterReaderPhaser phaser = new PaddedPhaser();
  /** Written by the drainer only, read by the writer on every call. */
  private volatile CellInterval active;
  /**
   * Owned cell only: the interval {@link #observe} read from {@code active} when it entered
   * its critical section, for the per-feature visitor calls inside it (one volatile read per
   * call instead of one per feature; the phaser keeps the interval the writer's until it exits).
   */
  private CellInterval visiting;

  /** Drainer-only: the value of {@code writes} at the last swap. */
  long drainedWrites;

  RecordingCell(Thread owner, CellInterval initial, DriftTracker tracker) {
    this.owner = owner;
    this.shared = owner == null;
    this.active = initial;
    this.tracker = tracker;
  }

  /** Whether this call is one of the sampled ones: every {@code stride}-th call of the cell. */
  boolean sample(int stride) {
    if (stride == 1) {
      return true;
    }
    long tick = shared ? (long) TICK.getAndAdd(this, 1L) + 1 : ++sampleTick;
    return tick % stride == 0;
  }

  /** Counts the distribution of every feature of {@code input}; {@code tracker} is not null. */
  <T> void observe(io.modelmonitor.schema.FeatureSchema<T> schema, T input) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      visiting = i;
      schema.visit(input, this);
      add(i, CellInterval.OBSERVED, i.observed, 1, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  void observeScore(double score) {
    boolean repeat = repeatsLastScore(score);
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      scoreInto(active, score, repeat);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  /** Whether {@code score} repeats this thread's previous score (bit for bit); remembers it. */
  private boolean repeatsLastScore(double score) {
    long bits = Double.doubleToRawLongBits(score);
    boolean repeat = bits == lastScoreBits;
    lastScoreBits = bits;
    return repeat;
  }

  /** Counts one observed score into {@code i}; inside a critical section. */
  private void scoreInto(CellInterval i, double score, boolean repeat) {
    tracker.predictionScore(i.bins, i.moments, score, repeat, shared);
    add(i, CellInterval.OBSERVED, i.observed, 1, shared);
  }

  void observeLabel(Object label) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      tracker.predictionLabel(i.bins, i.moments, label, shared);
      add(i, CellInterval.OBSERVED, i.observed, 1, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  // FeatureVisitor: called by schema.visit inside observe(), so inside the critical section

  /** The interval to write a feature into: {@code visiting}, or {@code active} when shared. */
  private CellInterval target() {
    return shared ? active : visiting;
  }

  @Override
  public void numeric(int featureIndex, double value) {
    CellInterval i = target();
    tracker.numeric(i.bins, i.moments, featureIndex, value, shared);
  }

  @Override
  public void category(int featureIndex, String value) {
    CellInterval i = target();
    tracker.category(i.bins, i.moments, featureIndex, value, shared);
  }

  @Override
  public void categoryId(int featureIndex, long id) {
    CellInterval i = target();
    tracker.categoryId(i.bins, i.moments, featureIndex, id, shared);
  }

  @Override
  public void vector(int featureIndex, Object vector) {
    CellInterval i = target();
    tracker.vector(i.bins, i.moments, featureIndex, vector, shared);
  }

  @Override
  public void missing(int featureIndex) {
    CellInterval i = target();
    tracker.missing(i.bins, i.moments, featureIndex, shared);
  }

  // ---- writers ----

  void callStarted() {
    if (shared) {
      STARTED.getAndAdd(this, 1L);
    } else {
      STARTED.setOpaque(this, (long) STARTED.getOpaque(this) + 1);
    }
  }

  void callFinished() {
    if (shared) {
      FINISHED.getAndAdd(this, 1L);
    } else {
      FINISHED.setRelease(this, (long) FINISHED.getOpaque(this) + 1);
    }
  }

  private void wrote() {
    if (shared) {
      WRITES.getAndAdd(this, 1L);
    } else {
      WRITES.setOpaque(this, (long) WRITES.getOpaque(this) + 1);
    }
  }

  private static void add(CellInterval i, VarHandle field, long plainValue, long delta,
      boolean atomic) {
    if (atomic) {
      field.getAndAdd(i, delta);
    } else {
      field.set(i, plainValue + delta);
    }
  }

  private static void increment(long[] array, int index, boolean atomic) {
    if (atomic) {
      CellInterval.LONGS.getAndAdd(array, index, 1L);
    } else {
      array[index]++;
    }
  }

  void recordSuccess(long latencyNanos) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      successInto(active, latencyNanos);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  /** Counts one successful call of {@code latencyNanos} into {@code i}; in a critical section. */
  private void successInto(CellInterval i, long latencyNanos) {
    i.latency.recordValue(latencyNanos);
    add(i, CellInterval.LATENCY_SUM, i.latencySumNanos, latencyNanos, shared);
    add(i, CellInterval.SUCCESS, i.success, 1, shared);
  }

  /**
   * {@link #recordSuccess} and {@link #observeScore} of one sampled call in one critical
   * section: a drain sees both or neither, and the call pays one phaser enter/exit instead of two.
   */
  void recordSuccessAndScore(long latencyNanos, double score) {
    boolean repeat = repeatsLastScore(score);
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      successInto(i, latencyNanos);
      scoreInto(i, score, repeat);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  void recordError(long latencyNanos, int errorSlot) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      i.latency.recordValue(latencyNanos);
      add(i, CellInterval.LATENCY_SUM, i.latencySumNanos, latencyNanos, shared);
      increment(i.errors, errorSlot, shared);
      add(i, CellInterval.ERROR_TOTAL, i.errorTotal, 1, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  void recordRejected() {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      add(i, CellInterval.REJECTED, i.rejected, 1, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  /** Counts one violation of feature slot {@code slot}; call {@link #recordInvalidInput()} once after. */
  void recordViolation(int slot, int kind) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      increment(active.violations, slot * KINDS + kind, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
  }

  /** Counts a violation reported by a schema check of this cell's thread. */
  @Override
  public void onViolation(int featureIndex, io.modelmonitor.schema.ViolationKind kind,
      double value, Object raw) {
    recordViolation(featureIndex, kind.ordinal());
  }

  void recordInvalidInput() {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval i = active;
      add(i, CellInterval.INVALID_INPUTS, i.invalidInputs, 1, shared);
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    wrote();
  }

  // ---- any thread ----

  long started() {
    return (long) STARTED.getOpaque(this);
  }

  /** Acquire read: a caller that then reads {@code started()} of any cell sees the matching starts. */
  long finishedAcquire() {
    return (long) FINISHED.getAcquire(this);
  }

  long writes() {
    return (long) WRITES.getOpaque(this);
  }

  // ---- drainer only (holding the monitor's drain lock) ----

  /**
   * Installs {@code empty} as the active interval and returns the previous one, which the caller
   * then owns exclusively: every write that entered it has completed.
   */
  CellInterval swap(CellInterval empty) {
    phaser.readerLock();
    try {
      CellInterval previous = active;
      active = empty;
      phaser.flipPhase();
      return previous;
    } finally {
      phaser.readerUnlock();
    }
  }

  /** A phaser whose three epochs (two atomic adds per critical section) are followed by 64 unwritten bytes. */
  @SuppressWarnings("unused")
  private static final class PaddedPhaser extends WriterReaderPhaser {
    long p21;
    long p22;
    long p23;
    long p24;
    long p25;
    long p26;
    long p27;
    long p28;
  }

  /** The active interval of a dead cell, for reuse; the cell must never be written again. */
  CellInterval detach() {
    CellInterval i = active;
    active = null;
    return i;
  }
}
