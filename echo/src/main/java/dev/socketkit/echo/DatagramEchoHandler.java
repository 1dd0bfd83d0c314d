package dev.socketkit.echo;

import dev.socketkit.server.DatagramRequestHandler;
import java.io.IOException;

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
  /** Made by the server, one per datagram: {@code DatagramEchoHandler::new}. */
  public DatagramEchoHandler() {}

  /** Copies the datagram to the answer: Python's {@code handle()}. */
  @Override
  protected void handle() throws IOException {
    wfile.write(rfile.readAllBytes()); // self.rfile.read()
  }
}
