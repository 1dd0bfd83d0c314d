package dev.socketkit.gui.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Exponential back-off between connection attempts: the first delay, then twice the previous one,
 * never more than the maximum, until {@link #reset()}.
 *
 * <p>There is no jitter: one desktop client retrying against one server cannot cause a thundering
 * herd, and a predictable schedule is easier to read in the status line. Not thread-safe; the
 * ON/OFF client uses it from the Swing event-dispatch thread only.
 */
public final class Backoff {
  private final Duration first;
  private final Duration max;
  private Duration next;

  /**
   * Creates a back-off whose first delay is {@code first} and whose delays never exceed {@code
   * max}.
   *
   * @throws IllegalArgumentException if {@code first} is not positive or {@code max} is shorter
   *     than {@code first}
   */
  public Backoff(Duration first, Duration max) {
    Objects.requireNonNull(first, "first");
    Objects.requireNonNull(max, "max");
    if (first.isNegative() || first.isZero()) {
      throw new IllegalArgumentException("first: " + first + " (expected: > 0)");
    }
    if (max.compareTo(first) < 0) {
      throw new IllegalArgumentException("max: " + max + " (expected: >= first, " + first + ")");
    }
    this.first = first;
    this.max = max;
    this.next = first;
  }

  /** Returns the delay before the next attempt and doubles the one after it, up to the maximum. */
  public Duration next() {
    Duration delay = next;
    Duration doubled = next.multipliedBy(2);
    next = doubled.compareTo(max) > 0 ? max : doubled;
    return delay;
  }

  /** Starts again from the first delay; called when a connection succeeds. */
  public void reset() {
    next = first;
  }
}
