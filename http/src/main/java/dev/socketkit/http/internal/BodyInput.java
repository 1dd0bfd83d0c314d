package dev.socketkit.http.internal;

import java.io.IOException;
import java.io.InputStream;

/**
 * One request's body: at most {@code length} bytes of the connection's input, so that a handler
 * reading {@code rfile} cannot read into the next pipelined request, and what it leaves unread can
 * be skipped before the next request is parsed. Used by the connection's thread only; closing it
 * does not close the connection.
 */
public final class BodyInput extends InputStream {
  private final InputStream in;
  private long remaining;

  /** The next {@code length} bytes of {@code in}. */
  public BodyInput(InputStream in, long length) {
    this.in = in;
    this.remaining = length;
  }

  @Override
  public int read() throws IOException {
    if (remaining <= 0) {
      return -1;
    }
    int b = in.read();
    if (b >= 0) {
      remaining--;
    }
    return b;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    if (remaining <= 0) {
      return -1;
    }
    int n = in.read(b, off, (int) Math.min(len, remaining));
    if (n > 0) {
      remaining -= n;
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    return (int) Math.min(in.available(), remaining);
  }

  /** Bytes of the body not read yet. */
  public long remaining() {
    return remaining;
  }

  /**
   * Reads and drops what is left of the body, if it is at most {@code limit} bytes; returns false
   * (dropping nothing) when more is left, or when the connection ended first.
   */
  public boolean skipRest(long limit) throws IOException {
    if (remaining > limit) {
      return false;
    }
    byte[] buffer = new byte[8192];
    while (remaining > 0) {
      if (read(buffer, 0, buffer.length) < 0) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void close() {
    // The connection's input outlives the body.
  }
}
