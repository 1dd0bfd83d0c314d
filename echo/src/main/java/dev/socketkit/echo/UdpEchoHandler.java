package dev.socketkit.echo;

import dev.socketkit.server.BaseRequestHandler;
import dev.socketkit.server.DatagramRequest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The lecture's section 7 UDP handler: {@code request[0]} is the datagram, {@code request[1]} the
 * socket to answer on. Python:
 *
 * <pre>{@code
 * class EchoHandler(socketserver.BaseRequestHandler):
 *     def handle(self):
 *         data, socket = self.request[0], self.request[1]
 *         socket.sendto(data, self.client_address)
 * }</pre>
 *
 * <p>Runs in the thread the server gives the datagram. Used by {@code socketkit echo-server --mode
 * udp}.
 */
public final class UdpEchoHandler extends BaseRequestHandler<DatagramRequest> {
  private final EchoServer.Listener listener;

  /** Made by the server, one per request: {@code UdpEchoHandler::new}. */
  public UdpEchoHandler() {
    this(null);
  }

  /**
   * Also tells {@code listener} about each message received, as the lecture's server prints it; the
   * listener runs on the request's thread (several at once in the threading modes).
   *
   * @param listener told about each message, or null
   */
  public UdpEchoHandler(EchoServer.Listener listener) {
    this.listener = listener;
  }

  /** Sends the datagram back to its sender: Python's {@code handle()}. */
  @Override
  protected void handle() throws IOException {
    byte[] data = request().data(); // self.request[0]
    if (listener != null) {
      listener.received(clientAddress(), ByteBuffer.wrap(data));
    }
    request().sendTo(data, clientAddress()); // self.request[1].sendto(data, self.client_address)
  }
}
