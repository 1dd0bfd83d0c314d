package dev.socketkit.camera;

/**
 * Admits at most a given number of events per second, deciding at each one whether it passes: a
 * token bucket holding up to two intervals of credit.
 *
 * <p>Why a bucket and not "at least one interval since the last": a source that paces itself at the
 * same rate publishes each frame after a capture or encode time that varies, so one frame can come
 * late and the next one early; the saved credit lets it through, and such a source loses nothing
 * while its jitter stays under an interval. A faster source spends the credit at once and is then
 * held to exactly the rate (one frame per interval), two frames back to back at the most.
 *
 * <p>Threading: not thread-safe; {@link FrameHub} calls it under its lock.
 */
final class RateCap {
  private final long intervalNanos;
  private final long maxCreditNanos;
  private long creditNanos;
  private long lastNanos;
  private boolean started;

  /**
   * A cap of {@code perSecond} events per second.
   *
   * @throws IllegalArgumentException if {@code perSecond} is not 1 to 1000
   */
  RateCap(int perSecond) {
    if (perSecond < 1 || perSecond > 1000) {
      throw new IllegalArgumentException("maxFps: " + perSecond + " (expected: 1 to 1000)");
    }
    this.intervalNanos = 1_000_000_000L / perSecond;
    this.maxCreditNanos = 2 * intervalNanos;
  }

  /** Whether an event at {@code nowNanos} (a {@link System#nanoTime()} value) may pass. */
  boolean admit(long nowNanos) {
    if (!started) {
      started = true;
      creditNanos = maxCreditNanos;
    } else {
      long earned = Math.max(0, nowNanos - lastNanos);
      creditNanos = Math.min(maxCreditNanos, creditNanos + Math.min(earned, maxCreditNanos));
    }
    lastNanos = nowNanos;
    if (creditNanos < intervalNanos) {
      return false;
    }
    creditNanos -= intervalNanos;
    return true;
  }
}
