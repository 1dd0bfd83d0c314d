package dev.socketkit.server;

import dev.socketkit.server.internal.ChannelStreams;
import java.io.IOException;
import java.io.OutputStream;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A handler for stream servers that reads and writes the connection as streams: Python's {@code
 * socketserver.StreamRequestHandler}. Meant to be extended: override {@link #handle()}.
 *
 * <pre>{@code
 * final class EchoHandler extends StreamRequestHandler {
 *   protected void handle() throws IOException {
 *     byte[] line;
 *     while ((line = rfile.readLine()).length > 0) {
 *       wfile.write(line);
 *     }
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #setup()} makes {@link #rfile} and {@link #wfile}; a subclass may replace them after
 * {@code super.setup()} (with TLS streams, say). {@link #finish()} flushes {@code wfile} and closes
 * both streams; closing them never closes the connection, which the server closes after {@code
 * finish()}. One thread may read while another writes.
 */
public abstract class StreamRequestHandler extends BaseRequestHandler<SocketChannel> {
  /**
   * The connection's input, buffered, with {@link LineInputStream#readLine() readLine}: Python's
   * {@code rfile}. Set by {@link #setup()}.
   */
  protected LineInputStream rfile;

  /**
   * The connection's output, unbuffered: each {@code write} goes out whole before it returns, as
   * Python's {@code wfile} (a {@code _SocketWriter}) with the default {@code wbufsize = 0}. Set by
   * {@link #setup()}.
   */
  protected OutputStream wfile;

  /**
   * How long a read may wait for data before it throws {@link java.net.SocketTimeoutException}:
   * Python's {@code StreamRequestHandler.timeout}. Null (the default) waits forever. Set it in the
   * subclass's constructor or before {@code super.setup()}; must be positive.
   */
  protected Duration timeout;

  /**
   * Whether to turn off Nagle's algorithm ({@code TCP_NODELAY}) on the connection: Python's {@code
   * disable_nagle_algorithm}; false by default. Ignored for Unix-domain connections.
   */
  protected boolean disableNagleAlgorithm;

  /** For subclasses. */
  protected StreamRequestHandler() {}

  /**
   * Applies {@link #timeout} and {@link #disableNagleAlgorithm} and makes {@link #rfile} and {@link
   * #wfile}: Python's {@code StreamRequestHandler.setup()}.
   *
   * @throws IllegalArgumentException if {@link #timeout} is zero or negative
   * @throws IOException if the connection is already closed
   */
  @Override
  protected void setup() throws IOException {
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0, or null)");
    }
    SocketChannel connection = request();
    if (disableNagleAlgorithm
        && connection.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
      connection.setOption(StandardSocketOptions.TCP_NODELAY, true);
    }
    rfile = new LineInputStream(ChannelStreams.input(connection, timeout));
    wfile = ChannelStreams.output(connection, timeout);
  }

  /**
   * Flushes {@link #wfile} and closes both streams (not the connection): Python's {@code
   * StreamRequestHandler.finish()}. As in Python, a failure to flush is ignored: the client may be
   * gone.
   */
  @Override
  protected void finish() throws IOException {
    if (wfile != null) {
      try {
        wfile.flush();
      } catch (IOException ignored) {
        // As Python's finish(): a client that went away is not an error of this request.
      }
      wfile.close();
    }
    if (rfile != null) {
      rfile.close();
    }
  }
}
