package dev.socketkit.testkit;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Waits for a condition with a deadline, the one way tests poll: the condition is checked at once,
 * then again after a short back-off that grows from 1 ms to {@value #MAX_PAUSE_MILLIS} ms, until it
 * holds or the timeout passes; then the wait fails with the description and the timeout.
 *
 * <p>Use it only where no latch, future or readiness line can say when the thing has happened (a
 * counter in another thread, a file another process writes, a server's connection count). Any
 * thread may call it; it blocks the calling thread.
 */
public final class Await {
  /**
   * The longest pause between two checks: short enough that a test ends soon after its condition
   * holds, long enough that polling does not steal the CPU from the code under test.
   */
  static final long MAX_PAUSE_MILLIS = 50;

  private Await() {}

  /** A condition to poll; it may throw, which ends the wait with that exception. */
  @FunctionalInterface
  public interface Condition {
    /** Whether the awaited state has been reached. */
    boolean holds() throws Exception;
  }

  /** A value to poll; it may throw, which ends the wait with that exception. */
  @FunctionalInterface
  public interface Probe<T> {
    /** The current value. */
    T get() throws Exception;
  }

  /**
   * Returns once {@code condition} holds; fails with an {@link AssertionError} naming {@code
   * description} and {@code timeout} if it still does not hold when the timeout has passed.
   *
   * @throws AssertionError on timeout, or if the calling thread is interrupted (its interrupt flag
   *     is set again)
   * @throws Exception whatever the condition throws, unchanged
   */
  public static void until(Duration timeout, Condition condition, Supplier<String> description)
      throws Exception {
    Objects.requireNonNull(condition, "condition");
    value(timeout, () -> condition.holds() ? Boolean.TRUE : null, description);
  }

  /**
   * Returns the first non-null value {@code probe} gives; fails with an {@link AssertionError}
   * naming {@code description} and {@code timeout} if it has given only {@code null} when the
   * timeout has passed.
   *
   * @throws AssertionError on timeout, or if the calling thread is interrupted (its interrupt flag
   *     is set again)
   * @throws Exception whatever the probe throws, unchanged
   */
  public static <T> T value(Duration timeout, Probe<T> probe, Supplier<String> description)
      throws Exception {
    Objects.requireNonNull(probe, "probe");
    Objects.requireNonNull(description, "description");
    if (timeout == null || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 1;
    while (true) {
      T value = probe.get();
      if (value != null) {
        return value;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError(
            "timed out after " + describe(timeout) + " waiting for: " + description.get());
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.MILLISECONDS.toNanos(pause)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + description.get(), e);
      }
      pause = Math.min(pause * 2, MAX_PAUSE_MILLIS);
    }
  }

  private static String describe(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
