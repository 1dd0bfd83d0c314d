package dev.socketkit.server;

import dev.socketkit.select.Select;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The request of a datagram server: the datagram's data and the server's socket to answer on.
 * Python's {@code request} tuple of {@code UDPServer}: {@link #data()} is {@code request[0]},
 * {@link #socket()} is {@code request[1]}.
 *
 * <pre>{@code
 * byte[] data = request().data();
 * request().sendTo(data, clientAddress()); // Python: socket.sendto(data, self.client_address)
 * }</pre>
 *
 * <p>The data array belongs to this request (it is a copy, never shared with another request). The
 * socket belongs to the server, which closes it; it is shared by every request and is in
 * non-blocking mode (the server selects on it), so answer with {@link #sendTo}, which waits when
 * the send buffer is full instead of dropping the datagram. Safe to use from any one thread.
 *
 * @param data the datagram's bytes: Python's {@code request[0]}
 * @param socket the server's channel: Python's {@code request[1]}
 */
@SuppressWarnings("ArrayRecordComponent") // the array is this request's own copy, as Python's bytes
public record DatagramRequest(byte[] data, DatagramChannel socket) {
  /** Checks that both parts are present. */
  public DatagramRequest {
    Objects.requireNonNull(data, "data");
    Objects.requireNonNull(socket, "socket");
  }

  /**
   * Sends {@code data} as one datagram to {@code target}: Python's {@code request[1].sendto(data,
   * client_address)}. Waits (with the calling thread's {@link Select}) while the socket's send
   * buffer is full, rather than dropping the datagram as a bare non-blocking send would.
   *
   * @throws IOException if sending fails, for example when {@code data} is larger than a datagram
   *     can be ("Message too long")
   */
  public void sendTo(byte[] data, SocketAddress target) throws IOException {
    ByteBuffer datagram = ByteBuffer.wrap(data);
    if (socket.send(datagram, target) > 0 || data.length == 0) {
      return;
    }
    // The send buffer is full: a non-blocking send sends all or nothing. Wait until it drains.
    try {
      while (socket.send(datagram, target) == 0) {
        Select.select(List.of(), List.of(socket), List.of(), Duration.ofSeconds(1));
      }
    } finally {
      // Deregister from this thread's selector, or closing the socket would wait for it.
      Select.forget(socket);
    }
  }

  /** Compares the data's contents and the socket's identity. */
  @Override
  public boolean equals(Object other) {
    return other instanceof DatagramRequest that
        && java.util.Arrays.equals(data, that.data)
        && socket == that.socket;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(data) * 31 + System.identityHashCode(socket);
  }

  /** The length of the data and the socket, not the bytes. */
  @Override
  public String toString() {
    return "DatagramRequest[" + data.length + " bytes, socket=" + socket + "]";
  }
}
