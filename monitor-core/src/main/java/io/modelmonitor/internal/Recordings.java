package io.modelmonitor.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * The recording cells of one monitor and the aggregates they are drained into.
 *
 * <p>Design note. Writers only ever touch their own {@link RecordingCell} (found through a
 * {@link ThreadLocal}) and, for batch calls, the shared {@link BatchRecorders}. Everything else
 * here belongs to the drainer and is guarded by {@code lock}: {@link #drain()} swaps every cell
 * that was written since the last drain, merges the swapped-out intervals into {@code window}
 * and {@code total}, and recycles them, so draining allocates nothing in steady state. Anyone may
 * drain (the reporter tick, a Prometheus scrape, {@code snapshot()}); the lock only serialises
 * drainers, writers never wait for it. Registration of a new thread's cell uses a separate lock,
 * taken once per thread.
 */
final class Recordings {

  private final LatencyLayout layout;
  private final int errorSlots;
  private final int maxBatchSize;
  private final ThreadLocal<RecordingCell> local = ThreadLocal.withInitial(this::register);
  private final Object cellsLock = new Object();
  private volatile RecordingCell[] cells = new RecordingCell[0];
  private volatile BatchRecorders batch;

  /** Serialises drainers; guards everything below. */
  final Object lock = new Object();
  final Aggregate window;
  final Aggregate total;
  private CellInterval spare;
  /** In-flight bookkeeping of cells whose thread has died; written under lock, read anywhere. */
  private volatile long retiredStarted;
  private volatile long retiredFinished;

  Recordings(LatencyLayout layout, int errorSlots, int maxBatchSize) {
    this.layout = layout;
    this.errorSlots = errorSlots;
    this.maxBatchSize = maxBatchSize;
    this.window = new Aggregate(layout, errorSlots);
    this.total = new Aggregate(layout, errorSlots);
    this.spare = new CellInterval(layout, errorSlots);
  }

  /** The calling thread's cell; allocation-free after the thread's first call. */
  RecordingCell cell() {
    return local.get();
  }

  private RecordingCell register() {
    RecordingCell cell = new RecordingCell(Thread.currentThread(),
        new CellInterval(layout, errorSlots));
    synchronized (cellsLock) {
      RecordingCell[] current = cells;
      RecordingCell[] next = Arrays.copyOf(current, current.length + 1);
      next[current.length] = cell;
      cells = next;
    }
    return cell;
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

  /** Number of live cells (threads that have recorded and not yet been seen dead). */
  int cellCount() {
    return cells.length;
  }

  /** Calls started and not finished, across all threads, never negative. */
  long inFlight() {
    long started = retiredStarted;
    long finished = retiredFinished;
    for (RecordingCell cell : cells) {
      started += cell.started();
      finished += cell.finished();
    }
    return Math.max(0, started - finished);
  }

  /** Moves everything recorded so far into {@code window} and {@code total}. */
  void drain() {
    synchronized (lock) {
      List<RecordingCell> dead = null;
      for (RecordingCell cell : cells) {
        boolean alive = cell.owner.isAlive();
        long writes = cell.writes();
        if (writes != cell.drainedWrites || !alive) {
          cell.drainedWrites = writes;
          CellInterval interval = cell.swap(spare);
          if (!interval.isEmpty()) {
            window.add(interval);
            total.add(interval);
            interval.reset();
          }
          spare = interval;
        }
        if (!alive) {
          if (dead == null) {
            dead = new ArrayList<>();
          }
          dead.add(cell);
        }
      }
      if (dead != null) {
        retire(dead);
      }
      drainBatches();
    }
  }

  private void retire(List<RecordingCell> dead) {
    long started = retiredStarted;
    long finished = retiredFinished;
    for (RecordingCell cell : dead) {
      started += cell.started();
      finished += cell.finished();
    }
    synchronized (cellsLock) {
      List<RecordingCell> keep = new ArrayList<>(Arrays.asList(cells));
      keep.removeAll(dead);
      // publish the retired counts before the cells disappear, so inFlight() never dips
      retiredStarted = started;
      retiredFinished = finished;
      cells = keep.toArray(new RecordingCell[0]);
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
