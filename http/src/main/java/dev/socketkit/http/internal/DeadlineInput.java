package dev.socketkit.http.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;

/*
 * Why a deadline and not a read timeout: a read timeout (SO_TIMEOUT) restarts at every byte, so a
 * slow-loris client sending one byte every nine seconds holds a thread forever under a ten-second
 * timeout. Here each read gets SO_TIMEOUT = the time left until one deadline for the whole request
 * head, so the head must be complete by then however the bytes trickle in.
 *
 * The wait for the next request on a kept-alive connection is the exception: it has no SO_TIMEOUT,
 * and the watchdog closes the connection at the idle deadline instead. A timed read of a socket
 * channel switches the socket to non-blocking and back around every read (four fcntl calls and a
 * poll beside the read), which is a third of the system calls of a small kept-alive request; an
 * idle connection closes without a word, so the watchdog's close loses nothing a timeout would say.
 */

/**
 * The connection's input below {@code rfile}: reads from the socket's stream with the socket's read
 * timeout set, before each read, to what is left of the current phase's deadline.
 *
 * <p>Phases, set by the connection's handler thread (the only thread that uses this stream): {@link
 * #awaitRequest} (idle until the first byte of the next request, then the header deadline), and
 * {@link #body} (the handler's own read timeout, or none). Reads throw {@link
 * SocketTimeoutException} when a deadline passes; {@link #timedOutInHead} says which phase it was.
 */
public final class DeadlineInput extends InputStream {
  private final InputStream in;
  private final Socket socket;
  private final Watchdog.Guard guard;
  private static final long GRACE_NANOS = 500_000_000L;

  private long idleDeadline; // System.nanoTime(); meaningful while waiting
  private long headTimeoutNanos;
  private long headDeadline;
  private boolean waiting; // no byte of the next request has arrived yet
  private boolean inHead;
  private boolean received; // a byte of this request has arrived
  private int bodyTimeoutMillis;
  private int appliedTimeout = -1;

  /**
   * Reads from {@code in}, the input stream of {@code socket} (plain or TLS). While a request head
   * is read, {@code guard} (null: none) closes the connection at the head's deadline: over TLS one
   * {@code read()} may take many reads of the raw socket, each of which restarts SO_TIMEOUT.
   */
  public DeadlineInput(InputStream in, Socket socket, Watchdog.Guard guard) {
    this.in = in;
    this.socket = socket;
    this.guard = guard;
  }

  /**
   * Starts waiting for a request: up to {@code idle} for its first byte (null: the head deadline
   * starts now), then {@code head} for the rest of the request line and headers.
   */
  public void awaitRequest(Duration idle, Duration head) {
    awaitRequest(idle, head, System.nanoTime());
  }

  /**
   * As {@link #awaitRequest(Duration, Duration)} with no idle wait, but with the head deadline
   * counted from {@code startNanos} (System.nanoTime): from the connection's start, so that the TLS
   * handshake and the first request head share one deadline.
   */
  public void awaitFirstRequest(Duration head, long startNanos) {
    awaitRequest(null, head, startNanos);
  }

  private void awaitRequest(Duration idle, Duration head, long now) {
    headTimeoutNanos = head.toNanos();
    inHead = true;
    received = false;
    if (idle == null) {
      waiting = false;
      headDeadline = now + headTimeoutNanos;
    } else {
      waiting = true;
      idleDeadline = now + idle.toNanos();
    }
  }

  /** The request head is in: reads now wait at most {@code timeout} each (null: forever). */
  public void body(Duration timeout) {
    inHead = false;
    waiting = false;
    bodyTimeoutMillis = timeout == null ? 0 : (int) Math.max(1, timeout.toMillis());
  }

  /**
   * True when the last timeout came while reading a request head that had begun (answer 408); false
   * when no byte of the request had arrived (close without a word: a browser may hold an unused
   * preconnected socket, and must not read a 408 on it as the answer to its next request).
   */
  public boolean timedOutInHead() {
    return inHead && received;
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    boolean idle = guard != null && inHead && waiting;
    applyTimeout(idle);
    boolean guarded = guard != null && inHead;
    if (idle) {
      guard.arm(idleDeadline); // the only deadline of this read
    } else if (guarded) {
      // A little after the socket's own timeout, so that a plain client gets its 408 first.
      guard.arm(headDeadline + GRACE_NANOS);
    }
    int n;
    try {
      n = in.read(b, off, len);
    } catch (IOException e) {
      if (guarded && guard.fired()) {
        throw new SocketTimeoutException(waiting ? "idle timeout" : "request head timeout");
      }
      throw e;
    } finally {
      if (guarded) {
        guard.disarm();
      }
    }
    if (n > 0) {
      received = true;
      if (waiting) {
        waiting = false;
        headDeadline = System.nanoTime() + headTimeoutNanos;
      }
    }
    return n;
  }

  private void applyTimeout(boolean idle) throws IOException {
    int millis;
    if (idle) {
      if (idleDeadline - System.nanoTime() <= 0) {
        throw new SocketTimeoutException("idle timeout");
      }
      millis = 0; // the watchdog ends the wait
    } else if (inHead) {
      long deadline = waiting ? idleDeadline : headDeadline;
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new SocketTimeoutException(waiting ? "idle timeout" : "request head timeout");
      }
      millis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
    } else {
      millis = bodyTimeoutMillis;
    }
    if (millis != appliedTimeout) {
      socket.setSoTimeout(millis);
      appliedTimeout = millis;
    }
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
