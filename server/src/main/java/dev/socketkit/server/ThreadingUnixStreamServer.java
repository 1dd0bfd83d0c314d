package dev.socketkit.server;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.function.Supplier;

/**
 * A {@link UnixStreamServer} that handles each connection in its own thread: Python's {@code
 * socketserver.ThreadingUnixStreamServer}. Virtual threads where the JDK has them, platform threads
 * otherwise. Meant to be extended.
 */
public class ThreadingUnixStreamServer extends UnixStreamServer {
  /**
   * Makes and binds the server, with a thread per connection. Python's
   * ThreadingUnixStreamServer(path, RequestHandlerClass).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  public ThreadingUnixStreamServer(
      UnixDomainSocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server with a thread per connection; binds it if {@code bindAndActivate}. Python's
   * ThreadingUnixStreamServer(path, RequestHandlerClass, bind_and_activate).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  // The lecture's (Python's) servers configure themselves in the constructor through overridable
  // setters and hooks, so "this" escapes on purpose (JDK 21+ lint); see TcpServer.
  @SuppressWarnings("this-escape")
  public ThreadingUnixStreamServer(
      UnixDomainSocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, bindAndActivate);
    setThreading(Threading.threadPerRequest());
  }
}
