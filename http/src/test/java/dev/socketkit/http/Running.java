package dev.socketkit.http;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.function.Supplier;

/** A server serving forever in its own thread until closed; for tests. */
final class Running implements AutoCloseable {
  final HttpServer server;
  private final Thread thread;

  private Running(HttpServer server) {
    this.server = server;
    this.thread = new Thread(server::serveForever, "test-serve-forever");
    thread.setDaemon(true);
    thread.start();
  }

  static Running threading(Supplier<? extends BaseHttpRequestHandler> handler) throws IOException {
    return new Running(
        new ThreadingHttpServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), handler));
  }

  static Running serve(HttpServer server) {
    return new Running(server);
  }

  int port() {
    return ((InetSocketAddress) server.serverAddress()).getPort();
  }

  RawClient client() throws IOException {
    return new RawClient(port());
  }

  @Override
  public void close() {
    server.shutdown();
    server.close();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
