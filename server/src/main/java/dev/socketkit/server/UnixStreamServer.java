package dev.socketkit.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.util.function.Supplier;

/**
 * A stream server on a Unix-domain socket: Python's {@code socketserver.UnixStreamServer}. Needs
 * JDK 16 or newer (JEP 380), which socketkit's floor of 17 has.
 *
 * <p>Works as {@link TcpServer} with two differences: the accepted channel has no socket adapter
 * ({@code channel.socket()} throws), and {@link #close()} also deletes the socket file the server
 * created. Python leaves that file behind, so that the next bind to the same path fails with
 * "Address already in use"; socketkit removes it because it made it. A file that already exists at
 * the path is not removed before binding: binding then fails.
 *
 * <p>There is no {@code UnixDatagramServer}: the JDK has no Unix-domain datagram channels.
 */
public class UnixStreamServer extends TcpServer {
  /**
   * Makes the server and binds it to the socket file {@code address}.
   *
   * @throws IOException if binding fails (the file exists, the directory does not); nothing is left
   *     open
   */
  public UnixStreamServer(
      UnixDomainSocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server, and binds it if {@code bindAndActivate}.
   *
   * @throws IOException if binding fails; nothing is left open
   */
  public UnixStreamServer(
      UnixDomainSocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, bindAndActivate, StandardProtocolFamily.UNIX);
  }

  /** Closes the channel and deletes the socket file it was bound to. */
  @Override
  protected void serverClose() throws IOException {
    SocketAddress bound = socket().isOpen() ? socket().getLocalAddress() : null;
    super.serverClose();
    if (bound instanceof UnixDomainSocketAddress unix && !unix.getPath().toString().isEmpty()) {
      Files.deleteIfExists(unix.getPath());
    }
  }
}
