package dev.socketkit.echo;

import dev.socketkit.select.AcceptBackoff;
import dev.socketkit.select.WakeupPipe;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/*
 * Design notes.
 *
 * What the two echo servers share and the lecture leaves out: binding, the way another thread
 * stops the loop, and closing. Another thread cannot touch a select loop's state, so shutdown()
 * wakes the loop through a WakeupPipe whose read end is in the loop's read list (the self-pipe
 * trick); the loop sees it readable and returns. A failed accept pauses accepting through an
 * AcceptBackoff, as BaseServer does. The per-client logic stays in the subclasses, where the
 * lecture's design is visible.
 */

/** The plumbing both echo servers share: listening channel, wake-up pipe, stop and close. */
abstract class LoopServer implements EchoServer {
  /** Bytes one read takes at most; also the read buffer, reused for every read (direct). */
  static final int READ_SIZE = 64 * 1024;

  final ServerSocketChannel serverSocket;
  final WakeupPipe wakeup;
  final long maxPending;
  final Listener listener;
  private final SocketAddress localAddress;
  private final Object lock = new Object();
  private CountDownLatch served; // non-null while serveForever runs; guarded by lock
  private boolean closed; // guarded by lock
  volatile boolean stopRequested;
  private final AcceptBackoff acceptBackoff = new AcceptBackoff(); // the serving thread's

  /**
   * How long a client that ended its stream stays open, with our side shut down, before it is
   * closed. Closing at once would orphan a socket whose last echo may still sit in its send buffer,
   * and Linux resets orphaned connections with unsent data when TCP memory runs short
   * (TcpExtTCPAbortOnMemory): the client would lose its last bytes.
   */
  static final Duration LINGER = Duration.ofSeconds(5);

  /**
   * How long {@link #close()} waits for the serving thread to leave {@link #serveForever()} before
   * it closes the clients: long enough for a loop with tens of thousands of clients on a loaded
   * machine, short enough that Ctrl-C never hangs for good on a loop that is stuck.
   */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);

  private final ArrayDeque<SocketChannel> lingering = new ArrayDeque<>();
  private final ArrayDeque<Long> lingerDeadlines = new ArrayDeque<>(); // nanoTime, same order

  LoopServer(SocketAddress address, long maxPending, Listener listener) throws IOException {
    if (maxPending < 1) {
      throw new IllegalArgumentException("maxPending: " + maxPending + " (expected: >= 1)");
    }
    this.maxPending = maxPending;
    this.listener = listener;
    ServerSocketChannel channel = ServerSocketChannel.open();
    try {
      channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      channel.bind(address, 1024); // a deep backlog: thousands of clients may connect at once
      this.wakeup = WakeupPipe.open();
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
    this.serverSocket = channel;
    this.localAddress = channel.getLocalAddress();
  }

  @Override
  public final SocketAddress localAddress() {
    return localAddress;
  }

  @Override
  public final void serveForever() throws IOException {
    CountDownLatch done = new CountDownLatch(1);
    synchronized (lock) {
      if (closed || served != null) {
        throw new IllegalStateException(closed ? "server is closed" : "server is already serving");
      }
      served = done;
    }
    try {
      while (!stopRequested) {
        try {
          closeLingering(false);
          serveOnce();
        } catch (RuntimeException e) {
          // A bug (in a listener, say) must not end the service of every client: log, go on.
          warn("a pass of the loop failed, serving on: " + e);
        }
      }
    } finally {
      stopRequested = false;
      try {
        // NIO defers closing a registered channel's descriptor until its selector selects again;
        // this thread may never select again, so deregister now and let close() really close.
        forgetChannels();
        drainWakeup();
      } finally {
        // Even if deregistering failed: otherwise shutdown() and close() would wait in vain.
        synchronized (lock) {
          served = null;
        }
        done.countDown();
      }
    }
  }

  /** One pass of the loop: one select and the work it found. */
  abstract void serveOnce() throws IOException;

  /**
   * Takes every channel out of this thread's selector; called on the serving thread when {@link
   * #serveForever()} ends.
   */
  abstract void forgetChannels() throws IOException;

  /** Closes every client; called once, after serving has stopped. */
  abstract void closeClients();

  @Override
  public final void shutdown() {
    CountDownLatch done;
    synchronized (lock) {
      done = served;
    }
    if (done == null) {
      return;
    }
    stopRequested = true;
    if (!wakeup.wakeUp()) {
      return; // the pipe is closed only by close(), after serving has stopped: nothing to wake
    }
    try {
      done.await(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public final void close() throws IOException {
    synchronized (lock) {
      if (closed) {
        return;
      }
      // Set before shutdown() returns, so that a second close() (the shutdown hook and the
      // command's try-with-resources both close on Ctrl-C) cannot run closeClients() alongside.
      closed = true;
    }
    shutdown();
    try {
      // closeClients() walks the lists the serving thread owns, so it must wait until that thread
      // has left serveForever(): shutdown() gives up after 10 s (a loop slowed by thousands of
      // clients on a loaded machine can take longer), and walking the lists alongside the loop
      // threw ConcurrentModificationException.
      if (!servingEnded(CLOSE_WAIT)) {
        warn(
            "the serving thread did not stop within "
                + CLOSE_WAIT.toSeconds()
                + " s; its clients are left open");
        return;
      }
      closeClients();
      closeLingering(true);
    } finally {
      try (serverSocket;
          wakeup) {
        // try-with-resources closes both, keeping the first failure
      }
    }
  }

  /**
   * Waits up to {@code timeout} for {@link #serveForever()} to return; true if it is not running.
   */
  private boolean servingEnded(Duration timeout) {
    CountDownLatch done;
    synchronized (lock) {
      done = served;
    }
    if (done == null) {
      return true;
    }
    try {
      return done.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Accepts one waiting client in non-blocking mode, or returns null if none waits or accepting
   * failed. A failure (typically "Too many open files") pauses accepting for {@link
   * AcceptBackoff#PAUSE}: the client stays queued in the kernel, and the loop must not spin on a
   * listening socket that stays readable. Other clients are served meanwhile.
   */
  final SocketChannel acceptClient() {
    SocketChannel client;
    try {
      client = serverSocket.accept();
    } catch (IOException e) {
      // Descriptors are short: lingering clients give theirs back first (they only wait for
      // their last echo to be read); then accepting pauses.
      closeLingering(true);
      acceptBackoff.failed("socketkit echo server: accepting a client", e);
      return null;
    }
    if (client == null) {
      return null;
    }
    try {
      client.configureBlocking(false);
      client.setOption(StandardSocketOptions.TCP_NODELAY, true); // echo replies are small
    } catch (IOException e) {
      closeQuietly(client); // gone before we could set it up
      return null;
    }
    return client;
  }

  /** Whether accepting is paused after a failure; resumes by itself when the pause is over. */
  final boolean acceptPaused() {
    return acceptBackoff.paused();
  }

  /**
   * The select timeout: none normally; while accepting is paused, the rest of the pause; while
   * clients linger, the time until the first is due to close.
   */
  final Duration selectTimeout() {
    long now = System.nanoTime();
    long wait = Long.MAX_VALUE;
    long paused = acceptBackoff.remainingNanos();
    if (paused > 0) {
      wait = paused;
    }
    Long due = lingerDeadlines.peekFirst();
    if (due != null) {
      wait = Math.min(wait, due - now);
    }
    return wait == Long.MAX_VALUE ? null : Duration.ofNanos(Math.max(1, wait));
  }

  /**
   * Ends a client that has ended its stream and has nothing left to send: shuts our side down now
   * (the client sees end of stream after its last echo) and closes the socket {@link #LINGER}
   * later. The caller has taken the client out of every list first.
   */
  final void closeAfterLastEcho(SocketChannel client) {
    try {
      client.shutdownOutput();
    } catch (IOException e) {
      closeQuietly(client); // already broken: nothing left to deliver
      return;
    }
    lingering.addLast(client);
    lingerDeadlines.addLast(System.nanoTime() + LINGER.toNanos());
  }

  /** Closes the lingering clients that are due, or all of them. */
  final void closeLingering(boolean all) {
    long now = System.nanoTime();
    while (!lingering.isEmpty() && (all || now - lingerDeadlines.peekFirst() >= 0)) {
      lingerDeadlines.removeFirst();
      closeQuietly(lingering.removeFirst());
    }
  }

  /** Clients waiting to be closed; for forgetChannels(). */
  final Iterable<SocketChannel> lingeringClients() {
    return lingering;
  }

  /** Empties the wake-up pipe after a stop, so that the next serveForever does not stop at once. */
  final void drainWakeup() throws IOException {
    wakeup.drain();
  }

  /** The client's address for the listener, or a placeholder when it is already gone. */
  static SocketAddress remote(SocketChannel client) {
    try {
      SocketAddress address = client.getRemoteAddress();
      return address != null ? address : new InetSocketAddress(0);
    } catch (IOException e) {
      return new InetSocketAddress(0);
    }
  }

  /**
   * Prints a warning on stderr. Deliberately not java.util.logging: its formatter opens files (the
   * time-zone database) on first use, which fails exactly when the process is out of file
   * descriptors, the main reason to warn here.
   */
  static void warn(String message) {
    System.err.println("socketkit echo server: " + message);
  }

  /** Closes a client, which also takes it out of the selector. */
  static void closeQuietly(SocketChannel client) {
    try {
      client.close();
    } catch (IOException ignored) {
      // Closing a socket that already failed: there is nothing left to tell its client.
    }
  }
}
