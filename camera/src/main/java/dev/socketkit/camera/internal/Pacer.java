package dev.socketkit.camera.internal;

import java.util.concurrent.TimeUnit;

/**
 * Keeps a loop at a steady rate on an absolute schedule: tick {@code n} is due at {@code start + n
 * * period}. A tick that is late runs at once and the next one keeps its own slot, so a loop that
 * is delayed for a moment (a busy core, a garbage collection) catches up and still produces the
 * configured number of ticks per second. Only a loop more than {@link #MAX_LAG_NANOS} behind gives
 * up on the ticks it missed: it counts them and starts a new schedule from now.
 *
 * <p>Not thread-safe: owned by one source thread.
 */
final class Pacer {
  /** How far behind a loop may fall before it re-bases: about a second, as issue 12 asks. */
  static final long MAX_LAG_NANOS = 1_000_000_000L;

  /** The time source and the sleep; a test passes a fake one to check the arithmetic. */
  interface Clock {
    /** A monotonic time in nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Sleeps for {@code nanos} (> 0) nanoseconds. */
    void sleep(long nanos) throws InterruptedException;
  }

  private static final Clock SYSTEM =
      new Clock() {
        @Override
        public long nanoTime() {
          return System.nanoTime();
        }

        @Override
        public void sleep(long nanos) throws InterruptedException {
          TimeUnit.NANOSECONDS.sleep(nanos);
        }
      };

  private final int fps;
  private final Clock clock;
  private long start;
  private long ticks; // ticks since start
  private long missed;

  Pacer(int fps) {
    this(fps, SYSTEM);
  }

  Pacer(int fps, Clock clock) {
    if (fps <= 0) {
      throw new IllegalArgumentException("fps: " + fps + " (expected: > 0)");
    }
    this.fps = fps;
    this.clock = clock;
    reset();
  }

  /** Starts a new schedule from now (after an idle pause); the missed-tick count is kept. */
  void reset() {
    start = clock.nanoTime();
    ticks = 0;
  }

  /**
   * Sleeps until the next tick is due; returns at once when it is already due. A loop more than
   * {@link #MAX_LAG_NANOS} behind returns at once, adds the ticks whose slot has passed to {@link
   * #missedTicks()}, and starts a new schedule from now.
   */
  void awaitNextTick() throws InterruptedException {
    ticks++;
    // Exact in integers: no drift from a period rounded to whole nanoseconds.
    long due = start + ticks * 1_000_000_000L / fps;
    long now = clock.nanoTime();
    long left = due - now;
    if (left > 0) {
      clock.sleep(left);
    } else if (-left > MAX_LAG_NANOS) {
      // Every slot from this tick's up to now has passed; this call stands in for the last of them.
      missed += -left * fps / 1_000_000_000L;
      start = now;
      ticks = 0;
    }
  }

  /** Ticks given up because the loop fell more than {@link #MAX_LAG_NANOS} behind, in total. */
  long missedTicks() {
    return missed;
  }
}
