package dev.socketkit.echo;

import java.nio.channels.SocketChannel;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The most connections a thread-per-connection echo server serves at once. A connection over the
 * cap is closed at once, before any thread is made for it; the refusals are reported as one warning
 * at most every {@link #WARN_INTERVAL_NANOS ten seconds}, so a flood cannot flood the log too. A
 * connection's place is released when it is closed.
 *
 * <p>Threads: {@link #admit} is called by the serving thread, {@link #release} by the request
 * threads and the serving thread; both are synchronized.
 */
final class ConnectionCap {
  /** At most one warning about refused connections in this many nanoseconds (10 s). */
  static final long WARN_INTERVAL_NANOS = TimeUnit.SECONDS.toNanos(10);

  private final int max;
  private final Consumer<String> warnings;
  private final LongSupplier nanoTime;
  private final Set<SocketChannel> open = new HashSet<>(); // guarded by this
  private long refusedSinceWarning; // guarded by this
  private long lastWarning; // guarded by this
  private boolean warned; // guarded by this

  /**
   * A cap of {@code max} connections, warning through {@code warnings}, timed by {@code nanoTime}.
   *
   * @throws IllegalArgumentException if {@code max} is below 1
   */
  ConnectionCap(int max, Consumer<String> warnings, LongSupplier nanoTime) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnections: " + max + " (expected: >= 1)");
    }
    this.max = max;
    this.warnings = warnings;
    this.nanoTime = nanoTime;
  }

  /** The cap. */
  int max() {
    return max;
  }

  /**
   * Takes a place for {@code connection}; false (and a warning, if none was given in the last ten
   * seconds) when all places are taken, and the caller closes it.
   */
  boolean admit(SocketChannel connection) {
    String warning;
    synchronized (this) {
      if (open.size() < max) {
        open.add(connection);
        return true;
      }
      refusedSinceWarning++;
      long now = nanoTime.getAsLong();
      if (warned && now - lastWarning < WARN_INTERVAL_NANOS) {
        return false;
      }
      warning =
          "refused "
              + refusedSinceWarning
              + " connection(s)"
              + (warned ? " since the last warning" : "")
              + " over the cap of "
              + max
              + " open at once (raise it with --max-connections)";
      warned = true;
      lastWarning = now;
      refusedSinceWarning = 0;
    }
    warnings.accept(warning); // outside the lock: a slow stderr must not hold up releases
    return false;
  }

  /** Gives back {@code connection}'s place; nothing if it had none (a refused one). */
  synchronized void release(SocketChannel connection) {
    open.remove(connection);
  }

  /** How many connections hold a place now. */
  synchronized int open() {
    return open.size();
  }
}
