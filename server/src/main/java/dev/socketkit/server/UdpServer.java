package dev.socketkit.server;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * A datagram server: receives datagrams and hands each one to a new handler. Python's {@code
 * socketserver.UDPServer}. Handles one datagram at a time unless a {@link Threading} is chosen (see
 * {@link ThreadingUdpServer}).
 *
 * <p>The request is a {@link DatagramRequest}: the datagram's data and the server's socket
 * (Python's {@code request[0]} and {@code request[1]}). The server owns the socket and closes it in
 * {@link #close()}; requests need no closing.
 *
 * <p>A datagram larger than {@link #maxPacketSize()} is not cut short, as Python does, but refused:
 * the server calls {@link #handleError} with the whole datagram and a {@link
 * DatagramTooLargeException} naming both sizes, and no handler runs.
 *
 * <p>There is no {@code UnixDatagramServer}: the JDK has no Unix-domain datagram channels ({@code
 * DatagramChannel} supports only IPv4 and IPv6; JEP 380 brought Unix-domain sockets to {@code
 * SocketChannel} and {@code ServerSocketChannel} only), and socketkit does not fake one.
 *
 * <p>Threads: see {@link BaseServer}. Meant to be extended.
 */
public class UdpServer extends BaseServer<DatagramRequest> {
  /** Python's {@code UDPServer.max_packet_size}: 8192 bytes. */
  public static final int DEFAULT_MAX_PACKET_SIZE = 8192;

  /** Larger than any UDP payload (65,507 bytes over IPv4), so every size is known exactly. */
  private static final int RECEIVE_BUFFER = 65_536;

  private final DatagramChannel socket;
  private SocketAddress address;
  private volatile int maxPacketSize = DEFAULT_MAX_PACKET_SIZE;
  private ByteBuffer buffer; // the serving thread's

  /**
   * Makes the server and binds it to {@code address}: Python's {@code UDPServer(server_address,
   * RequestHandlerClass)}.
   *
   * @param address where to receive; port 0 picks a free port (see {@link #serverAddress()})
   * @param handlerFactory makes one handler per datagram, e.g. {@code EchoHandler::new}
   * @throws IOException if binding fails; nothing is left open
   */
  public UdpServer(
      SocketAddress address, Supplier<? extends BaseRequestHandler<DatagramRequest>> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server, and binds it if {@code bindAndActivate}: Python's {@code
   * UDPServer(server_address, RequestHandlerClass, bind_and_activate)}.
   *
   * @throws IOException if opening or binding fails; nothing is left open
   */
  // The lecture's (Python's) servers configure themselves in the constructor through overridable
  // setters and hooks, so "this" escapes on purpose (JDK 21+ lint); see TcpServer.
  @SuppressWarnings("this-escape")
  public UdpServer(
      SocketAddress address,
      Supplier<? extends BaseRequestHandler<DatagramRequest>> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(handlerFactory);
    this.address = Objects.requireNonNull(address, "address");
    this.socket = DatagramChannel.open();
    if (bindAndActivate) {
      bindAndActivate();
    }
  }

  /**
   * Applies the socket options and binds: Python's {@code server_bind()}. Afterwards {@link
   * #serverAddress()} is the real address.
   *
   * @throws IOException if binding fails
   */
  @Override
  protected void serverBind() throws IOException {
    applyReuseOptions(socket);
    socket.bind(address);
    address = socket.getLocalAddress();
  }

  /** The socket: Python's {@code fileno()}. */
  @Override
  protected final SelectableChannel channel() {
    return socket;
  }

  /** The server's socket: Python's {@code self.socket}. Owned and closed by the server. */
  public final DatagramChannel socket() {
    return socket;
  }

  /**
   * Receives one datagram: Python's {@code UDPServer.get_request()}. A datagram larger than {@link
   * #maxPacketSize()} goes to {@link #handleError} with a {@link DatagramTooLargeException}, and
   * this returns null.
   */
  @Override
  protected Incoming<DatagramRequest> getRequest() throws IOException {
    int max = maxPacketSize();
    int capacity = Math.max(RECEIVE_BUFFER, max + 1);
    if (buffer == null || buffer.capacity() < capacity) {
      buffer = ByteBuffer.allocate(capacity);
    }
    buffer.clear();
    SocketAddress client = socket.receive(buffer);
    if (client == null) {
      return null;
    }
    byte[] data = Arrays.copyOf(buffer.array(), buffer.position());
    if (data.length > max) {
      handleError(
          new DatagramRequest(data, socket),
          client,
          new DatagramTooLargeException(data.length, max, data.length == buffer.capacity()));
      return null;
    }
    return new Incoming<>(new DatagramRequest(data, socket), client);
  }

  /**
   * Reports an error: Python's {@code handle_error()}. A {@link DatagramTooLargeException} is
   * reported as one line on standard error ({@code datagram from ADDRESS refused: datagram of N
   * bytes is larger than maxPacketSize M bytes; not handled}), since it is no bug of a handler;
   * anything else as {@link BaseServer#handleError}. Override to report elsewhere.
   */
  @Override
  protected void handleError(
      DatagramRequest request, SocketAddress clientAddress, Throwable error) {
    if (error instanceof DatagramTooLargeException) {
      System.err.println("datagram from " + clientAddress + " refused: " + error.getMessage());
      System.err.flush();
      return;
    }
    super.handleError(request, clientAddress, error);
  }

  /**
   * The real address after binding (the real port when asked for port 0): {@code server_address}.
   * Python's server_address.
   */
  @Override
  public final SocketAddress serverAddress() {
    return address;
  }

  /**
   * The largest datagram handed to a handler: Python's {@code max_packet_size}; 8192 by default.
   * Overridable as Python's class attribute.
   */
  public int maxPacketSize() {
    return maxPacketSize;
  }

  /**
   * Sets {@link #maxPacketSize()}. Python: server.max_packet_size = size.
   *
   * @throws IllegalArgumentException if less than 1
   */
  public final void setMaxPacketSize(int size) {
    if (size < 1) {
      throw new IllegalArgumentException("maxPacketSize: " + size + " (expected: >= 1)");
    }
    this.maxPacketSize = size;
  }
}
