package dev.socketkit.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.function.Supplier;

/**
 * A {@link UdpServer} that handles each datagram in its own thread: Python's {@code
 * socketserver.ThreadingUDPServer}. Virtual threads where the JDK has them, platform threads
 * otherwise; {@link #setThreading(Threading)} picks another. All handlers answer on the server's
 * one socket. {@link #daemonThreads()} false and {@link #blockOnClose()} true by default, as
 * Python's {@code ThreadingMixIn}. Meant to be extended.
 */
public class ThreadingUdpServer extends UdpServer {
  /**
   * Makes and binds the server, with a thread per datagram. Python's
   * ThreadingUDPServer(server_address, RequestHandlerClass).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  public ThreadingUdpServer(
      SocketAddress address, Supplier<? extends BaseRequestHandler<DatagramRequest>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server with a thread per datagram; binds it if {@code bindAndActivate}. Python's
   * ThreadingUDPServer(server_address, RequestHandlerClass, bind_and_activate).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  // The lecture's (Python's) servers configure themselves in the constructor through overridable
  // setters and hooks, so "this" escapes on purpose (JDK 21+ lint); see TcpServer.
  @SuppressWarnings("this-escape")
  public ThreadingUdpServer(
      SocketAddress address,
      Supplier<? extends BaseRequestHandler<DatagramRequest>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, bindAndActivate);
    setThreading(Threading.threadPerRequest());
  }
}
