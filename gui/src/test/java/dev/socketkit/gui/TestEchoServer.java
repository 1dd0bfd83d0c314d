package dev.socketkit.gui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small echo server on loopback that tests can also misbehave with: it counts connections and can
 * drop them all at once (a server that goes away). A thread per connection sends back every byte it
 * receives. Where no such control is needed the tests use the project's select echo server ({@link
 * RunningEchoServer}).
 */
final class TestEchoServer implements AutoCloseable {
  private final ServerSocket listener;
  private final List<Socket> connections = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger ended = new AtomicInteger();
  private final Thread acceptor;

  /** Listens on 127.0.0.1 at {@code port} (0: any free port) and starts accepting. */
  TestEchoServer(int port) throws IOException {
    listener = new ServerSocket();
    listener.setReuseAddress(true);
    listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    acceptor = new Thread(this::acceptLoop, "test-echo-acceptor");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  TestEchoServer() throws IOException {
    this(0);
  }

  InetSocketAddress address() {
    return (InetSocketAddress) listener.getLocalSocketAddress();
  }

  /** Connections accepted so far. */
  int accepted() {
    return accepted.get();
  }

  /** Connections whose client closed its side (or that were dropped) so far. */
  int ended() {
    return ended.get();
  }

  /** Closes every open connection, as a server that goes away does; keeps listening. */
  void dropConnections() throws IOException {
    for (Socket socket : connections) {
      socket.close();
    }
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
        connections.add(socket);
        accepted.incrementAndGet();
        Thread echo = new Thread(() -> echo(socket), "test-echo-connection");
        echo.setDaemon(true);
        echo.start();
      } catch (IOException e) {
        return; // the listener was closed
      }
    }
  }

  private void echo(Socket socket) {
    try (socket;
        InputStream in = socket.getInputStream();
        OutputStream out = socket.getOutputStream()) {
      byte[] buffer = new byte[4096];
      int n;
      while ((n = in.read(buffer)) > 0) {
        out.write(buffer, 0, n);
      }
    } catch (IOException ignored) {
      // The connection was reset or dropped by dropConnections(): it ends either way.
    } finally {
      connections.remove(socket);
      ended.incrementAndGet();
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
    dropConnections();
  }
}
