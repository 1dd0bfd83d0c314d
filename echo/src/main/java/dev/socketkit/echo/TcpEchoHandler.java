package dev.socketkit.echo;

import dev.socketkit.server.BaseRequestHandler;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * The lecture's section 7 TCP handler: reads from {@code request()} (the client's socket) and sends
 * every byte back. Python:
 *
 * <pre>{@code
 * class EchoHandler(socketserver.BaseRequestHandler):
 *     def handle(self):
 *         while data := self.request.recv(1024):
 *             self.request.sendall(data)
 * }</pre>
 *
 * <p>Runs in the thread the server gives the request; the server closes the socket after {@code
 * handle} returns. Used by {@code socketkit echo-server --mode tcp}.
 */
public final class TcpEchoHandler extends BaseRequestHandler<SocketChannel> {
  private static final int RECV_SIZE = 1024; // the lecture's recv(1024)

  private final EchoServer.Listener listener;

  /** Made by the server, one per request: {@code TcpEchoHandler::new}. */
  public TcpEchoHandler() {
    this(null);
  }

  /**
   * Also tells {@code listener} about each message received, as the lecture's server prints it; the
   * listener runs on the request's thread (several at once in the threading modes).
   *
   * @param listener told about each message, or null
   */
  public TcpEchoHandler(EchoServer.Listener listener) {
    this.listener = listener;
  }

  /** Echoes until the client closes its side: Python's {@code handle()}. */
  @Override
  protected void handle() throws IOException {
    SocketChannel socket = request();
    ByteBuffer data = ByteBuffer.allocate(RECV_SIZE);
    while (socket.read(data) > 0) { // recv(1024); 0 bytes (-1 here) = the client closed
      data.flip();
      if (listener != null) {
        listener.received(clientAddress(), data.duplicate());
      }
      while (data.hasRemaining()) { // sendall
        socket.write(data);
      }
      data.clear();
    }
  }
}
