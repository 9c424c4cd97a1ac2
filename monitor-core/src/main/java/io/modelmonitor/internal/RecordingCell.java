package io.modelmonitor.internal;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.HdrHistogram.WriterReaderPhaser;

/**
 * The recording state one thread owns for one monitor.
 *
 * <p>Design note. Every thread that calls a monitored model gets its own cell, so two threads
 * never write the same memory and the hot path needs no lock and no contended atomic. A cell is
 * written by its owner thread only; it is read by the drainer (the reporter thread, a scrape, or
 * {@code snapshot()}), which holds the monitor's drain lock.
 *
 * <ul>
 *   <li>Latency and outcomes go into the cell's active {@link CellInterval} inside a
 *       {@link WriterReaderPhaser} critical section, the same double-buffering HdrHistogram's
 *       {@code Recorder} uses: the drainer swaps in an empty interval, {@link
 *       WriterReaderPhaser#flipPhase() flips the phase} (which waits for writers still inside the
 *       old interval) and then owns the old one exclusively. The phaser's two uncontended atomic
 *       increments are the only read-modify-write operations per call.
 *   <li>{@code started} / {@code finished} (in-flight calls) and {@code writes} are monotonic
 *       single-writer counters published with opaque stores; readers may see them a moment late
 *       but never torn and never going backwards.
 * </ul>
 *
 * <p>A cell whose owner thread has died is drained one last time and dropped by the drainer
 * ({@link Thread#isAlive()} returning false happens-after every write of that thread).
 */
final class RecordingCell {

  private static final VarHandle STARTED;
  private static final VarHandle FINISHED;
  private static final VarHandle WRITES;

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

  final Thread owner;
  private final WriterReaderPhaser phaser = new WriterReaderPhaser();
  private volatile CellInterval active;

  @SuppressWarnings("unused") // accessed through STARTED
  private long started;
  @SuppressWarnings("unused") // accessed through FINISHED
  private long finished;
  @SuppressWarnings("unused") // accessed through WRITES
  private long writes;

  /** Drainer-only: the value of {@code writes} at the last swap. */
  long drainedWrites;

  RecordingCell(Thread owner, CellInterval initial) {
    this.owner = owner;
    this.active = initial;
  }

  // ---- owner thread only ----

  void callStarted() {
    STARTED.setOpaque(this, (long) STARTED.getOpaque(this) + 1);
  }

  void callFinished() {
    FINISHED.setOpaque(this, (long) FINISHED.getOpaque(this) + 1);
  }

  void recordSuccess(long latencyNanos) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval interval = active;
      interval.latency.recordValue(latencyNanos);
      interval.latencySumNanos += latencyNanos;
      interval.success++;
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    WRITES.setOpaque(this, (long) WRITES.getOpaque(this) + 1);
  }

  void recordError(long latencyNanos, int errorSlot) {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      CellInterval interval = active;
      interval.latency.recordValue(latencyNanos);
      interval.latencySumNanos += latencyNanos;
      interval.errors[errorSlot]++;
      interval.errorTotal++;
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    WRITES.setOpaque(this, (long) WRITES.getOpaque(this) + 1);
  }

  void recordRejected() {
    long epoch = phaser.writerCriticalSectionEnter();
    try {
      active.rejected++;
    } finally {
      phaser.writerCriticalSectionExit(epoch);
    }
    WRITES.setOpaque(this, (long) WRITES.getOpaque(this) + 1);
  }

  // ---- any thread ----

  long started() {
    return (long) STARTED.getOpaque(this);
  }

  long finished() {
    return (long) FINISHED.getOpaque(this);
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
}
