package dev.socketkit.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A buffered input stream that can also read lines of bytes: the {@code rfile} of Python's stream
 * handlers, whose {@code readline()} this is.
 *
 * <p>Not thread-safe: one thread reads. {@link #close()} closes the underlying stream.
 */
public final class LineInputStream extends InputStream {
  private static final int BUFFER_SIZE = 8192; // as Python's io.DEFAULT_BUFFER_SIZE

  private final InputStream in;
  private final byte[] buffer = new byte[BUFFER_SIZE];
  private int position;
  private int count; // bytes of buffer filled

  /** Reads through {@code in}, which this stream now owns. */
  public LineInputStream(InputStream in) {
    this.in = Objects.requireNonNull(in, "in");
  }

  /**
   * Reads one line, up to and including {@code \n}: Python's {@code rfile.readline()}.
   *
   * @return the line with its {@code \n}; the last bytes without one if the stream ends first; an
   *     empty array at the end of the stream
   * @throws IOException if reading fails (a {@code SocketTimeoutException} when a handler's timeout
   *     passes)
   */
  public byte[] readLine() throws IOException {
    return readLine(Integer.MAX_VALUE);
  }

  /**
   * Reads one line of at most {@code limit} bytes: Python's {@code rfile.readline(limit)}. Stops
   * after {@code \n}, after {@code limit} bytes, or at the end of the stream, whichever comes
   * first.
   *
   * @param limit the most bytes to return; Python's negative "no limit" is {@link #readLine()}
   * @return the bytes read, including the {@code \n} if one was reached; an empty array at the end
   *     of the stream (or when {@code limit} is 0)
   * @throws IllegalArgumentException if {@code limit} is negative
   * @throws IOException if reading fails
   */
  public byte[] readLine(int limit) throws IOException {
    if (limit < 0) {
      throw new IllegalArgumentException(
          "limit: " + limit + " (expected: >= 0; use readLine() for no limit)");
    }
    ByteArrayOutputStream line = null;
    int wanted = limit;
    while (wanted > 0) {
      if (position == count && !fill()) {
        break;
      }
      int end = position + Math.min(count - position, wanted); // no overflow: wanted may be huge
      int newline = -1;
      for (int i = position; i < end; i++) {
        if (buffer[i] == '\n') {
          newline = i;
          break;
        }
      }
      int stop = newline >= 0 ? newline + 1 : end;
      if (line == null && (newline >= 0 || stop - position == wanted)) {
        byte[] result = Arrays.copyOfRange(buffer, position, stop); // the common case: no copy
        position = stop;
        return result;
      }
      if (line == null) {
        line = new ByteArrayOutputStream();
      }
      line.write(buffer, position, stop - position);
      wanted -= stop - position;
      position = stop;
      if (newline >= 0) {
        break;
      }
    }
    return line == null ? new byte[0] : line.toByteArray();
  }

  /** Refills the empty buffer; false at the end of the stream. */
  private boolean fill() throws IOException {
    int n = in.read(buffer, 0, buffer.length);
    if (n <= 0) {
      position = 0;
      count = 0;
      return false;
    }
    position = 0;
    count = n;
    return true;
  }

  @Override
  public int read() throws IOException {
    if (position == count && !fill()) {
      return -1;
    }
    return buffer[position++] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    if (position == count) {
      if (len >= buffer.length) {
        return in.read(b, off, len); // large reads bypass the buffer
      }
      if (!fill()) {
        return -1;
      }
    }
    int n = Math.min(len, count - position);
    System.arraycopy(buffer, position, b, off, n);
    position += n;
    return n;
  }

  @Override
  public int available() throws IOException {
    return (count - position) + in.available();
  }

  /** Closes the underlying stream. */
  @Override
  public void close() throws IOException {
    position = 0;
    count = 0;
    in.close();
  }
}
