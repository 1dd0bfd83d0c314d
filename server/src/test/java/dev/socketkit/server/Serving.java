package dev.socketkit.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/** Runs a server's serveForever in its own thread, as the lecture does; stops it on close. */
final class Serving implements AutoCloseable {
  final BaseServer<?> server;
  final Thread thread;

  private Serving(BaseServer<?> server, Duration pollInterval) {
    this.server = server;
    this.thread = new Thread(() -> server.serveForever(pollInterval), "test-serve-forever");
    thread.setDaemon(true);
    thread.start();
  }

  static Serving start(BaseServer<?> server) {
    return new Serving(server, Duration.ofMillis(50));
  }

  /** The server's address. */
  java.net.SocketAddress address() {
    return server.serverAddress();
  }

  @Override
  public void close() {
    server.shutdown();
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("interrupted while waiting for serveForever", e);
    }
    assertThat(thread.isAlive()).as("serveForever returned after shutdown").isFalse();
  }
}
