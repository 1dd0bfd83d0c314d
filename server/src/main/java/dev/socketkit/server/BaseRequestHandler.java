package dev.socketkit.server;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Handles one request: Python's {@code socketserver.BaseRequestHandler}. Meant to be extended:
 * override {@link #handle()}, and {@link #setup()} / {@link #finish()} when needed.
 *
 * <p>The server makes a new handler for every request with its handler factory (a constructor
 * reference such as {@code EchoHandler::new}), then calls {@code setup()}, {@code handle()} and
 * {@code finish()} in the thread that handles the request. {@code finish()} runs even when {@code
 * handle()} throws, but not when {@code setup()} throws, as in Python. A handler is used once and
 * by one thread. The server closes the request afterwards; the handler need not.
 *
 * <pre>{@code
 * final class EchoHandler extends BaseRequestHandler<SocketChannel> {
 *   protected void handle() throws IOException {
 *     ByteBuffer buffer = ByteBuffer.allocate(1024);
 *     while (request().read(buffer) > 0) {
 *       buffer.flip();
 *       while (buffer.hasRemaining()) request().write(buffer);
 *       buffer.clear();
 *     }
 *   }
 * }
 * }</pre>
 *
 * @param <R> the request: a {@code SocketChannel} for stream servers, a {@link DatagramRequest} for
 *     datagram servers
 */
public abstract class BaseRequestHandler<R> {
  private R request;
  private SocketAddress clientAddress;
  private BaseServer<R> server;

  /** For subclasses; the server sets the request, address and server before {@link #setup()}. */
  protected BaseRequestHandler() {}

  /**
   * Runs setup, handle and finish, as Python's {@code BaseRequestHandler.__init__} does. An
   * exception from finish after one from handle is added to it as suppressed.
   */
  final void run(R request, SocketAddress clientAddress, BaseServer<R> server) throws Exception {
    if (this.server != null) {
      throw new IllegalStateException("a handler handles one request; make a new one per request");
    }
    this.request = request;
    this.clientAddress = clientAddress;
    this.server = server;
    setup();
    try {
      handle();
    } catch (Throwable failure) {
      try {
        finish();
      } catch (Throwable alsoFailed) {
        failure.addSuppressed(alsoFailed);
      }
      throw failure;
    }
    finish();
  }

  /**
   * Prepares for {@link #handle()}: Python's {@code setup()}. Does nothing by default.
   *
   * @throws IOException if preparing fails; then neither handle nor finish runs
   */
  protected void setup() throws IOException {}

  /**
   * Serves the request: Python's {@code handle()}. An exception goes to the server's {@code
   * handleError}; the server keeps serving.
   *
   * @throws IOException if talking to the client fails
   */
  protected abstract void handle() throws IOException;

  /**
   * Cleans up after {@link #handle()}, even when it threw: Python's {@code finish()}. Does nothing
   * by default.
   *
   * @throws IOException if cleaning up fails
   */
  protected void finish() throws IOException {}

  /**
   * The request: Python's {@code self.request}. For stream servers the accepted {@code
   * SocketChannel}, in blocking mode; for datagram servers the {@link DatagramRequest} (Python's
   * {@code request[0]}, {@code request[1]}).
   *
   * @throws IllegalStateException if called before the server started this handler (in the
   *     constructor)
   */
  public final R request() {
    started();
    return request;
  }

  /** The client's address: Python's {@code self.client_address}. */
  public final SocketAddress clientAddress() {
    started();
    return clientAddress;
  }

  /** The server that made this handler: Python's {@code self.server}. */
  public final BaseServer<R> server() {
    started();
    return server;
  }

  private void started() {
    if (server == null) {
      throw new IllegalStateException(
          "the request is set when the server starts the handler, after its constructor");
    }
  }
}
