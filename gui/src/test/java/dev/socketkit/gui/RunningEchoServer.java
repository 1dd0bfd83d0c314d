package dev.socketkit.gui;

import dev.socketkit.echo.EchoServer;
import dev.socketkit.echo.SelectEchoServer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The project's select echo server (lecture section 2, module echo) serving on its own thread on
 * loopback, for the gui tests; it also records every byte it received. Closing it stops the server.
 */
final class RunningEchoServer implements AutoCloseable {
  private final EchoServer server;
  private final Queue<String> received = new ConcurrentLinkedQueue<>(); // the serving thread adds
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();

  RunningEchoServer() throws IOException {
    server =
        new SelectEchoServer(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            EchoServer.DEFAULT_MAX_PENDING,
            (from, data) -> received.add(text(data)));
    Thread thread =
        new Thread(
            () -> {
              try {
                server.serveForever();
                stopped.complete(null);
              } catch (Throwable e) {
                stopped.completeExceptionally(e);
              }
            },
            "select-echo-server");
    thread.setDaemon(true);
    thread.start();
  }

  InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  /** Everything the server has received so far, decoded as UTF-8. */
  String received() {
    return String.join("", received);
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      stopped.get(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping the echo server");
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the echo server did not stop cleanly", e);
    }
  }

  /** The listener's data is valid during the call only: decode a copy of its view now. */
  private static String text(ByteBuffer data) {
    return StandardCharsets.UTF_8.decode(data.duplicate()).toString();
  }
}
