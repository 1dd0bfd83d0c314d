package dev.socketkit.loadgen;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A blocking echo server for the tests, a thread per connection, that can misbehave on purpose:
 * flip one byte of each connection's stream, close after some bytes, or hold back its first echo
 * until enough bytes have arrived (to prove the client pipelines).
 */
final class TestEchoServer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final long corruptAt;
  private final long closeAfter;
  private final int holdFirstEchoUntil;
  private boolean lineByLine;

  private TestEchoServer(long corruptAt, long closeAfter, int holdFirstEchoUntil)
      throws IOException {
    this.corruptAt = corruptAt;
    this.closeAfter = closeAfter;
    this.holdFirstEchoUntil = holdFirstEchoUntil;
    listener = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "test-echo-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** Echoes every byte faithfully. */
  static TestEchoServer faithful() throws IOException {
    return new TestEchoServer(-1, -1, 0);
  }

  /** Flips byte number {@code index} (0-based) of each connection's echo. */
  static TestEchoServer corruptingByte(long index) throws IOException {
    return new TestEchoServer(index, -1, 0);
  }

  /** Closes each connection after echoing {@code bytes} bytes. */
  static TestEchoServer closingAfter(long bytes) throws IOException {
    return new TestEchoServer(-1, bytes, 0);
  }

  /** Echoes nothing on a connection until it has received {@code bytes} bytes. */
  static TestEchoServer holdingFirstEchoUntil(int bytes) throws IOException {
    return new TestEchoServer(-1, -1, bytes);
  }

  /** Echoes whole lines only, as Python's StreamRequestHandler with readline() does. */
  static TestEchoServer lineByLine() throws IOException {
    TestEchoServer server = new TestEchoServer(-1, -1, 0);
    server.lineByLine = true;
    return server;
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        sockets.add(socket);
        Thread worker = new Thread(() -> echo(socket), "test-echo");
        worker.setDaemon(true);
        worker.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      socket.setTcpNoDelay(true);
      if (lineByLine) {
        echoLines(in, out);
        return;
      }
      byte[] buffer = new byte[65536];
      long echoed = 0;
      if (holdFirstEchoUntil > 0) {
        byte[] held = in.readNBytes(holdFirstEchoUntil);
        out.write(held);
        echoed = held.length;
      }
      int n;
      while ((n = in.read(buffer)) > 0) {
        if (corruptAt >= echoed && corruptAt < echoed + n) {
          buffer[(int) (corruptAt - echoed)] ^= 0x5A;
        }
        if (closeAfter >= 0 && echoed + n >= closeAfter) {
          out.write(buffer, 0, (int) (closeAfter - echoed));
          return;
        }
        out.write(buffer, 0, n);
        echoed += n;
      }
    } catch (IOException e) {
      // the client went away: normal at the end of a run
    }
  }

  private static void echoLines(InputStream in, OutputStream out) throws IOException {
    java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
    for (int b = in.read(); b >= 0; b = in.read()) {
      line.write(b);
      if (b == '\n') {
        line.writeTo(out);
        line.reset();
      }
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket socket : sockets) {
      socket.close();
    }
  }
}
