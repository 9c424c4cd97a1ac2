package io.modelmonitor.testing;

import java.lang.management.ManagementFactory;

/** Measures bytes allocated by the calling thread, net of the cost of measuring. */
public final class Allocations {

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private Allocations() {}

  /**
   * Runs {@code body} {@code warmups} times, then once more while counting.
   *
   * @param warmups runs before measuring (JIT compilation, method-handle customisation and
   *     lambda linkage allocate once)
   * @param body the code under test
   * @return bytes allocated by the measured run on this thread
   */
  public static long allocatedBy(int warmups, Runnable body) {
    THREADS.setThreadAllocatedMemoryEnabled(true);
    for (int i = 0; i < warmups; i++) {
      body.run();
    }
    long empty0 = THREADS.getCurrentThreadAllocatedBytes();
    long empty1 = THREADS.getCurrentThreadAllocatedBytes();
    long before = THREADS.getCurrentThreadAllocatedBytes();
    body.run();
    long after = THREADS.getCurrentThreadAllocatedBytes();
    return Math.max(0, (after - before) - (empty1 - empty0));
  }

  /**
   * Like {@link #allocatedBy}, but measures {@code attempts} times and returns the least: a
   * deoptimisation in the middle of one measured run materialises scalar-replaced objects once
   * (a few hundred bytes), while a real per-call allocation shows in every run.
   *
   * @param warmups runs before the first measurement
   * @param attempts measured runs
   * @param body the code under test
   * @return the fewest bytes one measured run allocated
   */
  public static long leastAllocatedBy(int warmups, int attempts, Runnable body) {
    long least = allocatedBy(warmups, body);
    for (int i = 1; i < attempts && least > 0; i++) {
      least = Math.min(least, allocatedBy(0, body));
    }
    return least;
  }
}
