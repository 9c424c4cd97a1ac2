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
 * clock and waiting sleeps. In {@linkplain #fast() fast} mode it is the system clock plus an
 * offset, and waiting moves the offset forward instead of sleeping: requests still run for real
 * (their own latency is measured), but a second of traffic takes as long as its requests do, so
 * the test plays the whole scenario in seconds. Fast mode needs one request in flight at a time
 * (a jump would otherwise be added to every call in flight).
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
    return System.nanoTime() + offset.get();
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
