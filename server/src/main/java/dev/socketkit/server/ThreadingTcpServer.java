package dev.socketkit.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * A {@link TcpServer} that handles each connection in its own thread: Python's {@code
 * socketserver.ThreadingTCPServer} ({@code ThreadingMixIn} + {@code TCPServer}). The thread is a
 * virtual thread where the JDK has them (21 and newer), a platform thread otherwise; {@link
 * #setThreading(Threading)} picks another (before the first request).
 *
 * <pre>{@code
 * var server = new ThreadingTcpServer(new InetSocketAddress(HOST, PORT), ThreadedTcpRequestHandler::new);
 * Thread serverThread = new Thread(server::serveForever);
 * serverThread.start();
 * }</pre>
 *
 * <p>As Python's {@code ThreadingMixIn}: {@link #daemonThreads()} false and {@link #blockOnClose()}
 * true by default, so {@link #close()} waits for running handlers. Meant to be extended like {@link
 * TcpServer}.
 */
public class ThreadingTcpServer extends TcpServer {
  /**
   * Makes, binds and activates the server, with a thread per request. Python's
   * ThreadingTCPServer(server_address, RequestHandlerClass).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  public ThreadingTcpServer(
      SocketAddress address, Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server with a thread per request; binds and activates it if {@code bindAndActivate},
   * as {@link TcpServer#TcpServer(SocketAddress, Supplier, boolean)}. Python's
   * ThreadingTCPServer(server_address, RequestHandlerClass, bind_and_activate).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  // The lecture's (Python's) servers configure themselves in the constructor through overridable
  // setters and hooks, so "this" escapes on purpose (JDK 21+ lint); see TcpServer.
  @SuppressWarnings("this-escape")
  public ThreadingTcpServer(
      SocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, bindAndActivate);
    setThreading(Threading.threadPerRequest());
  }
}
