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
public final class StreamingServer extends ThreadingHttpServer {
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

  /** The camera this server serves. */
  public Camera camera() {
    return camera;
  }
}
