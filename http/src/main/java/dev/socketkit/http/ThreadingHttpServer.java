package dev.socketkit.http;

import dev.socketkit.server.Threading;
import java.io.IOException;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * An {@link HttpServer} that serves each connection in its own thread: Python's {@code
 * ThreadingHTTPServer} ({@code ThreadingMixIn} with {@code daemon_threads = True}). The lecture's
 * camera server is one.
 *
 * <p>Threads: one per connection (virtual threads on JDK 21+, platform daemon threads on 17; see
 * {@link Threading#threadPerRequest()}). As in Python, connection threads are daemon threads and
 * {@link #close()} does not wait for them (a stream may run for hours); it closes their connections
 * instead, so they end soon after. Meant to be extended like {@link HttpServer}.
 */
public class ThreadingHttpServer extends HttpServer {
  /**
   * Makes, binds and activates the server, with a thread per connection.
   *
   * @throws IOException if binding fails; nothing is left open
   */
  public ThreadingHttpServer(
      SocketAddress address, Supplier<? extends BaseHttpRequestHandler> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server with a thread per connection; binds and activates it if {@code
   * bindAndActivate}, as {@link HttpServer#HttpServer(SocketAddress, Supplier, boolean)}.
   *
   * @throws IOException if binding fails; nothing is left open
   */
  // The lecture's (Python's) servers configure themselves in the constructor through overridable
  // setters and hooks, so "this" escapes on purpose (JDK 21+ lint); see TcpServer.
  @SuppressWarnings("this-escape")
  public ThreadingHttpServer(
      SocketAddress address,
      Supplier<? extends BaseHttpRequestHandler> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, bindAndActivate);
    setThreading(Threading.threadPerRequest());
    setDaemonThreads(true); // Python's ThreadingHTTPServer.daemon_threads = True
    setBlockOnClose(false); // as Python, which does not join daemon threads
  }
}
