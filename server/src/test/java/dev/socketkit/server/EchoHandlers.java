package dev.socketkit.server;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

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

  /** Echoes with the request channel's own read and write. */
  static final class ChannelEcho extends BaseRequestHandler<SocketChannel> {
    @Override
    protected void handle() throws IOException {
      ByteBuffer buffer = ByteBuffer.allocate(1024);
      while (request().read(buffer) > 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          request().write(buffer);
        }
        buffer.clear();
      }
    }
  }

  /** Echoes a datagram through rfile / wfile. */
  static final class DatagramEcho extends DatagramRequestHandler {
    @Override
    protected void handle() throws IOException {
      wfile.write(rfile.readAllBytes());
    }
  }

  /** Echoes a datagram with request[1].sendto(request[0], client_address). */
  static final class RawDatagramEcho extends BaseRequestHandler<DatagramRequest> {
    @Override
    protected void handle() throws IOException {
      request().sendTo(request().data(), clientAddress());
    }
  }
}
