package dev.socketkit.http.internal;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/*
 * Why a watchdog and not socket timeouts: SO_TIMEOUT bounds one read of the raw socket, so a TLS
 * handshake or record trickled a byte at a time restarts it at every byte, and blocking writes have
 * no timeout at all. A deadline checked from outside the blocked thread bounds the whole operation:
 * when it passes, the connection is closed and the blocked call fails.
 */

/**
 * Closes connections whose current operation (a TLS handshake, a request head, a write) has lasted
 * past its deadline. One daemon thread for the whole JVM checks every armed {@link Guard} a few
 * times a second, so a deadline is kept to within about {@link #TICK_MILLIS}.
 *
 * <p>Threading: a guard is armed and disarmed by its connection's thread; the watchdog thread only
 * reads the deadline and closes. Thread-safe.
 */
public final class Watchdog {
  /** How often armed guards are checked, in milliseconds. */
  public static final long TICK_MILLIS = 100;

  private static final Set<Guard> ARMED = ConcurrentHashMap.newKeySet();
  private static final Object LOCK = new Object();
  private static Thread thread; // guarded by LOCK
  private static volatile boolean running; // thread != null, read without the lock

  private Watchdog() {}

  /** Returns a guard that closes {@code connection} when an armed deadline passes. */
  public static Guard guard(SocketChannel connection) {
    return new Guard(connection);
  }

  /** A deadline for one connection, armed around each operation that must not outlast it. */
  public static final class Guard {
    private final SocketChannel connection;
    private volatile long deadline; // System.nanoTime()
    private volatile boolean fired;

    private Guard(SocketChannel connection) {
      this.connection = connection;
    }

    /** Closes the connection if it is still armed at {@code deadlineNanos} (System.nanoTime). */
    public void arm(long deadlineNanos) {
      deadline = deadlineNanos;
      ARMED.add(this);
      ensureRunning();
    }

    /** The operation ended in time: nothing is closed for it. */
    public void disarm() {
      ARMED.remove(this);
    }

    /** True once the watchdog closed the connection because a deadline passed. */
    public boolean fired() {
      return fired;
    }

    private void check(long now) {
      if (now - deadline >= 0 && ARMED.remove(this)) {
        fired = true;
        try {
          // Shutting down first wakes a thread blocked in sendfile (FileChannel.transferTo), which
          // a close alone leaves blocked.
          connection.shutdownInput();
          connection.shutdownOutput();
        } catch (IOException ignored) {
          // Already shut down or reset: the close below still ends it.
        }
        try {
          connection.close();
        } catch (IOException ignored) {
          // Closing fails only for a connection that is unusable already.
        }
      }
    }
  }

  private static void ensureRunning() {
    if (running) {
      return; // every read and write of a connection arms a guard: no lock on that path
    }
    synchronized (LOCK) {
      if (thread == null) {
        thread = new Thread(Watchdog::run, "http-watchdog");
        running = true;
        thread.setDaemon(true);
        thread.start();
      }
    }
  }

  private static void run() {
    while (true) {
      try {
        Thread.sleep(TICK_MILLIS);
      } catch (InterruptedException e) {
        synchronized (LOCK) {
          thread = null; // the next arm() starts a new one
          running = false;
        }
        Thread.currentThread().interrupt();
        return;
      }
      long now = System.nanoTime();
      for (Guard guard : ARMED) {
        guard.check(now);
      }
    }
  }
}
