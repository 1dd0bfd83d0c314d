package dev.socketkit.echo;

import java.io.Closeable;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;

/**
 * An echo server of the lecture that runs on one thread: {@link SelectEchoServer} (section 2) and
 * {@link QueueEchoServer} (section 6).
 *
 * <p>Lifecycle: the constructor binds and listens; {@link #serveForever()} serves on the calling
 * thread until {@link #shutdown()} or {@link #close()} is called from another thread; {@link
 * #close()} closes the listening channel and every client. The server starts no threads of its own:
 * all its work happens on the thread in {@code serveForever}, one event loop.
 *
 * <p>Guarantees: every byte a client sends comes back to it, in order; when a client stops reading,
 * the server stops reading from it once its pending output passes {@code maxPending} bytes and
 * resumes when it drains, so memory stays bounded; a reset, a half-close (the echoes still go out,
 * then the server closes) or a vanished client affects that client alone.
 */
public interface EchoServer extends Closeable {
  /** Default bound on one client's unsent echo before the server stops reading from it: 1 MiB. */
  int DEFAULT_MAX_PENDING = 1 << 20;

  /** The address the server listens on; with port 0, the port the system picked. */
  SocketAddress localAddress();

  /**
   * Serves clients on the calling thread until {@link #shutdown()} or {@link #close()}: Python's
   * {@code while True: select(...)} loop. Errors of one client close that client only.
   *
   * @throws IllegalStateException if the server is already serving or closed
   * @throws IOException if the listening channel or the selector fails
   */
  void serveForever() throws IOException;

  /**
   * Asks {@link #serveForever()} to return and waits until it has, for up to 10 seconds; any thread
   * may call it. Does nothing when the server is not serving.
   */
  void shutdown();

  /** Stops serving (as {@link #shutdown()}) and closes the listening channel and every client. */
  @Override
  void close() throws IOException;

  /**
   * Told about each message the server receives, as the lecture's server prints it ({@code
   * --verbose}). Runs on the serving thread and must return quickly.
   */
  @FunctionalInterface
  interface Listener {
    /**
     * One message received.
     *
     * @param from the client's address
     * @param data the bytes received, readable from position to limit; valid during the call only
     */
    void received(SocketAddress from, ByteBuffer data);
  }
}
