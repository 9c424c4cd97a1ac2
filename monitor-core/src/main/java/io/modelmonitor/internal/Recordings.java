package io.modelmonitor.internal;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.HdrHistogram.Histogram;

/**
 * The recording cells of one monitor and the aggregates they are drained into.
 *
 * <p>Design note. Writers only ever touch their own {@link RecordingCell} (found through a
 * {@link ThreadLocal}; virtual threads and threads beyond {@code maxCells} use the shared cell)
 * and, for batch calls, the shared {@link BatchRecorders}. The set of per-thread cells and the
 * in-flight totals of retired cells are published together as one immutable {@link State}, so a
 * reader never sees a retired cell both in the list and in the totals. Everything else belongs
 * to the drainer and is guarded by {@code lock}: {@link #drain()} swaps every cell written since
 * the last drain, merges the swapped-out intervals into {@code window} and {@code total} and
 * recycles them, so draining allocates nothing in steady state. Registration of a new thread's
 * cell takes {@code cellsLock}, once per thread; writers never wait for {@code lock}.
 */
final class Recordings {

  /** {@code Thread::isVirtual} on Java 21+, null before; resolved once. */
  private static final MethodHandle IS_VIRTUAL = isVirtualHandle();

  private static MethodHandle isVirtualHandle() {
    try {
      return MethodHandles.publicLookup().findVirtual(Thread.class, "isVirtual",
          MethodType.methodType(boolean.class));
    } catch (NoSuchMethodException | IllegalAccessException e) {
      return null;
    }
  }

  /** The per-thread cells and what retired cells left behind, published as one value. */
  private static final class State {
    static final State EMPTY = new State(new RecordingCell[0], 0, 0);
    final RecordingCell[] cells;
    final long retiredStarted;
    final long retiredFinished;

    State(RecordingCell[] cells, long retiredStarted, long retiredFinished) {
      this.cells = cells;
      this.retiredStarted = retiredStarted;
      this.retiredFinished = retiredFinished;
    }
  }

  private final LatencyLayout layout;
  private final int errorSlots;
  private final int violationCells;
  private final int maxBatchSize;
  private final int maxCells;
  private final DriftTracker tracker;
  private final ThreadLocal<RecordingCell> local = ThreadLocal.withInitial(this::register);
  private final Object cellsLock = new Object();
  private volatile State state = State.EMPTY;
  private final RecordingCell sharedCell;
  private final ArrayDeque<CellInterval> pool = new ArrayDeque<>(); // guarded by cellsLock
  private volatile BatchRecorders batch;
  /** Null without declared stages. */
  final StageRecorders stages;

  /** Serialises drainers; guards everything below. */
  final Object lock = new Object();
  final Aggregate window;
  final Aggregate total;
  private CellInterval spare;
  private CellInterval sharedSpare;

  Recordings(LatencyLayout layout, int errorSlots, int violationCells, int maxBatchSize,
      int maxCells, DriftTracker tracker, List<String> stageNames) {
    this.layout = layout;
    this.errorSlots = errorSlots;
    this.violationCells = violationCells;
    this.maxBatchSize = maxBatchSize;
    this.maxCells = maxCells;
    this.tracker = tracker;
    this.stages = stageNames.isEmpty() ? null : new StageRecorders(layout, stageNames);
    int stageCount = stageNames.size();
    this.window = new Aggregate(layout, errorSlots, violationCells, tracker, stageCount);
    this.total = new Aggregate(layout, errorSlots, violationCells, tracker, stageCount);
    this.spare = interval(false);
    this.sharedCell = new RecordingCell(null, interval(true), tracker);
    this.sharedSpare = interval(true);
  }

  private CellInterval interval(boolean shared) {
    return new CellInterval(layout, errorSlots, violationCells, tracker, shared);
  }

  /** The calling thread's cell; allocation-free after the thread's first call. */
  RecordingCell cell() {
    if (IS_VIRTUAL != null && isVirtual(Thread.currentThread())) {
      return sharedCell;
    }
    return local.get();
  }

  private static boolean isVirtual(Thread t) {
    try {
      return (boolean) IS_VIRTUAL.invokeExact(t);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t2) {
      return false;
    }
  }

  private RecordingCell register() {
    synchronized (cellsLock) {
      State s = state;
      if (s.cells.length >= maxCells) {
        return sharedCell;
      }
      CellInterval interval = pool.poll();
      if (interval == null) {
        interval = interval(false);
      }
      RecordingCell cell = new RecordingCell(Thread.currentThread(), interval, tracker);
      RecordingCell[] next = java.util.Arrays.copyOf(s.cells, s.cells.length + 1);
      next[s.cells.length] = cell;
      state = new State(next, s.retiredStarted, s.retiredFinished);
      return cell;
    }
  }

  BatchRecorders batch() {
    BatchRecorders b = batch;
    if (b == null) {
      synchronized (cellsLock) {
        b = batch;
        if (b == null) {
          b = new BatchRecorders(layout, maxBatchSize);
          batch = b;
        }
      }
    }
    return b;
  }

  /** Number of per-thread cells (threads that have recorded and not yet been seen dead). */
  int cellCount() {
    return state.cells.length;
  }

  RecordingCell sharedCell() {
    return sharedCell;
  }

  /**
   * Calls started and not finished, across all threads, never negative. Finishes are read
   * first, with acquire, so every start matching a finish read is read too.
   */
  long inFlight() {
    State s = state;
    long finished = s.retiredFinished + sharedCell.finishedAcquire();
    for (RecordingCell cell : s.cells) {
      finished += cell.finishedAcquire();
    }
    long started = s.retiredStarted + sharedCell.started();
    for (RecordingCell cell : s.cells) {
      started += cell.started();
    }
    return Math.max(0, started - finished);
  }

  /** Moves everything recorded so far into {@code window} and {@code total}. */
  void drain() {
    synchronized (lock) {
      List<RecordingCell> dead = null;
      for (RecordingCell cell : state.cells) {
        boolean alive = cell.owner.isAlive();
        if (drainCell(cell, !alive) && !alive) {
          if (dead == null) {
            dead = new ArrayList<>();
          }
          dead.add(cell);
        }
      }
      drainCell(sharedCell, false);
      if (dead != null) {
        retire(dead);
      }
      drainBatches();
      if (stages != null) {
        stages.drainInto(window, total);
      }
    }
  }

  /** Swaps the cell if it was written since the last drain (or {@code force}); returns true. */
  private boolean drainCell(RecordingCell cell, boolean force) {
    long writes = cell.writes();
    if (writes == cell.drainedWrites && !force) {
      return false;
    }
    cell.drainedWrites = writes;
    if (cell.shared) {
      CellInterval interval = cell.swap(sharedSpare);
      merge(interval);
      sharedSpare = interval;
    } else {
      CellInterval interval = cell.swap(spare);
      merge(interval);
      spare = interval;
    }
    return true;
  }

  private void merge(CellInterval interval) {
    if (!interval.isEmpty()) {
      window.add(interval);
      total.add(interval);
      interval.reset();
    }
  }

  private void retire(List<RecordingCell> dead) {
    Set<RecordingCell> gone = Collections.newSetFromMap(new IdentityHashMap<>());
    gone.addAll(dead);
    synchronized (cellsLock) {
      State s = state;
      long started = s.retiredStarted;
      long finished = s.retiredFinished;
      List<RecordingCell> keep = new ArrayList<>(s.cells.length);
      for (RecordingCell cell : s.cells) {
        if (gone.contains(cell)) {
          started += cell.started();
          finished += cell.finishedAcquire();
          CellInterval reusable = cell.detach();
          if (pool.size() < maxCells) {
            pool.push(reusable);
          }
        } else {
          keep.add(cell);
        }
      }
      state = new State(keep.toArray(new RecordingCell[0]), started, finished);
    }
  }

  private void drainBatches() {
    BatchRecorders b = batch;
    if (b == null) {
      return;
    }
    Histogram sizes = b.sizes.getIntervalHistogram(b.recycledSizes);
    Histogram perItem = b.itemLatency.getIntervalHistogram(b.recycledItemLatency);
    long items = b.items.sum();
    long newItems = items - b.drainedItems;
    b.drainedItems = items;
    if (sizes.getTotalCount() > 0 || newItems > 0) {
      window.addBatches(sizes, perItem, newItems, layout, maxBatchSize);
      total.addBatches(sizes, perItem, newItems, layout, maxBatchSize);
    }
    b.recycledSizes = sizes;
    b.recycledItemLatency = perItem;
  }
}
