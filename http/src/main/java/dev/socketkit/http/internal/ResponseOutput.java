package dev.socketkit.http.internal;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;

/**
 * The connection's output below {@code wfile}: passes every write straight to the socket (no
 * buffering, so a stream can run for hours in constant memory), except while a response that must
 * have no body is in progress (a reply to HEAD, or 1xx, 204, 304: RFC 9110 sections 9.3.2 and
 * 6.4.1), when body bytes are counted and dropped.
 *
 * <p>A response head may be held back ({@link #writeHead}) so that it leaves in the same write as
 * the first body bytes, when those are small: one segment instead of two, and no second write left
 * waiting on Nagle's algorithm and the client's delayed ACK. {@link #flush()} sends a head held
 * back, and so does any write that cannot join it.
 *
 * <p>Used by the connection's handler thread only.
 */
public final class ResponseOutput extends OutputStream {
  /**
   * The largest head plus first body write joined into one write; larger bodies follow the head in
   * their own writes. 64 KiB: a 22 KB page leaves whole, and copying that much costs less than a
   * system call.
   */
  public static final int MAX_JOINED_WRITE = 64 * 1024;

  private final OutputStream out;
  private Watchdog.Guard guard;
  private long writeTimeoutNanos;
  private byte[] heldHead;
  private boolean dropBody;
  private long dropped;
  private boolean detached;

  /** Writes to {@code out}, the socket's output stream (plain or TLS). */
  public ResponseOutput(OutputStream out) {
    this.out = out;
  }

  /**
   * Bounds every write from now on: one that lasts longer than {@code timeout} (a client that does
   * not read) makes {@code guard} close the connection, and the write fails.
   */
  public void writeDeadline(Watchdog.Guard guard, Duration timeout) {
    this.guard = guard;
    this.writeTimeoutNanos = timeout.toNanos();
  }

  /** Arms the write deadline around a write that bypasses this stream (a file's transferTo). */
  public void beginWrite() {
    if (guard != null) {
      guard.arm(System.nanoTime() + writeTimeoutNanos);
    }
  }

  /** Ends what {@link #beginWrite()} began. */
  public void endWrite() {
    if (guard != null) {
      guard.disarm();
    }
  }

  private void send(byte[] b, int off, int len) throws IOException {
    beginWrite();
    try {
      out.write(b, off, len);
    } finally {
      endWrite();
    }
  }

  /**
   * Holds the response head (status line and headers) back until the first body write or {@link
   * #flush()}, whatever the body rule. A head held already is sent first.
   */
  public void writeHead(byte[] head) throws IOException {
    sendHeldHead();
    heldHead = head;
  }

  /**
   * The connection has been handed to another owner: from now on writes throw and {@link #flush()}
   * and {@link #close()} do nothing, so the handler can no longer touch the socket.
   */
  public void detach() {
    detached = true;
    heldHead = null;
  }

  private void notDetached() {
    if (detached) {
      throw new IllegalStateException("the connection was detached: its new owner writes to it");
    }
  }

  /** Whether body bytes written from now on are dropped. */
  public void dropBody(boolean drop) {
    this.dropBody = drop;
  }

  /** How many body bytes were dropped, for tests and logs. */
  public long dropped() {
    return dropped;
  }

  /** Sends the head held back, if any, so that the stream below can be written directly. */
  public void sendHeldHead() throws IOException {
    if (heldHead != null) {
      byte[] head = heldHead;
      heldHead = null;
      send(head, 0, head.length);
    }
  }

  @Override
  public void write(int b) throws IOException {
    write(new byte[] {(byte) b}, 0, 1);
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    notDetached();
    if (dropBody) {
      dropped += len;
      return;
    }
    if (heldHead != null && heldHead.length + len <= MAX_JOINED_WRITE) {
      byte[] joined = new byte[heldHead.length + len];
      System.arraycopy(heldHead, 0, joined, 0, heldHead.length);
      System.arraycopy(b, off, joined, heldHead.length, len);
      heldHead = null;
      send(joined, 0, joined.length);
      return;
    }
    sendHeldHead();
    send(b, off, len);
  }

  @Override
  public void flush() throws IOException {
    if (detached) {
      return;
    }
    sendHeldHead();
    beginWrite();
    try {
      out.flush();
    } finally {
      endWrite();
    }
  }

  @Override
  public void close() throws IOException {
    if (detached) {
      return;
    }
    try {
      sendHeldHead();
    } finally {
      out.close();
    }
  }
}
