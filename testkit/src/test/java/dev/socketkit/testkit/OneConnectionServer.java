package dev.socketkit.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** A loopback server on port 0 that accepts one connection and hands it to {@code script}. */
final class OneConnectionServer implements AutoCloseable {
  /** What the server does with its one connection; its result is the test's to check. */
  interface Script<T> {
    T run(Socket socket) throws Exception;
  }

  private final ServerSocket server;
  private final CompletableFuture<Object> result = new CompletableFuture<>();

  <T> OneConnectionServer(Script<T> script) throws IOException {
    server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    Thread thread =
        new Thread(
            () -> {
              try (Socket socket = server.accept()) {
                socket.setSoTimeout(10_000);
                result.complete(script.run(socket));
              } catch (Exception | Error e) {
                result.completeExceptionally(e);
              }
            },
            "one-connection-server");
    thread.setDaemon(true);
    thread.start();
  }

  int port() {
    return server.getLocalPort();
  }

  Object result() throws InterruptedException, ExecutionException, TimeoutException {
    return result(Duration.ofSeconds(10));
  }

  Object result(Duration timeout)
      throws InterruptedException, ExecutionException, TimeoutException {
    return result.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
