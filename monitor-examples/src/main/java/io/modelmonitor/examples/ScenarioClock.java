package io.modelmonitor.examples;

import io.modelmonitor.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scenario's time base, shared by the registry (ticker and wall clock), the service (its
 * injected latency) and the traffic driver. In {@linkplain #realTime() real time} it is the system
 * clock and waiting sleeps. In {@linkplain #fast() fast} mode it is a fake clock that stands
 * still while code runs and moves only when someone waits: a second of traffic takes as long as
 * its requests do, every measured latency is exactly the latency the scenario injects (none of
 * the machine's own hiccups), and the test plays the whole scenario in seconds,
 * deterministically. Fast mode needs one request in flight at a time (a wait would otherwise be
 * added to every call in flight).
 */
final class ScenarioClock extends Clock implements Ticker {

  private final boolean fast;
  private final AtomicLong offset = new AtomicLong();
  private final long originNanos = System.nanoTime();
  private final Instant originInstant = Instant.now();

  private ScenarioClock(boolean fast) {
    this.fast = fast;
  }

  static ScenarioClock realTime() {
    return new ScenarioClock(false);
  }

  static ScenarioClock fast() {
    return new ScenarioClock(true);
  }

  boolean isFast() {
    return fast;
  }

  @Override
  public long read() {
    return fast ? originNanos + offset.get() : System.nanoTime();
  }

  /** Scenario nanoseconds since this clock was made. */
  long elapsedNanos() {
    return read() - originNanos;
  }

  /** Waits {@code duration} of scenario time. */
  void sleep(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos <= 0) {
      return;
    }
    if (fast) {
      offset.addAndGet(nanos);
      return;
    }
    try {
      TimeUnit.NANOSECONDS.sleep(nanos);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits until {@link #elapsedNanos()} reaches {@code elapsed}; returns at once if it has. */
  void sleepUntil(long elapsed) {
    sleep(Duration.ofNanos(elapsed - elapsedNanos()));
  }

  @Override
  public Instant instant() {
    return originInstant.plusNanos(elapsedNanos());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("the scenario clock is UTC");
  }
}
