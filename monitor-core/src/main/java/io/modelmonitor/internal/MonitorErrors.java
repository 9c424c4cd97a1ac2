package io.modelmonitor.internal;

import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts failures inside monitoring itself and logs each cause once at WARN, then at DEBUG.
 *
 * <p>Thread-safe and lock-free. These paths are rare by construction (bad samples, bugs), so plain
 * shared atomics are fine here.
 */
public final class MonitorErrors {

  /** The closed set of causes; each becomes a {@code cause} tag value. */
  public enum Cause {
    /** A sample the API refused: negative latency, negative batch size, a ticker going back. */
    INVALID_SAMPLE("invalid_sample"),
    /** A latency or batch size above the configured maximum, recorded at the maximum. */
    VALUE_OUT_OF_RANGE("value_out_of_range"),
    /** An unexpected exception inside monitoring code. */
    INTERNAL("internal"),
    /** A snapshot listener threw. */
    LISTENER("listener");

    private final String tag;

    Cause(String tag) {
      this.tag = tag;
    }

    /** The tag value. */
    public String tag() {
      return tag;
    }
  }

  private static final Logger LOG = LoggerFactory.getLogger("io.modelmonitor");
  private static final Cause[] CAUSES = Cause.values();

  private final String owner;
  private final AtomicLongArray counts = new AtomicLongArray(CAUSES.length);
  private final AtomicReferenceArray<Boolean> warned = new AtomicReferenceArray<>(CAUSES.length);

  MonitorErrors(String owner) {
    this.owner = owner;
  }

  void record(Cause cause, String detail, Throwable error) {
    counts.incrementAndGet(cause.ordinal());
    log(cause, detail, error);
  }

  /**
   * Counts like {@link #record(Cause, String, Throwable)} but formats {@code detail} (its two
   * {@code {}} placeholders take {@code a} and {@code b}) only when a line is written, so a
   * failure repeated on every call allocates nothing after the first.
   */
  void record(Cause cause, String detail, long a, long b) {
    counts.incrementAndGet(cause.ordinal());
    if (warned.get(cause.ordinal()) == null || LOG.isDebugEnabled()) {
      log(cause, detail.replaceFirst("\\{}", Long.toString(a))
          .replaceFirst("\\{}", Long.toString(b)), null);
    }
  }

  private void log(Cause cause, String detail, Throwable error) {
    try {
      if (warned.compareAndSet(cause.ordinal(), null, Boolean.TRUE)) {
        LOG.warn("ModelMonitor {}: {} ({}); further occurrences are counted in "
            + "model.monitor.errors and logged at DEBUG", owner, detail, cause.tag(), error);
      } else if (LOG.isDebugEnabled()) {
        LOG.debug("ModelMonitor {}: {} ({})", owner, detail, cause.tag(), error);
      }
    } catch (RuntimeException loggingFailed) {
      // a broken logging backend must not reach the caller either; the count stands
    }
  }

  long count(Cause cause) {
    return counts.get(cause.ordinal());
  }

  long total() {
    long sum = 0;
    for (int i = 0; i < CAUSES.length; i++) {
      sum += counts.get(i);
    }
    return sum;
  }
}
