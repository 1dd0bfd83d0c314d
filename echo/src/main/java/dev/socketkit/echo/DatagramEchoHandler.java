package dev.socketkit.echo;

import dev.socketkit.server.DatagramRequestHandler;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The lecture's section 8 datagram handler: reads the datagram with {@code rfile}, writes the
 * answer to {@code wfile}, which the server sends back as one datagram. Python:
 *
 * <pre>{@code
 * class ThreadedUDPRequestHandler(socketserver.DatagramRequestHandler):
 *     def handle(self):
 *         self.wfile.write(self.rfile.read())
 * }</pre>
 *
 * <p>Runs in the datagram's thread. Used by {@code socketkit echo-server --mode threading-udp}.
 */
public final class DatagramEchoHandler extends DatagramRequestHandler {
  private final EchoServer.Listener listener;

  /** Made by the server, one per request: {@code DatagramEchoHandler::new}. */
  public DatagramEchoHandler() {
    this(null);
  }

  /**
   * Also tells {@code listener} about each message received, as the lecture's server prints it; the
   * listener runs on the request's thread (several at once in the threading modes).
   *
   * @param listener told about each message, or null
   */
  public DatagramEchoHandler(EchoServer.Listener listener) {
    this.listener = listener;
  }

  /** Copies the datagram to the answer: Python's {@code handle()}. */
  @Override
  protected void handle() throws IOException {
    byte[] data = rfile.readAllBytes(); // self.rfile.read()
    if (listener != null) {
      listener.received(clientAddress(), ByteBuffer.wrap(data));
    }
    wfile.write(data);
  }
}
