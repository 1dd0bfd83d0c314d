package dev.socketkit.camera;

import dev.socketkit.http.ThreadingHttpServer;
import java.io.IOException;
import java.net.SocketAddress;

/**
 * The lecture's {@code StreamingServer(ThreadingMixIn, HTTPServer)}: a threading HTTP server, a
 * thread per connection, reusing its address, daemon threads, serving {@link StreamingHandler}s for
 * one {@link Camera}.
 *
 * <p>Handlers reach the camera through {@link #camera()}. Closed by the camera.
 */
final class StreamingServer extends ThreadingHttpServer {
  private final Camera camera;

  /**
   * Binds {@code address} and serves {@code camera}'s handlers once {@code serveForever} runs.
   *
   * @throws IOException if the address cannot be bound
   */
  public StreamingServer(SocketAddress address, Camera camera) throws IOException {
    super(address, StreamingHandler::new);
    this.camera = camera;
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

  /** The camera this server serves. */
  public Camera camera() {
    return camera;
  }
}
