package io.modelmonitor;

/**
 * A source of monotonic time in nanoseconds, read on every monitored call.
 *
 * <p>The default, {@link #system()}, reads {@link System#nanoTime()}. Tests inject their own ticker
 * to move time deterministically instead of sleeping. Implementations must be thread-safe, cheap
 * (they are read twice per call) and must not allocate.
 */
@FunctionalInterface
public interface Ticker {

  /**
   * Returns the number of nanoseconds elapsed since an arbitrary, fixed origin.
   *
   * @return a monotonic nanosecond reading; only differences between readings are meaningful
   */
  long read();

  /**
   * Returns the ticker backed by {@link System#nanoTime()}.
   *
   * @return the system ticker, a singleton
   */
  static Ticker system() {
    return SystemTicker.INSTANCE;
  }
}

/** The {@link System#nanoTime()} ticker; an enum so it stays a monomorphic singleton. */
enum SystemTicker implements Ticker {
  INSTANCE;

  @Override
  public long read() {
    return System.nanoTime();
  }
}
