package dev.socketkit.camera;

import dev.socketkit.camera.internal.ServerTls;
import dev.socketkit.camera.internal.metrics.ServerMetrics;
import dev.socketkit.select.EventLoopThread;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One HTTP server for any number of cameras: {@code /cameras/NAME/} and the paths under it are
 * camera {@code NAME}'s, {@code /} is a grid of them all, and the single-camera paths ({@code
 * /stream.mjpg}, {@code /state}, …) mean the first camera. Start one with {@link #start}, then
 * {@link #add} and {@link #remove} cameras while it runs: the others, and their viewers, are not
 * touched.
 *
 * <p>The server owns the accept loop ({@code camera-server}) and its connection threads, the {@code
 * /metrics} registry, and the one event loop ({@code camera-fanout}) on which every camera's MJPEG
 * and MP4 viewers are written; each camera owns its source, encoder, motion and recording threads,
 * so a camera whose source fails, whose disk fills or whose program hangs never holds a thread
 * another camera needs. Any thread may add, remove and read; {@link #close()} closes every camera,
 * then the server.
 */
public final class CameraServer implements AutoCloseable {
  private static final Pattern SLUG = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  private final Camera.Builder settings;
  private final HostCheck hostCheck;
  private final ServerMetrics metrics = new ServerMetrics();
  private final EventLoopThread loop;
  private final StreamingServer server;
  private final Object lock = new Object();
  private final boolean grid;
  private volatile List<Camera> cameras = List.of(); // copy-on-write under lock, in order added
  private Thread serverThread; // under lock
  private boolean closed; // under lock

  private CameraServer(Camera.Builder settings, boolean grid) throws IOException {
    this.settings = settings.copy();
    this.grid = grid;
    this.hostCheck = new HostCheck(settings.host(), settings.allowedHosts());
    this.loop = EventLoopThread.open();
    try {
      this.server =
          new StreamingServer(new InetSocketAddress(settings.host(), settings.port()), this);
    } catch (IOException | RuntimeException e) {
      loop.close();
      throw e;
    }
    loop.start("camera-fanout", true);
    if (settings.sslContext() != null) {
      server.setSslContext(ServerTls.harden(settings.sslContext()));
    }
    server.setMaxConnectionsPerClient(settings.maxConnectionsPerClient());
    server.setWriteTimeout(settings.writeDeadline()); // every response, not only the streams
    server.setMaxConnections(1000);
  }

  /**
   * Binds and starts serving with the server-wide settings of {@code settings} (host, port, auth,
   * TLS, insecure, allowed hosts, connections per client, write deadline, {@code /metrics} public),
   * with no camera yet; its per-camera settings are not used. {@code /} is the grid of cameras.
   *
   * @throws IllegalStateException when asked to listen beyond this machine without credentials
   * @throws IOException if the address cannot be bound
   */
  public static CameraServer start(Camera.Builder settings) throws IOException {
    settings.checkServer();
    CameraServer server = new CameraServer(settings, true);
    server.serve();
    return server;
  }

  /** A server for the one camera {@link Camera.Builder#start()} makes; serves once it is added. */
  static CameraServer forOneCamera(Camera.Builder settings) throws IOException {
    settings.checkServer();
    return new CameraServer(settings, false);
  }

  /** Starts the accept loop, once. */
  void serve() {
    synchronized (lock) {
      if (serverThread != null || closed) {
        return;
      }
      serverThread = new Thread(server::serveForever, "camera-server");
      serverThread.setDaemon(true);
      serverThread.start();
    }
  }

  /**
   * Starts a camera with the per-camera settings of {@code camera} (source, size, rate, quality,
   * H.264, viewers, motion, recording, MQTT, …; its server-wide settings are not used) and serves
   * it at {@code /cameras/NAME/}, where NAME is its {@link Camera#slug()}.
   *
   * @throws IllegalArgumentException for a bad setting, or when a camera of that name is served
   * @throws IOException if recording cannot start
   */
  public Camera add(Camera.Builder camera) throws IOException {
    return add(camera, false);
  }

  Camera add(Camera.Builder builder, boolean ownsServer) throws IOException {
    String slug = Camera.slug(builder.name());
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the camera server is closed");
      }
      if (find(slug).isPresent()) {
        throw new IllegalArgumentException("a camera named " + slug + " is served already");
      }
      checkOwnRecordDirectory(builder);
    }
    Camera camera = builder.startOn(this, ownsServer);
    synchronized (lock) {
      if (closed || find(slug).isPresent()) {
        camera.closePipeline();
        throw new IllegalStateException(
            closed
                ? "the camera server is closed"
                : "a camera named " + slug + " is served already");
      }
      try {
        checkOwnRecordDirectory(builder); // again: another camera may have been added meanwhile
      } catch (IllegalArgumentException e) {
        camera.closePipeline();
        throw e;
      }
      List<Camera> more = new ArrayList<>(cameras);
      more.add(camera);
      cameras = List.copyOf(more);
      server.setMaxConnections(Math.max(1000, viewerSlots(more) + 100));
    }
    return camera;
  }

  /**
   * Refuses a camera whose record directory another camera uses: their retention would delete each
   * other's recordings and their event snapshots would mix.
   */
  private void checkOwnRecordDirectory(Camera.Builder builder) {
    Path directory = builder.recordDirectory().orElse(null);
    if (directory == null) {
      return;
    }
    for (Camera other : cameras) {
      if (other.recordDirectory().filter(directory::equals).isPresent()) {
        throw new IllegalArgumentException(
            "its record directory "
                + directory
                + " is camera "
                + other.slug()
                + "'s already; give each camera a record-dir of its own");
      }
    }
  }

  private static int viewerSlots(List<Camera> cameras) {
    long slots = 0;
    for (Camera camera : cameras) {
      slots += camera.maxViewers();
    }
    return (int) Math.min(slots, Integer.MAX_VALUE - 100);
  }

  /**
   * Stops serving the camera named {@code name} and closes it: its viewers are disconnected, its
   * source stops and its recording is finished. Other cameras are not touched.
   *
   * @return false if no camera of that name is served
   */
  public boolean remove(String name) {
    Camera camera;
    synchronized (lock) {
      camera = find(name).orElse(null);
      if (camera == null) {
        return false;
      }
      List<Camera> fewer = new ArrayList<>(cameras);
      fewer.remove(camera);
      cameras = List.copyOf(fewer);
    }
    camera.closePipeline();
    return true;
  }

  /** Every camera served, in the order added; the first answers the single-camera paths. */
  public List<Camera> cameras() {
    return cameras;
  }

  /** The camera served at {@code /cameras/NAME/}, if any. */
  public Optional<Camera> camera(String name) {
    return find(name);
  }

  private Optional<Camera> find(String slug) {
    for (Camera camera : cameras) {
      if (camera.slug().equals(slug)) {
        return Optional.of(camera);
      }
    }
    return Optional.empty();
  }

  /** The camera the single-camera paths mean: the first one, or null when none is served. */
  Camera first() {
    List<Camera> all = cameras;
    return all.isEmpty() ? null : all.get(0);
  }

  /** Whether {@code name} may name a camera in a path: 1 to 64 of letters, digits, - and _. */
  static boolean isSlug(String name) {
    return SLUG.matcher(name).matches();
  }

  /** The address the server listens on (the real port when 0 was asked). */
  public SocketAddress address() {
    return server.serverAddress();
  }

  /**
   * Whether {@code /} shows the grid of cameras (a server started for one camera shows its page).
   */
  boolean grid() {
    return grid || cameras.size() > 1;
  }

  /** The loop every camera's viewers are written on. */
  EventLoopThread loop() {
    return loop;
  }

  /** What {@code /metrics} and {@code /readyz} report. */
  ServerMetrics metrics() {
    return metrics;
  }

  /** The users file (SIGHUP reads it again through {@link AuthFile#reload()}), or null. */
  public AuthFile auth() {
    return settings.auth();
  }

  /** Which {@code Host} values a server without credentials answers. */
  HostCheck hostCheck() {
    return hostCheck;
  }

  /** Whether the server speaks HTTPS. */
  boolean tls() {
    return settings.sslContext() != null;
  }

  /** Whether {@code /metrics} is served without credentials. */
  boolean metricsPublic() {
    return settings.metricsPublic();
  }

  /** The MQTT connection the cameras publish to, or null. */
  MqttConnection mqtt() {
    for (Camera camera : cameras) {
      if (camera.mqtt() != null) {
        return camera.mqtt();
      }
    }
    return null;
  }

  /**
   * Stops accepting, closes every camera (viewers disconnected, sources stopped, recordings
   * finished), then the fan-out loop and the server. Waits for the threads briefly. Idempotent.
   */
  @Override
  public void close() {
    List<Camera> all;
    Thread accepting;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      all = cameras;
      cameras = List.of();
      accepting = serverThread;
    }
    server.shutdown();
    for (int i = all.size() - 1; i >= 0; i--) {
      all.get(i).closePipeline();
    }
    loop.shutdown(); // runs the viewers' last tasks, then stops
    server.close();
    if (accepting != null) {
      try {
        accepting.join(5000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
