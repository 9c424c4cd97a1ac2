package io.modelmonitor.internal;

import io.modelmonitor.alert.AlertEvent;
import io.modelmonitor.alert.AlertSink;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alert events to one sink through a bounded queue on the sink's own daemon thread: a
 * slow, failing or hanging sink fills its own queue (drops are counted) and never blocks the
 * evaluation, other sinks or model calls.
 */
final class SinkDispatcher {

  private static final Logger LOG = LoggerFactory.getLogger("io.modelmonitor.alerts");

  final AlertSink sink;
  final String name;
  private final BlockingQueue<Object> queue;
  private final Thread thread;
  final AtomicLong delivered = new AtomicLong();
  final AtomicLong failed = new AtomicLong();
  final AtomicLong dropped = new AtomicLong();
  private volatile boolean closing;
  private volatile boolean warned;

  SinkDispatcher(AlertSink sink, String name, int capacity) {
    this.sink = sink;
    this.name = name;
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.thread = new Thread(this::run, "modelmonitor-alerts-" + name);
    this.thread.setDaemon(true);
    this.thread.start();
  }

  /** The sink's own retry count; a sink that throws here reports 0. */
  long retries() {
    try {
      return sink.retries();
    } catch (RuntimeException e) {
      return 0;
    }
  }

  void offer(AlertEvent event) {
    if (closing || !queue.offer(event)) {
      dropped.incrementAndGet();
    }
  }

  void offerRefresh(List<AlertEvent> firing) {
    boolean wants;
    try {
      wants = sink.refreshes();
    } catch (RuntimeException e) {
      failed.incrementAndGet();
      return;
    }
    if (!wants) {
      return;
    }
    // a refresh supersedes any older one still queued: only the newest list matters
    queue.removeIf(item -> item instanceof List);
    if (closing || !queue.offer(List.copyOf(firing))) {
      dropped.incrementAndGet();
    }
  }

  @SuppressWarnings("unchecked")
  private void run() {
    while (true) {
      Object item;
      try {
        item = queue.poll(100, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        return;
      }
      if (item == null) {
        if (closing) {
          return;
        }
        continue;
      }
      try {
        if (item instanceof AlertEvent) {
          sink.deliver((AlertEvent) item);
        } else {
          sink.refresh((List<AlertEvent>) item);
        }
        delivered.incrementAndGet();
      } catch (InterruptedException e) {
        failed.incrementAndGet();
        if (closing) {
          return;
        }
        continue; // the sink's own interruption: this delivery failed, the thread goes on
      } catch (Throwable t) { // a sink's failure, whatever it is, stays on this thread
        failed.incrementAndGet();
        if (!warned) {
          warned = true;
          LOG.warn("alert sink {} failed; further failures are counted and logged at DEBUG",
              name, t);
        } else {
          LOG.debug("alert sink {} failed", name, t);
        }
      }
    }
  }

  /** Stops accepting, lets the queue drain until the deadline, then interrupts the thread. */
  void close(Duration deadline) {
    closeAll(List.of(this), deadline);
  }

  /**
   * Closes dispatchers within one overall deadline: all stop accepting at once, each drains
   * while time is left, then the rest are interrupted and given a short, bounded moment to
   * count their failure; whatever is still queued is counted as dropped. A sink that ignores
   * interrupts keeps its (daemon) thread, but never delays the return past the deadline plus
   * that moment.
   */
  static void closeAll(List<SinkDispatcher> dispatchers, Duration deadline) {
    boolean interrupted = Thread.interrupted(); // joins below must really wait
    long end = System.nanoTime() + deadline.toNanos();
    for (SinkDispatcher d : dispatchers) {
      d.closing = true;
    }
    for (SinkDispatcher d : dispatchers) {
      long leftMillis = (end - System.nanoTime()) / 1_000_000;
      if (leftMillis > 0) {
        try {
          d.thread.join(leftMillis);
        } catch (InterruptedException e) {
          interrupted = true;
          break;
        }
      }
    }
    long grace = System.nanoTime() + 200_000_000L;
    for (SinkDispatcher d : dispatchers) {
      if (d.thread.isAlive()) {
        d.thread.interrupt();
      }
    }
    for (SinkDispatcher d : dispatchers) {
      long leftMillis = (grace - System.nanoTime()) / 1_000_000;
      if (d.thread.isAlive() && leftMillis > 0) {
        try {
          d.thread.join(leftMillis);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
      int left = 0;
      Object item;
      while ((item = d.queue.poll()) != null) {
        left++;
      }
      d.dropped.addAndGet(left);
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
