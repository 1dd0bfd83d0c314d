package dev.socketkit.server;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SelectableChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A stream server: accepts connections and hands each one to a new handler. Python's {@code
 * socketserver.TCPServer}. Serves one client at a time unless a {@link Threading} is chosen (see
 * {@link ThreadingTcpServer}).
 *
 * <pre>{@code
 * try (var server = new TcpServer(new InetSocketAddress("127.0.0.1", 2500), EchoHandler::new)) {
 *   server.serveForever();
 * }
 * }</pre>
 *
 * <p>The request is the accepted {@link SocketChannel}, in blocking mode; for TCP {@code
 * channel.socket()} works. After the handler finishes, the server shuts down the output side and
 * closes it ({@link #shutdownRequest}). The server owns its listening channel and closes it in
 * {@link #close()}. Threads: see {@link BaseServer}.
 *
 * <p>Meant to be extended (Python's {@code HTTPServer} is a {@code TCPServer}): a subclass may
 * override {@link #allowReuseAddress()} (see {@link BaseServer}) and the other settings read by
 * {@link #serverBind()}, which the constructor calls before a subclass's fields are set.
 */
public class TcpServer extends BaseServer<SocketChannel> {
  /** Python's {@code TCPServer.request_queue_size}: the listen backlog, 5. */
  public static final int DEFAULT_REQUEST_QUEUE_SIZE = 5;

  private final ServerSocketChannel socket;
  private SocketAddress address;
  private volatile int requestQueueSize = DEFAULT_REQUEST_QUEUE_SIZE;

  /**
   * Makes the server, binds it to {@code address} and starts listening: Python's {@code
   * TCPServer(server_address, RequestHandlerClass)}.
   *
   * @param address where to listen; port 0 picks a free port (see {@link #serverAddress()})
   * @param handlerFactory makes one handler per connection, e.g. {@code EchoHandler::new}
   * @throws IOException if binding fails (the port is in use, say); nothing is left open
   */
  public TcpServer(
      SocketAddress address, Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server, and binds and activates it if {@code bindAndActivate}: Python's {@code
   * TCPServer(server_address, RequestHandlerClass, bind_and_activate)}. Without, set options, then
   * call {@link #serverBind()} and {@link #serverActivate()}; on failure call {@link #close()}.
   *
   * @throws IOException if opening the channel, binding or activating fails; then nothing is left
   *     open
   */
  public TcpServer(
      SocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    this(address, handlerFactory, bindAndActivate, null);
  }

  /** For {@link UnixStreamServer}: opens a channel of {@code family} (null: by the address). */
  // Python's TCPServer binds and activates in its constructor, calling server_bind and
  // server_activate, which subclasses override (StreamingServer's request_queue_size, say): the
  // lecture's contract, so "this" escapes to BaseServer.bindAndActivate on purpose (JDK 21+ lint).
  @SuppressWarnings("this-escape")
  TcpServer(
      SocketAddress address,
      Supplier<? extends BaseRequestHandler<SocketChannel>> handlerFactory,
      boolean bindAndActivate,
      ProtocolFamily family)
      throws IOException {
    super(handlerFactory);
    this.address = Objects.requireNonNull(address, "address");
    this.socket = openFor(address, family);
    if (bindAndActivate) {
      bindAndActivate();
    }
  }

  private static ServerSocketChannel openFor(SocketAddress address, ProtocolFamily family)
      throws IOException {
    if (family != null) {
      return ServerSocketChannel.open(family);
    }
    if (address instanceof UnixDomainSocketAddress) {
      return ServerSocketChannel.open(java.net.StandardProtocolFamily.UNIX);
    }
    return ServerSocketChannel.open();
  }

  /**
   * Applies the socket options and binds, listening with a backlog of {@link #requestQueueSize()}:
   * Python's {@code server_bind()} (Java binds and listens in one call, so {@code
   * server_activate}'s listen happens here). Afterwards {@link #serverAddress()} is the real
   * address. Called by the constructor unless {@code bindAndActivate} is false.
   *
   * @throws IOException if binding fails
   */
  @Override
  protected void serverBind() throws IOException {
    applyReuseOptions(socket);
    socket.bind(address, requestQueueSize());
    address = socket.getLocalAddress();
  }

  /** The listening channel: Python's {@code fileno()} / {@code self.socket}. */
  @Override
  protected final SelectableChannel channel() {
    return socket;
  }

  /** The listening channel: Python's {@code self.socket}. Owned and closed by the server. */
  public final ServerSocketChannel socket() {
    return socket;
  }

  /**
   * Accepts one connection: Python's {@code get_request()}. The channel is in blocking mode.
   *
   * @return null if no client was waiting after all
   */
  @Override
  protected Incoming<SocketChannel> getRequest() throws IOException {
    SocketChannel connection = socket.accept();
    if (connection == null) {
      return null;
    }
    try {
      return new Incoming<>(connection, connection.getRemoteAddress());
    } catch (IOException | RuntimeException e) {
      connection.close();
      throw e;
    }
  }

  /**
   * Shuts down the output side (so the client sees the end of the stream once everything written
   * has been sent), then closes the connection: Python's {@code TCPServer.shutdown_request()}.
   */
  @Override
  protected void shutdownRequest(SocketChannel request) {
    try {
      request.shutdownOutput();
    } catch (IOException ignored) {
      // As Python: the client may have closed or reset the connection already.
    }
    closeRequest(request);
  }

  /** Closes the connection: Python's {@code TCPServer.close_request()}. */
  @Override
  protected void closeRequest(SocketChannel request) {
    try {
      request.close();
    } catch (IOException ignored) {
      // Closing a socket only fails when it is already unusable; nothing to tell anyone.
    }
  }

  /**
   * The address the server listens on, the real one after binding (the real port when asked for
   * port 0): Python's {@code server_address}. Any thread.
   */
  @Override
  public final SocketAddress serverAddress() {
    return address;
  }

  /**
   * The listen backlog {@link #serverBind()} asks for: Python's {@code request_queue_size}; 5 by
   * default. Overridable like {@link #allowReuseAddress()}.
   */
  public int requestQueueSize() {
    return requestQueueSize;
  }

  /**
   * Sets {@link #requestQueueSize()}; takes effect at the next {@link #serverBind()}. Python:
   * server.request_queue_size = size.
   *
   * @throws IllegalArgumentException if less than 1
   */
  public final void setRequestQueueSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("requestQueueSize: " + size + " (expected: >= 1)");
    }
    this.requestQueueSize = size;
  }
}
