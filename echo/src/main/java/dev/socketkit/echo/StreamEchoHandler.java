package dev.socketkit.echo;

import dev.socketkit.server.StreamRequestHandler;
import java.io.IOException;

/**
 * The lecture's section 8 stream handler: reads lines with {@code rfile.readLine()} and writes each
 * back with {@code wfile.write()}. Python:
 *
 * <pre>{@code
 * class ThreadedTCPRequestHandler(socketserver.StreamRequestHandler):
 *     def handle(self):
 *         while line := self.rfile.readline():
 *             self.wfile.write(line)
 * }</pre>
 *
 * <p>A last line without {@code \n} is echoed as it is. Runs in the request's thread; the server
 * closes the connection afterwards. Used by {@code socketkit echo-server --mode threading-tcp}.
 */
public final class StreamEchoHandler extends StreamRequestHandler {
  /** Made by the server, one per connection: {@code StreamEchoHandler::new}. */
  public StreamEchoHandler() {}

  /** Echoes line by line until the client closes its side: Python's {@code handle()}. */
  @Override
  protected void handle() throws IOException {
    for (byte[] line = rfile.readLine(); line.length > 0; line = rfile.readLine()) {
      wfile.write(line);
    }
  }
}
