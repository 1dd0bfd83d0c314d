package dev.socketkit.echo;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** An echo server serving on its own thread for a test; closing it stops and closes the server. */
final class RunningServer implements AutoCloseable {
  /** The two select-based servers, for parameterised tests. */
  enum Kind {
    SELECT,
    QUEUE,
    SELECTORS;

    EchoServer open(SocketAddress address, long maxPending) throws IOException {
      return switch (this) {
        case SELECT -> new SelectEchoServer(address, maxPending, null);
        case QUEUE -> new QueueEchoServer(address, maxPending, null);
        case SELECTORS -> new SelectorsEchoServer(address, maxPending, null);
      };
    }
  }

  final EchoServer server;
  final Thread thread;
  final CompletableFuture<Void> stopped = new CompletableFuture<>();

  RunningServer(Kind kind, long maxPending) throws IOException {
    server = kind.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), maxPending);
    thread =
        new Thread(
            () -> {
              try {
                server.serveForever();
                stopped.complete(null);
              } catch (Throwable e) {
                stopped.completeExceptionally(e);
              }
            },
            "echo-" + kind);
    thread.start();
  }

  RunningServer(Kind kind) throws IOException {
    this(kind, EchoServer.DEFAULT_MAX_PENDING);
  }

  SocketAddress address() {
    return server.localAddress();
  }

  @Override
  public void close() throws IOException {
    server.close();
    try {
      stopped.get(10, TimeUnit.SECONDS); // rethrows whatever ended the loop
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while stopping the server");
    } catch (ExecutionException | TimeoutException e) {
      throw new IOException("the server did not stop cleanly", e);
    }
  }
}
