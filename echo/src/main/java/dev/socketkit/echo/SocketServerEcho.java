package dev.socketkit.echo;

import dev.socketkit.server.BaseRequestHandler;
import dev.socketkit.server.BaseServer;
import dev.socketkit.server.TcpServer;
import dev.socketkit.server.Threading;
import dev.socketkit.server.ThreadingTcpServer;
import dev.socketkit.server.ThreadingUdpServer;
import dev.socketkit.server.ThreadingUnixStreamServer;
import dev.socketkit.server.UdpServer;
import dev.socketkit.server.UnixStreamServer;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * The lecture's socketserver echo servers (sections 7 and 8), one per mode, built from {@code
 * dev.socketkit.server} and the handlers of this package.
 *
 * <pre>{@code
 * BaseServer<?> server = SocketServerEcho.open(Mode.THREADING_TCP, address, Threading.threadPerRequest());
 * Thread serverThread = new Thread(server::serveForever);
 * serverThread.start();
 * }</pre>
 *
 * <p>The caller owns the returned server: it runs {@code serveForever} on a thread of its choice,
 * and calls {@code shutdown()} and {@code close()}.
 */
public final class SocketServerEcho {
  /** Why the datagram modes cannot serve a Unix-domain socket, in one sentence for users. */
  public static final String NO_UNIX_DATAGRAMS =
      "the JDK has no Unix-domain datagram sockets (DatagramChannel supports only IPv4 and IPv6),"
          + " so the udp and threading-udp modes cannot serve a Unix socket";

  /**
   * The listen backlog of the stream servers. Python's {@code request_queue_size} of 5 makes the
   * kernel drop connection attempts while the serving thread is busy, and each dropped attempt
   * costs its client a one-second SYN retransmission; hundreds of clients connecting at once would
   * wait seconds. Linux caps the value at {@code net.core.somaxconn} (4096 by default).
   */
  static final int LISTEN_BACKLOG = 1024;

  /**
   * The default cap on connections served at once by {@link Mode#THREADING_TCP}, one thread and one
   * file descriptor each: 1,000, the HTTP server's cap, and just under Linux's default soft limit
   * of 1,024 descriptors, so that a flood of clients meets a clean refusal rather than failed
   * accepts (EMFILE) or thousands of threads.
   */
  public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

  private SocketServerEcho() {}

  /** The socketserver modes of {@code socketkit echo-server}. */
  public enum Mode {
    /** {@link TcpServer} + {@link TcpEchoHandler}: one client at a time (section 7). */
    TCP(false, false),
    /** {@link ThreadingTcpServer} + {@link StreamEchoHandler}: a thread per client (section 8). */
    THREADING_TCP(true, false),
    /** {@link UdpServer} + {@link UdpEchoHandler}: one datagram at a time (section 7). */
    UDP(false, true),
    /** {@link ThreadingUdpServer} + {@link DatagramEchoHandler}: a thread per datagram (8). */
    THREADING_UDP(true, true);

    private final boolean threading;
    private final boolean datagrams;

    Mode(boolean threading, boolean datagrams) {
      this.threading = threading;
      this.datagrams = datagrams;
    }

    /** Whether the mode runs each request in its own thread. */
    public boolean isThreading() {
      return threading;
    }

    /** Whether the mode serves datagrams (UDP) rather than a stream. */
    public boolean isDatagrams() {
      return datagrams;
    }

    /**
     * The command-line name: {@code tcp}, {@code threading-tcp}, {@code udp}, {@code
     * threading-udp}.
     */
    public String cliName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * Makes and binds the echo server of {@code mode} on {@code address}. A {@link
   * UnixDomainSocketAddress} makes the Unix stream servers. The stream servers set {@code
   * allowReuseAddress}, so that a restarted server can bind while old connections linger in
   * TIME_WAIT, and listen with a backlog of 1024 instead of Python's 5, so that a burst of clients
   * is not made to wait for SYN retransmissions.
   *
   * @param threading for the threading modes, how to run requests; null for the default (virtual
   *     threads where available); must be null for the other modes
   * @throws UnsupportedOperationException for a datagram mode on a Unix-domain address ({@link
   *     #NO_UNIX_DATAGRAMS})
   * @throws IllegalArgumentException if {@code threading} is given for a non-threading mode
   * @throws IOException if binding fails
   */
  public static BaseServer<?> open(Mode mode, SocketAddress address, Threading threading)
      throws IOException {
    return open(mode, address, threading, null);
  }

  /**
   * As {@link #open(Mode, SocketAddress, Threading)}, with a listener told about each message
   * received (on the request's thread), as the lecture's servers print them, and {@link
   * #DEFAULT_MAX_CONNECTIONS}.
   *
   * @param listener told about each message, or null
   * @throws UnsupportedOperationException for a datagram mode on a Unix-domain address
   * @throws IllegalArgumentException if {@code threading} is given for a non-threading mode
   * @throws IOException if binding fails
   */
  public static BaseServer<?> open(
      Mode mode, SocketAddress address, Threading threading, EchoServer.Listener listener)
      throws IOException {
    return open(mode, address, threading, listener, DEFAULT_MAX_CONNECTIONS);
  }

  /**
   * As {@link #open(Mode, SocketAddress, Threading, EchoServer.Listener)}, serving at most {@code
   * maxConnections} connections at once in {@link Mode#THREADING_TCP} (the one mode with a thread
   * per connection; {@code tcp} serves one at a time and the datagram modes have no connections, so
   * they ignore it). A connection over the cap is closed at once, before a thread is made for it,
   * and a warning goes to standard error at most every ten seconds; a place is free again when a
   * connection is closed.
   *
   * @param maxConnections the most connections open at once, at least 1
   * @throws UnsupportedOperationException for a datagram mode on a Unix-domain address
   * @throws IllegalArgumentException if {@code threading} is given for a non-threading mode, or
   *     {@code maxConnections} is below 1
   * @throws IOException if binding fails
   */
  public static BaseServer<?> open(
      Mode mode,
      SocketAddress address,
      Threading threading,
      EchoServer.Listener listener,
      int maxConnections)
      throws IOException {
    ConnectionCap cap = new ConnectionCap(maxConnections, LoopServer::warn, System::nanoTime);
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(address, "address");
    if (threading != null && !mode.isThreading()) {
      throw new IllegalArgumentException(
          "threading: " + threading + " (expected: none for mode " + mode.cliName() + ")");
    }
    boolean unix = address instanceof UnixDomainSocketAddress;
    if (unix && mode.isDatagrams()) {
      throw new UnsupportedOperationException(NO_UNIX_DATAGRAMS);
    }
    BaseServer<?> server =
        switch (mode) {
          case TCP -> {
            TcpServer tcp =
                unix
                    ? new UnixStreamServer(
                        (UnixDomainSocketAddress) address,
                        () -> new TcpEchoHandler(listener),
                        false)
                    : new TcpServer(address, () -> new TcpEchoHandler(listener), false);
            yield bind(tcp);
          }
          case THREADING_TCP -> {
            TcpServer tcp =
                unix
                    ? new CappedUnixServer(
                        (UnixDomainSocketAddress) address,
                        () -> new StreamEchoHandler(listener),
                        cap)
                    : new CappedTcpServer(address, () -> new StreamEchoHandler(listener), cap);
            yield bind(tcp);
          }
          case UDP -> bind(new UdpServer(address, () -> new UdpEchoHandler(listener), false));
          case THREADING_UDP ->
              bind(new ThreadingUdpServer(address, () -> new DatagramEchoHandler(listener), false));
        };
    if (threading != null) {
      server.setThreading(threading);
    }
    return server;
  }

  /** A {@link ThreadingTcpServer} that serves at most {@link ConnectionCap#max()} at once. */
  private static final class CappedTcpServer extends ThreadingTcpServer {
    private final ConnectionCap cap;

    CappedTcpServer(
        SocketAddress address,
        Supplier<? extends BaseRequestHandler<SocketChannel>> handlers,
        ConnectionCap cap)
        throws IOException {
      super(address, handlers, false);
      this.cap = cap;
    }

    @Override
    protected boolean verifyRequest(SocketChannel request, SocketAddress clientAddress) {
      return cap.admit(request); // false: the server closes it, no thread is made
    }

    @Override
    protected void closeRequest(SocketChannel request) {
      super.closeRequest(request);
      cap.release(request);
    }
  }

  /** A {@link ThreadingUnixStreamServer} that serves at most {@link ConnectionCap#max()}. */
  private static final class CappedUnixServer extends ThreadingUnixStreamServer {
    private final ConnectionCap cap;

    CappedUnixServer(
        UnixDomainSocketAddress address,
        Supplier<? extends BaseRequestHandler<SocketChannel>> handlers,
        ConnectionCap cap)
        throws IOException {
      super(address, handlers, false);
      this.cap = cap;
    }

    @Override
    protected boolean verifyRequest(SocketChannel request, SocketAddress clientAddress) {
      return cap.admit(request);
    }

    @Override
    protected void closeRequest(SocketChannel request) {
      super.closeRequest(request);
      cap.release(request);
    }
  }

  private static TcpServer bind(TcpServer server) throws IOException {
    server.setAllowReuseAddress(true);
    server.setRequestQueueSize(LISTEN_BACKLOG);
    server.bindAndActivate();
    return server;
  }

  private static UdpServer bind(UdpServer server) throws IOException {
    // No SO_REUSEADDR for UDP: there is no TIME_WAIT to wait out, and on Linux it would let a
    // second server bind the same port and take datagrams meant for the first.
    server.bindAndActivate();
    return server;
  }
}
