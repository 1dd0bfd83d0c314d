package dev.socketkit.echo;

import dev.socketkit.server.StreamRequestHandler;
import java.io.IOException;
import java.nio.ByteBuffer;

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
 * <p>A last line without {@code \n} is echoed as it is. A line longer than {@link #MAX_PIECE} bytes
 * is read and echoed in pieces of at most that size, in order, so a client that never sends {@code
 * \n} cannot make the server hold an unbounded line in memory. Runs in the request's thread; the
 * server closes the connection afterwards. Used by {@code socketkit echo-server --mode
 * threading-tcp}.
 */
public final class StreamEchoHandler extends StreamRequestHandler {
  /** The most bytes read (and echoed) at once: Python's {@code rfile.readline(limit)}. */
  public static final int MAX_PIECE = 64 * 1024;

  private final EchoServer.Listener listener;

  /** Made by the server, one per request: {@code StreamEchoHandler::new}. */
  public StreamEchoHandler() {
    this(null);
  }

  /**
   * Also tells {@code listener} about each message received, as the lecture's server prints it; the
   * listener runs on the request's thread (several at once in the threading modes).
   *
   * @param listener told about each message, or null
   */
  public StreamEchoHandler(EchoServer.Listener listener) {
    this.listener = listener;
  }

  /**
   * Echoes line by line (long lines in pieces of {@link #MAX_PIECE} bytes) until the client closes
   * its side: Python's {@code handle()}.
   */
  @Override
  protected void handle() throws IOException {
    for (byte[] line = rfile.readLine(MAX_PIECE);
        line.length > 0;
        line = rfile.readLine(MAX_PIECE)) {
      if (listener != null) {
        listener.received(clientAddress(), ByteBuffer.wrap(line));
      }
      wfile.write(line);
    }
  }
}
