package dev.socketkit.camera;

import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Size;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Semaphore;
import javax.net.ssl.SSLContext;

/**
 * The camera server, assembled: a {@link FrameHub}, the {@link SourceSupervisor} running the
 * source, the MJPEG fan-out, and the lecture's {@link StreamingServer} serving {@link
 * StreamingHandler}s, running until closed.
 *
 * <p>Made by {@link Builder#start()}, which checks the configuration (refusing a non-loopback
 * address without credentials), binds, and starts every thread: {@code camera-source} and {@code
 * camera-watchdog} (supervisor), {@code camera-fanout} (the viewers' writes), {@code camera-server}
 * (the accept loop, {@code serveForever}) and one thread per connection. {@link #close()} stops
 * them in the reverse order. Any thread may read its state.
 */
public final class Camera implements AutoCloseable {
  private final Builder config;
  private final FrameHub hub = new FrameHub();
  private final SourceSupervisor supervisor;
  private final MjpegFanOut fanOut;
  private final StreamingServer server;
  private final Semaphore viewerSlots;
  private final Thread serverThread;
  private final Instant started = Instant.now();
  private volatile Surveillance surveillance;
  private volatile SurveillanceRoutes surveillanceRoutes;

  private Camera(Builder config, FrameSource source) throws IOException {
    this.config = config;
    this.viewerSlots = new Semaphore(config.maxViewers);
    this.supervisor =
        new SourceSupervisor(
            source, hub, config.width, config.height, config.quality, config.stallTimeout);
    this.fanOut = new MjpegFanOut(hub, config.writeDeadline);
    try {
      this.server = new StreamingServer(new InetSocketAddress(config.host, config.port), this);
    } catch (IOException | RuntimeException e) {
      fanOut.close();
      throw e;
    }
    if (config.sslContext != null) {
      server.setSslContext(config.sslContext);
    }
    server.setMaxConnections(Math.max(1000, config.maxViewers + 100));
    supervisor.start();
    this.serverThread = new Thread(server::serveForever, "camera-server");
    serverThread.setDaemon(true);
    serverThread.start();
  }

  /** A new builder with the defaults: 127.0.0.1:8000, test pattern 640x480 at 30 fps. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the server listens on (the real port when 0 was asked). */
  public SocketAddress address() {
    return server.serverAddress();
  }

  /** The hub every frame goes through; other consumers (recording, motion) subscribe here. */
  public FrameHub hub() {
    return hub;
  }

  /** What the frame source is doing now. Any thread. */
  public SourceState sourceState() {
    return supervisor.status().state();
  }

  /** The source supervisor's status, for {@code /state}. */
  SourceSupervisor.Status sourceStatus() {
    return supervisor.status();
  }

  /** The camera's name, shown on the page. */
  public String name() {
    return config.name;
  }

  /** The configured frame rate. */
  public int fps() {
    return config.fps;
  }

  /** The configured size (a source may deliver another). */
  Size size() {
    return new Size(config.width, config.height);
  }

  /** The most viewers at once. */
  public int maxViewers() {
    return config.maxViewers;
  }

  /** When the camera started. */
  public Instant started() {
    return started;
  }

  /** The users file, or null when anyone may watch. */
  public AuthFile auth() {
    return config.auth;
  }

  /** Whether the server speaks HTTPS. */
  public boolean tls() {
    return config.sslContext != null;
  }

  /**
   * Serves {@code /events} and {@code /recordings} from {@code routes}, behind the camera's
   * authentication, and shows {@code surveillance} in {@code /state}. The camera does not own them:
   * whoever made them closes them after the camera. Any thread may call it.
   */
  public void serveSurveillance(Surveillance surveillance, SurveillanceRoutes routes) {
    this.surveillance = surveillance;
    this.surveillanceRoutes = routes;
  }

  /** The surveillance pages, or null. */
  SurveillanceRoutes surveillanceRoutes() {
    return surveillanceRoutes;
  }

  /** The surveillance shown in {@code /state}, or null. */
  Surveillance surveillance() {
    return surveillance;
  }

  MjpegFanOut fanOut() {
    return fanOut;
  }

  boolean tryAcquireViewer() {
    return viewerSlots.tryAcquire();
  }

  void releaseViewer() {
    viewerSlots.release();
  }

  /** Stops serving, disconnects every viewer, stops the source. Waits for the threads briefly. */
  @Override
  public void close() {
    server.shutdown();
    fanOut.close();
    server.close();
    supervisor.close();
    try {
      serverThread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether {@code host} names only this machine (a loopback address). */
  static boolean isLoopback(String host) throws UnknownHostException {
    for (InetAddress address : InetAddress.getAllByName(host)) {
      if (!address.isLoopbackAddress()) {
        return false;
      }
    }
    return true;
  }

  /** The camera's configuration; {@link #start()} makes the camera. Not thread-safe. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port = 8000;
    private String source = "test";
    private int width = 640;
    private int height = 480;
    private int fps = 30;
    private int quality = 80;
    private String name = "socketkit camera";
    private int maxViewers = 100;
    private Duration writeDeadline = Duration.ofSeconds(10);
    private Duration stallTimeout = Duration.ofSeconds(10);
    private AuthFile auth;
    private SSLContext sslContext;
    private boolean insecure;

    private Builder() {}

    /** The address to listen on (default 127.0.0.1). */
    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /** The port (default 8000; 0 picks a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
      }
      this.port = port;
      return this;
    }

    /** The {@code --source} value (default {@code test}); see {@link FrameSource#parse}. */
    public Builder source(String source) {
      this.source = source;
      return this;
    }

    /** The test pattern's and NO SIGNAL frame's size (default 640x480). */
    public Builder size(int width, int height) {
      this.width = width;
      this.height = height;
      return this;
    }

    /** Frames per second of the test pattern and {@code dir:} (default 30). */
    public Builder fps(int fps) {
      this.fps = fps;
      return this;
    }

    /** JPEG quality 1 to 100 (default 80). */
    public Builder quality(int quality) {
      this.quality = quality;
      return this;
    }

    /** The name shown on the page and drawn on the test pattern. */
    public Builder name(String name) {
      this.name = name;
      return this;
    }

    /** The most viewers at once (default 100); one more gets 503 with Retry-After. */
    public Builder maxViewers(int maxViewers) {
      if (maxViewers < 1) {
        throw new IllegalArgumentException("max viewers: " + maxViewers + " (expected: >= 1)");
      }
      this.maxViewers = maxViewers;
      return this;
    }

    /** How long a viewer may accept nothing before it is disconnected (default 10 s). */
    public Builder writeDeadline(Duration writeDeadline) {
      if (writeDeadline.isNegative() || writeDeadline.isZero()) {
        throw new IllegalArgumentException("write deadline: " + writeDeadline + " (expected: > 0)");
      }
      this.writeDeadline = writeDeadline;
      return this;
    }

    /** How long a wanted source may publish nothing before it is restarted (default 10 s). */
    public Builder stallTimeout(Duration stallTimeout) {
      this.stallTimeout = stallTimeout;
      return this;
    }

    /** Users allowed to watch (Basic auth and signed links); null lets anyone watch. */
    public Builder auth(AuthFile auth) {
      this.auth = auth;
      return this;
    }

    /** Serve HTTPS with this context; null for plain HTTP. */
    public Builder tls(SSLContext sslContext) {
      this.sslContext = sslContext;
      return this;
    }

    /** Allow a non-loopback address without credentials. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * Checks the configuration, binds and starts the camera.
     *
     * @throws IllegalArgumentException with one readable sentence for a bad value or a source that
     *     names nothing
     * @throws IllegalStateException when asked to listen beyond this machine without credentials
     * @throws IOException if the address cannot be bound
     */
    public Camera start() throws IOException {
      FrameSource.Settings settings = new FrameSource.Settings(width, height, fps, quality, name);
      FrameSource frameSource = FrameSource.parse(source, settings);
      if (auth == null && !insecure && !isLoopback(host)) {
        throw new IllegalStateException(
            "refusing to serve the camera on "
                + host
                + " without credentials: create a user with 'socketkit camera passwd FILE USER'"
                + " and start with --auth-file FILE (or add --insecure to let anyone watch)");
      }
      return new Camera(this, frameSource);
    }
  }
}
