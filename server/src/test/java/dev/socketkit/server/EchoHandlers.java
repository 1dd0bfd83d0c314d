package dev.socketkit.server;

import java.io.IOException;

/** The echo handlers of the lecture and of CPython's test_socketserver. */
final class EchoHandlers {
  private EchoHandlers() {}

  /** Echoes line by line through rfile / wfile. */
  static final class StreamEcho extends StreamRequestHandler {
    @Override
    protected void handle() throws IOException {
      byte[] line;
      for (line = rfile.readLine(); line.length > 0; line = rfile.readLine()) {
        wfile.write(line);
      }
    }
  }
}
