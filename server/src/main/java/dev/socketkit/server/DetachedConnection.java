package dev.socketkit.server;

import java.io.Closeable;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection a handler has taken away from its server with {@link StreamRequestHandler#detach()}:
 * the server's request thread ends without closing it, and whoever holds this object now owns the
 * channel. Python's {@code socketserver} has no such hand-over; it exists so that a long stream (an
 * MJPEG viewer) can be served by an event loop instead of holding a thread for hours.
 *
 * <p>The server goes on counting the connection (an {@code HttpServer}'s connection limits) until
 * {@link #close()}, which closes the channel and releases what the server counted for it. Closing
 * the channel alone releases nothing: always end a detached connection with {@link #close()}. The
 * server's own {@code close()} closes and releases every detached connection still open, so
 * shutting a server down stays clean.
 *
 * <p>Threading: any thread may call any method; {@link #close()} is idempotent. The channel is
 * handed over in blocking mode; the owner may switch it to non-blocking mode and register it with a
 * selector.
 */
public final class DetachedConnection implements Closeable {
  private final SocketChannel channel;
  private final SocketAddress clientAddress;
  private final Runnable release;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Made by {@link StreamRequestHandler#detach()}; {@code release} ends the request once. */
  DetachedConnection(SocketChannel channel, SocketAddress clientAddress, Runnable release) {
    this.channel = Objects.requireNonNull(channel, "channel");
    this.clientAddress = clientAddress;
    this.release = Objects.requireNonNull(release, "release");
  }

  /** The connection's channel, owned by the holder of this object until {@link #close()}. */
  public SocketChannel channel() {
    return channel;
  }

  /** The client's address, as the handler saw it. */
  public SocketAddress clientAddress() {
    return clientAddress;
  }

  /**
   * Whether the connection is still open: neither {@link #close()} nor the server's {@code close()}
   * has ended it, and the channel is open.
   */
  public boolean isOpen() {
    return !closed.get() && channel.isOpen();
  }

  /**
   * Ends the connection as the server ends a request (shutting down its output, then closing it)
   * and releases what the server counted for it. Idempotent; any thread; never throws.
   */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      try {
        release.run();
      } finally {
        try {
          channel.close(); // released already by the server's close(), or a custom shutdownRequest
        } catch (java.io.IOException ignored) {
          // Closing fails only for a channel that is unusable already.
        }
      }
    }
  }

  @Override
  public String toString() {
    return "DetachedConnection[" + clientAddress + (isOpen() ? "" : ", closed") + "]";
  }
}
