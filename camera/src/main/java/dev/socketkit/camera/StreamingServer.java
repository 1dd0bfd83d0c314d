package dev.socketkit.camera;

import dev.socketkit.http.ThreadingHttpServer;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * The lecture's {@code StreamingServer(ThreadingMixIn, HTTPServer)}: a threading HTTP server, a
 * thread per connection, reusing its address, daemon threads, serving {@link StreamingHandler}s for
 * the cameras of one {@link CameraServer}.
 *
 * <p>Handlers reach the cameras through {@link #cameras()}. Closed by the camera server.
 */
final class StreamingServer extends ThreadingHttpServer {
  private final CameraServer cameras;

  /**
   * Binds {@code address} and serves {@code cameras}' handlers once {@code serveForever} runs.
   *
   * @throws IOException if the address cannot be bound
   */
  public StreamingServer(SocketAddress address, CameraServer cameras) throws IOException {
    super(address, StreamingHandler::new);
    this.cameras = cameras;
  }

  /**
   * The listen backlog: 1024 rather than Python's 5, because a camera's viewers arrive together (a
   * wall of monitors, a page reload, a load test), and a full backlog turns each extra connection
   * into a SYN retransmission seconds later.
   */
  @Override
  public int requestQueueSize() {
    return 1024;
  }

  /** The cameras this server serves. */
  public CameraServer cameras() {
    return cameras;
  }
}
