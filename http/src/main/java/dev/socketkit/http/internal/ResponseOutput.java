package dev.socketkit.http.internal;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The connection's output below {@code wfile}: passes every write straight to the socket (no
 * buffering, so a stream can run for hours in constant memory), except while a response that must
 * have no body is in progress (a reply to HEAD, or 1xx, 204, 304: RFC 9110 sections 9.3.2 and
 * 6.4.1), when body bytes are counted and dropped.
 *
 * <p>Used by the connection's handler thread only.
 */
public final class ResponseOutput extends OutputStream {
  private final OutputStream out;
  private boolean dropBody;
  private long dropped;

  /** Writes to {@code out}, the socket's output stream (plain or TLS). */
  public ResponseOutput(OutputStream out) {
    this.out = out;
  }

  /** Writes the response head (status line and headers) whatever the body rule. */
  public void writeHead(byte[] head) throws IOException {
    out.write(head);
  }

  /** Whether body bytes written from now on are dropped. */
  public void dropBody(boolean drop) {
    this.dropBody = drop;
  }

  /** How many body bytes were dropped, for tests and logs. */
  public long dropped() {
    return dropped;
  }

  @Override
  public void write(int b) throws IOException {
    if (dropBody) {
      dropped++;
    } else {
      out.write(b);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (dropBody) {
      dropped += len;
    } else {
      out.write(b, off, len);
    }
  }

  @Override
  public void flush() throws IOException {
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
