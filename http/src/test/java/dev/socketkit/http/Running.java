package dev.socketkit.http;

import dev.socketkit.testkit.RawHttpClient;
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
    this.thread =
        new Thread(
            () -> {
              try {
                server.serveForever(java.time.Duration.ofMillis(50)); // as CPython's tests
              } catch (IllegalStateException e) {
                if (!server.isClosed()) {
                  throw e;
                }
                // The test was over (and closed the server) before this thread began serving.
              }
            },
            "test-serve-forever");
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

  RawHttpClient client() throws IOException {
    return new RawHttpClient(port());
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
