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
   * subclass's constructor or before {@code super.setup()}; must be positive. Unlike Python's
   * socket timeout it does not bound writes on TCP (Java's {@code SO_TIMEOUT} covers reads only);
   * on Unix-domain connections a write waiting longer for buffer space also times out.
   */
  protected Duration timeout;

  /**
   * Whether to turn off Nagle's algorithm ({@code TCP_NODELAY}) on the connection: Python's {@code
   * disable_nagle_algorithm}; false by default. Ignored for Unix-domain connections.
   */
  protected boolean disableNagleAlgorithm;

  private DetachedConnection detached;

  /** For subclasses. Python: the server instantiates the class per request. */
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
   * gone. Does nothing once the connection was {@link #detach() detached}.
   */
  @Override
  protected void finish() throws IOException {
    if (detached != null) {
      return; // the connection and its streams belong to the new owner
    }
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

  /**
   * Takes the connection away from the server, which will neither close it when this handler
   * returns nor touch it again (except to close it in its own {@code close()}): the server's thread
   * is free as soon as {@link #handle()} returns, and the returned object's owner serves the
   * connection from any thread, typically an event loop. Not in Python's {@code socketserver}.
   *
   * <p>After this call {@link #finish()} leaves the streams alone; the handler must not use {@link
   * #rfile} or {@link #wfile} again. Bytes {@code rfile} had read ahead from the connection stay in
   * it and are not handed over. The server keeps counting the connection until {@link
   * DetachedConnection#close()}. Called by the connection's thread, at most once.
   *
   * @return the connection, in blocking mode, owned by the caller from now on
   * @throws IOException if flushing {@link #wfile} fails (the connection is then not detached)
   * @throws IllegalStateException if called twice, or the server is closed
   */
  protected DetachedConnection detach() throws IOException {
    if (detached != null) {
      throw new IllegalStateException("the connection is detached already");
    }
    if (wfile != null) {
      wfile.flush();
    }
    Runnable release = server().detach(request());
    detached = new DetachedConnection(request(), clientAddress(), release);
    return detached;
  }

  /** Whether {@link #detach()} has handed the connection over. */
  protected final boolean isDetached() {
    return detached != null;
  }
}
