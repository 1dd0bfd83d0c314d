package dev.socketkit.camera.internal;

import java.util.concurrent.TimeUnit;

/** Keeps a loop at a steady rate: sleeps until the next tick, and skips ticks it has missed. */
final class Pacer {
  private final long periodNanos;
  private long next;

  Pacer(int fps) {
    this.periodNanos = 1_000_000_000L / fps;
    reset();
  }

  /** Starts counting ticks from now (after an idle pause). */
  void reset() {
    next = System.nanoTime();
  }

  /** Sleeps until the next tick. A loop that fell behind by more than a period starts afresh. */
  void awaitNextTick() throws InterruptedException {
    next += periodNanos;
    long left = next - System.nanoTime();
    if (left > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    } else if (-left > periodNanos) {
      next = System.nanoTime();
    }
  }
}
