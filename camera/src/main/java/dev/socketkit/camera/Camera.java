package dev.socketkit.camera;

import dev.socketkit.camera.internal.FfmpegSource;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Mp4FanOut;
import dev.socketkit.camera.internal.Size;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.camera.internal.h264.H264Encoder;
import dev.socketkit.camera.internal.h264.H264Owner;
import dev.socketkit.camera.internal.hls.HlsSegmenter;
import dev.socketkit.camera.internal.metrics.CameraProbe;
import dev.socketkit.camera.internal.metrics.ServerMetrics;
import dev.socketkit.camera.internal.motion.EventHook;
import dev.socketkit.camera.internal.mqtt.CameraTopics;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.http.HttpServer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;

/**
 * A camera server, assembled: frames from a source reach web browsers as MJPEG and, encoded once,
 * as H.264 in fragmented MP4, and, when asked, motion detection and recording watch the same
 * frames. Build one with {@link #builder()}: {@code
 * Camera.builder().port(0).source("test").motion(MotionSettings.defaults())
 * .recording(RecordingSettings.builder(RecordMode.MOTION, dir).build()).start()}.
 *
 * <p>The camera owns and closes everything it starts: the frame hub, the supervisor that keeps the
 * source running, its viewers on the MJPEG and MP4 fan-outs, the H.264 encoder, and the motion
 * detection and recording. {@link Builder#start()} checks the configuration (refusing a
 * non-loopback address without credentials), binds a {@link CameraServer} for this one camera,
 * starts recording (repairing unfinished segments), and starts every thread: {@code camera-source}
 * and {@code camera-watchdog} (the source), {@code camera-h264} and, while someone watches H.264,
 * {@code camera-h264-in} and an ffmpeg child (the encoder), plus the motion and recorder threads;
 * the server adds {@code camera-fanout} (every viewer's writes), {@code camera-server} (the accept
 * loop) and one thread per connection. {@link #close()} stops them in the reverse order and
 * finishes the segment being written. A camera may also be {@linkplain CameraServer#add added} to a
 * server that serves several. Any thread may read its state.
 */
public final class Camera implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Camera.class.getName());
  private final Builder config;
  private final FrameHub hub;
  private final SourceSupervisor supervisor;
  private final MjpegFanOut fanOut;
  private final FragmentHub fragments = new FragmentHub();
  private final H264Encoder encoder;
  private final H264Owner h264Owner = new H264Owner();
  private final Mp4FanOut mp4FanOut;
  private final HlsSegmenter hls;
  private final CameraServer site;
  private final boolean ownsSite;
  private final String slug;
  private final CameraProbe probe;
  private final Semaphore viewerSlots;
  private final Instant started = Instant.now();
  private final Surveillance owned;
  private final Path temporarySnapshots;
  private final CameraTopics mqttTopics;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile Surveillance surveillance;
  private volatile SurveillanceRoutes surveillanceRoutes;

  private Camera(Builder config, FrameSource source, CameraServer site, boolean ownsSite)
      throws IOException {
    this.config = config;
    this.site = site;
    this.ownsSite = ownsSite;
    this.slug = slug(config.name);
    // --fps caps every source here, where all frames enter, not in each source; a source that
    // paces itself at that rate (test, dir:) is not capped again: the cap would drop the frames its
    // schedule publishes back to back to catch up after a delay.
    int paced = source.pacedFps();
    this.hub = paced > 0 && paced <= config.fps ? new FrameHub() : new FrameHub(config.fps);
    this.viewerSlots = new Semaphore(config.maxViewers);
    this.supervisor =
        new SourceSupervisor(
            source, hub, config.width, config.height, config.quality, config.stallTimeout);
    // This camera's topics on the shared MQTT connection (a second camera adds its own).
    this.mqttTopics =
        config.mqtt == null ? null : new CameraTopics(config.mqtt.link(), config.name);
    if (mqttTopics != null) {
      mqttTopics.register(); // refuses a second camera with the same topic name
    }
    // An ffmpeg: source whose input is H.264 fills the fragment hub itself (passthrough); the
    // encoder then runs only while that source is down, for the NO SIGNAL frames.
    if (config.h264Passthrough && source instanceof FfmpegSource ffmpegSource) {
      ffmpegSource.copyH264To(fragments, h264Owner);
    }
    // Runs ffmpeg only while the fragment hub has demand: an idle camera encodes nothing.
    // Made before surveillance, which asks it whether MP4 recording is possible.
    this.encoder =
        new H264Encoder(
            hub,
            fragments,
            config.ffmpeg,
            config.fps,
            config.h264BitrateKbps,
            H264Encoder.DEFAULT_LINGER,
            h264Owner);
    try {
      this.temporarySnapshots =
          config.motion != null && config.recording == null ? privateTemporaryDirectory() : null;
      // Made even when neither motion nor recording is asked for: then it is inert (no thread, no
      // subscription), and /events, /recordings and /state say that surveillance is off.
      this.owned = surveillance(config, mqttTopics);
    } catch (IOException | RuntimeException e) {
      unregisterMqtt(); // a camera that never started leaves no topics behind
      throw e;
    }
    // NO SIGNAL frames (a source restarting) are neither motion nor footage.
    owned.skipFramesUnless(() -> supervisor.status().state() == SourceState.RUNNING);
    try {
      owned.start();
    } catch (IOException | RuntimeException e) {
      closeSurveillance();
      unregisterMqtt();
      throw new IOException("cannot start recording: " + e.getMessage(), e);
    }
    serveSurveillance(owned, routes(owned, config.recording));
    // The server's one loop thread serves both formats of every camera: one thread wakes for every
    // viewer.
    this.fanOut = new MjpegFanOut(hub, site.loop(), config.writeDeadline);
    this.mp4FanOut = new Mp4FanOut(fragments, site.loop(), config.writeDeadline);
    // HLS subscribes to the fragments only while its playlist or segments are asked for.
    this.hls = new HlsSegmenter(fragments::subscribeAtKeyframe, HlsSegmenter.DEFAULT_IDLE);
    this.probe =
        new CameraProbe(
            config.name,
            hub,
            supervisor,
            fanOut,
            mp4FanOut,
            hls,
            () -> surveillance,
            config.recording == null ? null : config.recording.directory());
    site.metrics().add(probe);
    supervisor.start();
    encoder.start();
  }

  /**
   * A new directory for event snapshots in the temporary directory, readable by this user alone
   * (0700, set as it is made: a name others can guess and read would show them the pictures, and
   * one they could make first would let them plant links).
   */
  private static Path privateTemporaryDirectory() throws IOException {
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      return Files.createTempDirectory(
          "socketkit-events-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    }
    return Files.createTempDirectory("socketkit-events-"); // private by default where not POSIX
  }

  private Surveillance surveillance(Builder config, MotionListener mqtt) throws IOException {
    RecordingSettings recording = config.recording;
    Recorder recorder = null;
    if (recording != null && recording.mode() != RecordMode.OFF) {
      recorder =
          recordFormat(recording) == RecordFormat.MP4
              ? new Recorder(recording, config.name, config.fps, fragments)
              : new Recorder(recording, config.name, config.fps);
    }
    Path snapshots =
        recording != null ? recording.directory().resolve("events") : temporarySnapshots;
    return new Surveillance(
        hub,
        config.name,
        config.motion,
        hook(config.onMotionStart, config.hookTimeout),
        hook(config.onMotionEnd, config.hookTimeout),
        recorder,
        snapshots,
        motionListeners(config.motionListeners, mqtt));
  }

  private static List<MotionListener> motionListeners(
      List<MotionListener> configured, MotionListener mqtt) {
    List<MotionListener> all = new ArrayList<>(configured);
    if (mqtt != null) {
      all.add(mqtt);
    }
    return all;
  }

  /**
   * The format to record in: the one asked for, or MP4 when ffmpeg with libx264 is found and AVI
   * (with one log line saying why) when not.
   *
   * @throws IOException if MP4 is asked for and H.264 is unavailable
   */
  private RecordFormat recordFormat(RecordingSettings recording) throws IOException {
    RecordFormat asked = recording.format().orElse(null);
    if (asked == RecordFormat.AVI) {
      return asked;
    }
    String unavailable;
    try {
      unavailable = encoder.checkAvailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while checking for H.264", e);
    }
    if (unavailable == null) {
      return RecordFormat.MP4;
    }
    if (asked == RecordFormat.MP4) {
      throw new IOException("MP4 recording needs H.264: " + unavailable);
    }
    LOG.log(Level.WARNING, "recording MJPEG AVI, not MP4: " + unavailable);
    return RecordFormat.AVI;
  }

  private static EventHook hook(List<String> command, Duration timeout) {
    return command == null ? null : new EventHook(command, timeout);
  }

  private static SurveillanceRoutes routes(Surveillance surveillance, RecordingSettings recording) {
    Recorder recorder = surveillance.recorder();
    Segments segments =
        recorder != null
            ? recorder.segments()
            : recording != null ? new Segments(recording.directory()) : null;
    return new SurveillanceRoutes(surveillance.events(), segments, recorder);
  }

  /** A new builder with the defaults: 127.0.0.1:8000, test pattern 640x480 at 30 fps. */
  public static Builder builder() {
    return new Builder();
  }

  /** The address the server listens on (the real port when 0 was asked). */
  public SocketAddress address() {
    return site.address();
  }

  /** The server this camera is served by. */
  public CameraServer server() {
    return site;
  }

  /**
   * The camera's name as it appears in paths, {@code /cameras/SLUG/}: the name itself when it is 1
   * to 64 of letters, digits, {@code -} and {@code _}; otherwise lower-cased with every other run
   * of characters made one {@code -} ({@code "socketkit camera"} is {@code socketkit-camera}).
   */
  public String slug() {
    return slug;
  }

  static String slug(String name) {
    if (CameraServer.isSlug(name)) {
      return name;
    }
    String slug =
        name.toLowerCase(java.util.Locale.ROOT)
            .replaceAll("[^a-z0-9_-]+", "-")
            .replaceAll("^-+|-+$", "");
    if (slug.length() > 64) {
      slug = slug.substring(0, 64);
    }
    return slug.isEmpty() ? "camera" : slug;
  }

  /**
   * The hub every frame goes through: subscribe here to receive the frames too (motion detection
   * and recording do). Any thread.
   */
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

  /** Where this camera's recordings go (absolute); empty without recording settings. */
  Optional<Path> recordDirectory() {
    return config.recordDirectory();
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

  /** The users file of the server, or null when anyone may watch. */
  public AuthFile auth() {
    return site.auth();
  }

  /** Whether the server speaks HTTPS. */
  public boolean tls() {
    return site.tls();
  }

  /**
   * Serves {@code /events} and {@code /recordings} from {@code routes}, behind the camera's
   * authentication, and shows {@code surveillance} in {@code /state}, in place of what the builder
   * asked for. The camera does not own these: whoever made them closes them after the camera. For
   * tests that inject a recorder; any thread.
   */
  void serveSurveillance(Surveillance surveillance, SurveillanceRoutes routes) {
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

  /** The configured H.264 bit rate, kbit/s. */
  int h264BitrateKbps() {
    return config.h264BitrateKbps;
  }

  Mp4FanOut mp4FanOut() {
    return mp4FanOut;
  }

  /** The camera's one fragmented-MP4 stream; holding demand on it runs the H.264 encoder. */
  FragmentHub fragments() {
    return fragments;
  }

  /** The HLS segments and playlist, cut from {@link #fragments()}. */
  HlsSegmenter hls() {
    return hls;
  }

  /** The H.264 encoder, for its availability and state. */
  H264Encoder encoder() {
    return encoder;
  }

  /** What {@code /metrics} and {@code /readyz} report of the server and its cameras. */
  ServerMetrics metrics() {
    return site.metrics();
  }

  /**
   * Where the H.264 comes from now: {@code passthrough} (the source's own, copied) or {@code
   * encoded} (the camera's frames, encoded once). Any thread.
   */
  String h264Mode() {
    return h264Owner.sourceWants() ? "passthrough" : "encoded";
  }

  /**
   * Why {@code /stream.mp4} and HLS cannot be served now, or null when they can: H.264 passed
   * through from the source needs no encoder; otherwise the encoder's {@link
   * H264Encoder#checkAvailable()} (ffmpeg with libx264). May wait for ffmpeg's first answer.
   */
  String h264Unavailable() throws InterruptedException {
    return h264Owner.sourceWants() ? null : encoder.checkAvailable();
  }

  boolean tryAcquireViewer() {
    return viewerSlots.tryAcquire();
  }

  void releaseViewer() {
    viewerSlots.release();
  }

  /**
   * Stops serving this camera, disconnects its viewers, stops its source, then ends a motion event
   * going on and finishes the segment being written. A camera started by {@link Builder#start()}
   * closes its server too; one {@linkplain CameraServer#add added} to a server leaves the server
   * and the other cameras running. Waits for the threads briefly. Idempotent.
   */
  @Override
  public void close() {
    if (ownsSite) {
      site.close();
    } else if (!site.remove(slug)) {
      closePipeline();
    }
  }

  /** Closes what this camera owns, once; the server has stopped routing requests to it. */
  void closePipeline() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    site.metrics().remove(probe);
    mp4FanOut.close();
    fanOut.close(); // ends this camera's viewers; the loop is the server's and goes on
    hls.close(); // lets go of the fragments before the encoder stops
    encoder.close();
    supervisor.close();
    closeSurveillance(); // after the source stops: no frame arrives after the last one written
    unregisterMqtt(); // after the event going on has ended: its OFF is queued
  }

  private void unregisterMqtt() {
    if (mqttTopics != null) {
      mqttTopics.unregister();
    }
  }

  /** The MQTT connection this camera publishes to, or null. */
  MqttConnection mqtt() {
    return config.mqtt;
  }

  private void closeSurveillance() {
    owned.close();
    deleteTemporarySnapshots();
  }

  /**
   * Deletes the snapshot directory made in the temporary directory when motion is detected without
   * a recording directory; the hooks no longer read the snapshots once the surveillance is closed.
   * Never follows a symbolic link: a link found inside is deleted as a link, and what it points to
   * stays (a hook, or anyone who could write there, must not make the camera delete other files).
   */
  private void deleteTemporarySnapshots() {
    Path directory = temporarySnapshots;
    if (directory == null || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try {
      deleteTree(directory);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete the motion snapshots in " + directory + ": " + e);
    }
  }

  /** Deletes {@code directory} and what is in it, links as links (the walk follows none). */
  static void deleteTree(Path directory) throws IOException {
    Files.walkFileTree(
        directory,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attributes)
              throws IOException {
            Files.deleteIfExists(file); // a link: the link itself
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException failure)
              throws IOException {
            if (failure != null) {
              throw failure;
            }
            Files.deleteIfExists(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The snapshot directory in the temporary directory, deleted at close; or null. */
  Path temporarySnapshots() {
    return temporarySnapshots;
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
    private int h264BitrateKbps = H264Encoder.DEFAULT_BITRATE_KBPS;
    private boolean h264Passthrough = true;
    private String ffmpeg = "ffmpeg";
    private String name = "socketkit camera";
    private int maxViewers = 100;
    private int maxConnectionsPerClient = HttpServer.DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
    private Duration writeDeadline = Duration.ofSeconds(10);
    private Duration stallTimeout = Duration.ofSeconds(10);
    private AuthFile auth;
    private SSLContext sslContext;
    private boolean insecure;
    private boolean metricsPublic;
    private final List<String> allowedHosts = new ArrayList<>();
    private int maxFrameSize = FrameSource.Settings.DEFAULT_MAX_FRAME_SIZE;
    private FrameSource frameSource;
    private MotionSettings motion;
    private List<String> onMotionStart;
    private List<String> onMotionEnd;
    private Duration hookTimeout = Duration.ofSeconds(30);
    private final List<MotionListener> motionListeners = new ArrayList<>();
    private RecordingSettings recording;
    private MqttConnection mqtt;

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

    /**
     * Where frames come from (default {@code test}): {@code test}, {@code ffmpeg:ARGS}, {@code
     * dir:PATH} or an {@code http://} URL of an MJPEG stream; see {@link FrameSource#parse}.
     */
    public Builder source(String source) {
      this.source = source;
      this.frameSource = null;
      return this;
    }

    /** Frames from {@code source}, a source of your own, instead of a named one. */
    public Builder source(FrameSource source) {
      this.frameSource = Objects.requireNonNull(source, "source");
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

    /**
     * The H.264 bit rate in kbit/s (default {@value H264Encoder#DEFAULT_BITRATE_KBPS}), for the
     * frames the camera encodes itself ({@code /stream.mp4}).
     *
     * @throws IllegalArgumentException if {@code kbps} is not 50 to 100000
     */
    public Builder h264Bitrate(int kbps) {
      if (kbps < 50 || kbps > 100_000) {
        throw new IllegalArgumentException(
            "h264 bitrate: " + kbps + " kbit/s (expected: 50 to 100000)");
      }
      this.h264BitrateKbps = kbps;
      return this;
    }

    /**
     * Whether an {@code ffmpeg:} source whose input is H.264 passes it through to {@code
     * /stream.mp4} without re-encoding (default true; inputs with B-frames are re-encoded anyway).
     * False re-encodes every source.
     */
    public Builder h264Passthrough(boolean passthrough) {
      this.h264Passthrough = passthrough;
      return this;
    }

    /** The ffmpeg program that encodes H.264 (default {@code ffmpeg} on PATH); for tests. */
    Builder ffmpeg(String program) {
      this.ffmpeg = Objects.requireNonNull(program, "program");
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

    /**
     * The most connections at once from one client address (default 50); one more gets 503 with
     * Retry-After, before any authentication, so one address cannot take every slot.
     *
     * @throws IllegalArgumentException if {@code max} is below 1
     */
    public Builder maxConnectionsPerClient(int max) {
      if (max < 1) {
        throw new IllegalArgumentException(
            "max connections per client: " + max + " (expected: >= 1)");
      }
      this.maxConnectionsPerClient = max;
      return this;
    }

    /**
     * How long a client may accept nothing of a response (the stream, a download, any page) before
     * it is disconnected (default 10 s).
     */
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

    /**
     * Also answers requests whose {@code Host} is {@code name} when the camera has no credentials
     * (it always answers {@code localhost}, IP addresses and the {@link #host} name); others get
     * {@code 421 Misdirected Request}, the defence against DNS rebinding. Repeatable. A camera
     * behind a proxy that passes the browser's {@code Host} on needs the public name here.
     *
     * @throws IllegalArgumentException if {@code name} is empty or has characters a host cannot
     */
    public Builder allowedHost(String name) {
      if (name == null || !name.matches("[A-Za-z0-9._\\-]+")) {
        throw new IllegalArgumentException(
            "allowed host: " + name + " (expected: a host name such as cam.example.org)");
      }
      allowedHosts.add(name);
      return this;
    }

    /**
     * The largest frame a relayed MJPEG server ({@code http://} source) may deliver (default 4
     * MiB); a larger one is dropped with a warning, so a hostile upstream cannot exhaust the
     * memory.
     *
     * @throws IllegalArgumentException if {@code bytes} is below 1 KiB or above 64 MiB
     */
    public Builder maxFrameSize(int bytes) {
      FrameSource.Settings.checkMaxFrameSize(bytes);
      this.maxFrameSize = bytes;
      return this;
    }

    /**
     * Serve {@code /metrics} without credentials even when the camera has users (default false:
     * behind the same authentication as every other path), for a scraper on a trusted network.
     */
    public Builder metricsPublic(boolean metricsPublic) {
      this.metricsPublic = metricsPublic;
      return this;
    }

    /** Allow a non-loopback address without credentials. */
    public Builder insecure(boolean insecure) {
      this.insecure = insecure;
      return this;
    }

    /**
     * Detect motion with {@code settings} (null, the default, for none): events are listed at
     * {@code /events}, shown on the page, and start the motion programs and listeners.
     */
    public Builder motion(MotionSettings settings) {
      this.motion = settings;
      return this;
    }

    /**
     * The program to run when a motion event starts, with {@code SOCKETKIT_EVENT_*} variables in
     * its environment; null for none. The command line is split into words here, without a shell
     * (quotes and backslashes as a POSIX shell reads them). Needs {@link #motion}.
     *
     * @throws IllegalArgumentException if the command line cannot be split (an unclosed quote)
     */
    public Builder onMotionStart(String commandLine) {
      this.onMotionStart = commandLine == null ? null : EventHook.split(commandLine);
      return this;
    }

    /** The program to run when a motion event ends; otherwise as {@link #onMotionStart}. */
    public Builder onMotionEnd(String commandLine) {
      this.onMotionEnd = commandLine == null ? null : EventHook.split(commandLine);
      return this;
    }

    /** A motion program running longer than this is killed (default 30 s). */
    public Builder hookTimeout(Duration timeout) {
      if (timeout == null || timeout.isNegative()) {
        throw new IllegalArgumentException("hook timeout: " + timeout + " (expected: >= 0)");
      }
      this.hookTimeout = timeout;
      return this;
    }

    /**
     * Tells {@code listener} of every motion event's start and end, on the motion detector's thread
     * (so it must return quickly). Needs {@link #motion}.
     */
    public Builder motionListener(MotionListener listener) {
      motionListeners.add(Objects.requireNonNull(listener, "listener"));
      return this;
    }

    /**
     * Record (and list at {@code /recordings}) as {@code settings} say; null, the default, for
     * neither. With {@link RecordMode#OFF} nothing is recorded but the segments already in the
     * directory are listed. Recording on motion needs {@link #motion}.
     */
    public Builder recording(RecordingSettings settings) {
      this.recording = settings;
      return this;
    }

    /**
     * Publish to {@code connection} (null, the default, for no MQTT): motion state, events and
     * snapshots under a topic named after {@link #name}, and Home Assistant discovery. The camera
     * does not own the connection: several cameras may share it, and its maker closes it after
     * them. Without {@link #motion} the camera is announced and its motion stays {@code OFF}.
     */
    public Builder mqtt(MqttConnection connection) {
      this.mqtt = connection;
      return this;
    }

    /**
     * Checks the configuration, binds and starts the camera.
     *
     * @throws IllegalArgumentException with one readable sentence for a bad value, a source that
     *     names nothing, or motion programs or motion recording without motion detection
     * @throws IllegalStateException when asked to listen beyond this machine without credentials
     * @throws IOException if the address cannot be bound, or recording cannot start (its directory
     *     cannot be created or read)
     */
    public Camera start() throws IOException {
      CameraServer site = CameraServer.forOneCamera(this);
      try {
        Camera camera = site.add(this, true);
        site.serve();
        return camera;
      } catch (IOException | RuntimeException e) {
        site.close();
        throw e;
      }
    }

    /** Starts the camera on {@code site}, which serves it once added. */
    Camera startOn(CameraServer site, boolean ownsSite) throws IOException {
      FrameSource.Settings settings =
          new FrameSource.Settings(width, height, fps, quality, name, maxFrameSize);
      FrameSource chosen = frameSource != null ? frameSource : FrameSource.parse(source, settings);
      if (motion == null) {
        if (recording != null && recording.mode() == RecordMode.MOTION) {
          throw new IllegalArgumentException("recording on motion needs motion detection");
        }
        if (onMotionStart != null || onMotionEnd != null || !motionListeners.isEmpty()) {
          throw new IllegalArgumentException("motion programs and listeners need motion detection");
        }
      }
      return new Camera(copy(), chosen, site, ownsSite);
    }

    /**
     * Refuses to listen beyond this machine without credentials.
     *
     * @throws IllegalStateException when asked to
     */
    void checkServer() throws UnknownHostException {
      if (auth == null && !insecure && !isLoopback(host)) {
        throw new IllegalStateException(
            "refusing to serve the camera on "
                + host
                + " without credentials: give it the users allowed to watch (auth), or allow"
                + " insecure serving to let anyone watch");
      }
    }

    /** A copy, so that a started camera or server is not changed by later calls to the builder. */
    Builder copy() {
      Builder copy = new Builder();
      copy.host = host;
      copy.port = port;
      copy.source = source;
      copy.width = width;
      copy.height = height;
      copy.fps = fps;
      copy.quality = quality;
      copy.h264BitrateKbps = h264BitrateKbps;
      copy.h264Passthrough = h264Passthrough;
      copy.ffmpeg = ffmpeg;
      copy.name = name;
      copy.maxViewers = maxViewers;
      copy.maxConnectionsPerClient = maxConnectionsPerClient;
      copy.writeDeadline = writeDeadline;
      copy.stallTimeout = stallTimeout;
      copy.auth = auth;
      copy.sslContext = sslContext;
      copy.insecure = insecure;
      copy.metricsPublic = metricsPublic;
      copy.allowedHosts.addAll(allowedHosts);
      copy.maxFrameSize = maxFrameSize;
      copy.frameSource = frameSource;
      copy.motion = motion;
      copy.onMotionStart = onMotionStart;
      copy.onMotionEnd = onMotionEnd;
      copy.hookTimeout = hookTimeout;
      copy.motionListeners.addAll(motionListeners);
      copy.recording = recording;
      copy.mqtt = mqtt;
      return copy;
    }

    String host() {
      return host;
    }

    int port() {
      return port;
    }

    String name() {
      return name;
    }

    /**
     * Where this camera's recordings and event snapshots go, as an absolute path; empty without
     * recording settings.
     */
    Optional<Path> recordDirectory() {
      return recording == null
          ? Optional.empty()
          : Optional.of(recording.directory().toAbsolutePath().normalize());
    }

    List<String> allowedHosts() {
      return allowedHosts;
    }

    SSLContext sslContext() {
      return sslContext;
    }

    int maxConnectionsPerClient() {
      return maxConnectionsPerClient;
    }

    Duration writeDeadline() {
      return writeDeadline;
    }

    AuthFile auth() {
      return auth;
    }

    boolean metricsPublic() {
      return metricsPublic;
    }
  }
}
