package dev.socketkit.cli;

import dev.socketkit.camera.AuthFile;
import dev.socketkit.camera.Camera;
import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.MqttConnection;
import java.io.BufferedReader;
import java.io.Console;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit camera}: the lecture's surveillance camera (section 9) as a server, and its
 * {@code passwd} and {@code token} helpers. Runs on picocli's (the main) thread, which waits until
 * Ctrl-C or SIGTERM closes the camera. SIGHUP reads the configuration files again at once (see
 * {@link #reloadFiles}), on the JVM's signal thread.
 */
@Command(
    name = "camera",
    mixinStandardHelpOptions = true,
    subcommands = {CameraCommand.Passwd.class, CameraCommand.Token.class},
    description = {
      "Serve a camera to web browsers as MJPEG (lecture section 9).",
      "Paths: / (live page), /stream.mjpg, /stream.mp4 (H.264), /hls/index.m3u8 (HLS),",
      "/snapshot.jpg, /state (JSON);",
      "/events (motion events) and /recordings (segments) when surveillance is on."
    })
final class CameraCommand implements Callable<Integer> {
  private static final System.Logger LOG = System.getLogger(CameraCommand.class.getName());

  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}; another address needs --auth-file or --insecure).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "8000",
      description = "Port (default: ${DEFAULT-VALUE}; 0 = any free port).")
  int port;

  @Option(
      names = "--source",
      defaultValue = "test",
      description = {
        "Where frames come from (default: ${DEFAULT-VALUE}):",
        "  test            a moving test pattern with the time and a frame counter",
        "  ffmpeg:ARGS     ffmpeg input options, e.g. 'ffmpeg:-f v4l2 -i /dev/video0'",
        "  dir:PATH        the JPEG files of a folder in name order, looping",
        "  http://...      another MJPEG server, relayed"
      })
  String source;

  @Option(
      names = "--source-password-file",
      paramLabel = "FILE",
      description =
          "File holding the password (first line) of the user a --source URL names without one"
              + " (http://USER@HOST/..., or -i rtsp://USER@HOST/... in ffmpeg:); else the"
              + " environment variable SOCKETKIT_SOURCE_PASSWORD. Keeps it out of the process list.")
  Path sourcePasswordFile;

  @Option(
      names = "--size",
      defaultValue = "640x480",
      description =
          "Frame size WxH of the test pattern and NO SIGNAL frame (default: ${DEFAULT-VALUE}).")
  String size;

  @Option(
      names = "--fps",
      defaultValue = "30",
      description = "Frames per second of test and dir: sources (default: ${DEFAULT-VALUE}).")
  int fps;

  @Option(
      names = "--quality",
      defaultValue = "80",
      description = "JPEG quality 1-100 (default: ${DEFAULT-VALUE}).")
  int quality;

  @Option(
      names = "--h264-bitrate",
      defaultValue = "500",
      paramLabel = "KBPS",
      description =
          "H.264 bit rate in kbit/s of /stream.mp4, encoded once by ffmpeg while someone watches"
              + " it (default: ${DEFAULT-VALUE}).")
  int h264Bitrate;

  @Option(
      names = "--h264-passthrough",
      defaultValue = "auto",
      paramLabel = "auto|off",
      description =
          "auto: an ffmpeg: source whose input is H.264 (without B-frames) goes to /stream.mp4"
              + " as it is, not re-encoded; off: re-encode every source (default:"
              + " ${DEFAULT-VALUE}).")
  String h264Passthrough;

  @Option(
      names = "--name",
      defaultValue = "socketkit camera",
      description = "Camera name shown on the page (default: ${DEFAULT-VALUE}).")
  String name;

  @Option(
      names = "--max-viewers",
      defaultValue = "100",
      description =
          "Most viewers at once; one more gets 503 with Retry-After (default: ${DEFAULT-VALUE}).")
  int maxViewers;

  @Option(
      names = "--max-connections-per-client",
      defaultValue = "50",
      description =
          "Most connections at once from one client address; one more gets 503 with Retry-After"
              + " (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerClient;

  @Option(
      names = "--write-deadline",
      defaultValue = "10s",
      description =
          "Disconnect a viewer that accepts nothing for this long (default: ${DEFAULT-VALUE}).")
  String writeDeadline;

  @Option(
      names = "--auth-file",
      description =
          "Users file (made by 'camera passwd'): Basic auth and signed links on every path.")
  Path authFile;

  @Option(
      names = "--tls-keystore",
      description = "PKCS#12 keystore with the certificate and key: serve HTTPS.")
  Path tlsKeystore;

  @Option(
      names = "--tls-password-file",
      description = "File holding the keystore password (first line).")
  Path tlsPasswordFile;

  @Option(
      names = "--tls-password-env",
      defaultValue = "SOCKETKIT_TLS_PASSWORD",
      description =
          "Environment variable holding the keystore password (default: ${DEFAULT-VALUE}).")
  String tlsPasswordEnv;

  @Option(
      names = "--insecure",
      description = "Allow a non-loopback --host without --auth-file (anyone can watch).")
  boolean insecure;

  @Option(
      names = "--metrics-public",
      description =
          "Serve /metrics without credentials even with --auth-file (for a Prometheus on a trusted"
              + " network); /healthz and /readyz never need them.")
  boolean metricsPublic;

  @Option(
      names = "--allowed-host",
      paramLabel = "NAME",
      description =
          "Without --auth-file, also answer requests for this host name (repeatable); the camera"
              + " always answers localhost and IP addresses, others get 421 (DNS rebinding).")
  List<String> allowedHosts = new ArrayList<>();

  @Option(
      names = "--max-frame-size",
      paramLabel = "SIZE",
      defaultValue = "4M",
      converter = ByteSizes.Positive.class,
      description = "Drop a relayed frame larger than this, 1K to 64M (default: ${DEFAULT-VALUE}).")
  long maxFrameSize;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "A cameras file (YAML): the server's settings and any number of named cameras, served"
              + " at /cameras/NAME/ (see packaging/cameras.example.yaml); SIGHUP reads it again."
              + " Takes no other option.")
  Path config;

  @Mixin SurveillanceOptions surveillanceOptions;

  @Mixin MqttOptions mqttOptions;

  /** {@code auto} or {@code off}, as the flag says; anything else is refused. */
  static boolean passthrough(String value) {
    return switch (value) {
      case "auto" -> true;
      case "off" -> false;
      default ->
          throw new IllegalArgumentException(
              "--h264-passthrough: " + value + " (expected: auto or off)");
    };
  }

  @Override
  public Integer call() throws Exception {
    if (config != null) {
      if (spec.commandLine().getParseResult().matchedOptions().size() > 1) {
        throw new CommandFailure(
            "--config takes every setting from the file: give no other option with it");
      }
      return CamerasFromFile.serve(config, spec.commandLine().getOut());
    }
    Camera.Builder builder = builder();
    MqttConnection mqtt = mqttOptions.configure(builder);
    Camera camera;
    try {
      camera = builder.start();
    } catch (IllegalStateException e) {
      MqttOptions.close(mqtt);
      throw refusedWithoutCredentials(e);
    } catch (IllegalArgumentException e) {
      MqttOptions.close(mqtt);
      throw new CommandFailure(e.getMessage(), e);
    }
    // Closing the camera stops the source, then finishes the segment being written; the MQTT
    // connection closes after it, so the end of an event goes out before "offline".
    CountDownLatch stopped =
        Serving.onExit(
            () -> {
              camera.close();
              MqttOptions.close(mqtt);
            });
    AuthFile auth = camera.auth();
    Optional<String> noHangup = Hangup.install(() -> reloadFiles(auth));
    if (noHangup.isPresent() && auth != null) {
      LOG.log(
          System.Logger.Level.WARNING,
          "cannot receive SIGHUP ("
              + noHangup.get()
              + "): the auth file is read again only when it changes");
    }
    Serving.announce(spec.commandLine().getOut(), camera.address());
    stopped.await();
    return 0;
  }

  /** The one sentence for a camera asked to listen beyond this machine without credentials. */
  CommandFailure refusedWithoutCredentials(IllegalStateException e) {
    // The only refusal the builder words as a state: no credentials beyond this machine.
    return new CommandFailure(
        "refusing to serve the camera on "
            + host
            + " without credentials: create a user with 'socketkit camera passwd FILE USER'"
            + " and start with --auth-file FILE (or add --insecure to let anyone watch)",
        e);
  }

  /**
   * The camera and server settings these options describe, MQTT aside: reads the auth file, the
   * keystore and a source's password file, and refuses a bad value with one sentence.
   *
   * @throws CommandFailure for a bad value or a file that cannot be read
   */
  Camera.Builder builder() {
    Camera.Builder builder = Camera.builder();
    FrameSize frameSize = parseSize(size);
    try {
      builder
          .host(host)
          .port(port)
          .source(source)
          .size(frameSize.width(), frameSize.height())
          .fps(fps)
          .quality(quality)
          .h264Bitrate(h264Bitrate)
          .h264Passthrough(passthrough(h264Passthrough))
          .name(name)
          .maxViewers(maxViewers)
          .maxConnectionsPerClient(maxConnectionsPerClient)
          .writeDeadline(parseDuration("--write-deadline", writeDeadline))
          .insecure(insecure)
          .metricsPublic(metricsPublic)
          .maxFrameSize((int) Math.min(maxFrameSize, Integer.MAX_VALUE));
      for (String allowed : allowedHosts) {
        builder.allowedHost(allowed);
      }
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
    if (source.startsWith("ffmpeg:") && !onPath("ffmpeg")) {
      throw new CommandFailure(
          "ffmpeg is not installed (Debian: apt-get install ffmpeg); install it or choose another --source");
    }
    FrameSource withPassword =
        SourceCredentials.source(
            source,
            sourcePasswordFile,
            System.getenv(),
            quality,
            (int) Math.min(maxFrameSize, Integer.MAX_VALUE));
    if (withPassword != null) {
      builder.source(withPassword);
    }
    AuthFile auth = authFile != null ? loadAuth(authFile) : null;
    if (auth != null) {
      builder.auth(auth);
    }
    if (tlsKeystore != null) {
      builder.tls(sslContext(tlsKeystore, tlsPassword()));
    }
    try {
      surveillanceOptions.configure(builder);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
    return builder;
  }

  /**
   * What SIGHUP does: reads the auth file again now and logs one line, the number of users or why
   * the file was not taken (the last good reading then stays in force). Files the camera reads
   * later (a cameras file) join here. Runs on the JVM's signal dispatcher thread; never throws.
   *
   * @param auth the camera's users, or null when it has none (SIGHUP then changes nothing, and does
   *     not stop the camera as the JVM's default would)
   */
  void reloadFiles(AuthFile auth) {
    if (auth == null) {
      LOG.log(System.Logger.Level.INFO, "SIGHUP: no --auth-file, nothing to read again");
      return;
    }
    try {
      int users = auth.reload();
      LOG.log(
          System.Logger.Level.INFO,
          "SIGHUP: read the auth file " + authFile + " again: " + users + " user(s)");
    } catch (IOException | RuntimeException e) {
      LOG.log(
          System.Logger.Level.WARNING,
          "SIGHUP: kept the last good auth file, since "
              + authFile
              + " cannot be read again: "
              + e.getMessage());
    }
  }

  static AuthFile loadAuth(Path file) {
    try {
      return AuthFile.load(file);
    } catch (NoSuchFileException e) {
      throw new CommandFailure(
          "no such auth file: "
              + file
              + " (create it with: socketkit camera passwd "
              + file
              + " USER)",
          e);
    } catch (IOException e) {
      throw new CommandFailure("cannot read the auth file " + file + ": " + e.getMessage(), e);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }

  private char[] tlsPassword() {
    if (tlsPasswordFile != null) {
      try {
        String text = Files.readString(tlsPasswordFile, StandardCharsets.UTF_8);
        int end = text.indexOf('\n');
        return (end < 0 ? text : text.substring(0, end)).strip().toCharArray();
      } catch (IOException e) {
        throw new CommandFailure(
            "cannot read the keystore password file " + tlsPasswordFile + ": " + e.getMessage(), e);
      }
    }
    String fromEnv = System.getenv(tlsPasswordEnv);
    if (fromEnv == null) {
      throw new CommandFailure(
          "--tls-keystore needs its password: give --tls-password-file FILE or set the environment variable "
              + tlsPasswordEnv);
    }
    return fromEnv.toCharArray();
  }

  static SSLContext sslContext(Path keystore, char[] password) {
    try (InputStream in = Files.newInputStream(keystore)) {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(in, password);
      KeyManagerFactory keys =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys.getKeyManagers(), null, null);
      return context;
    } catch (NoSuchFileException e) {
      throw new CommandFailure("no such keystore: " + keystore, e);
    } catch (IOException | GeneralSecurityException e) {
      throw new CommandFailure(
          "cannot use the keystore "
              + keystore
              + " (wrong password, or not a PKCS#12 file): "
              + e.getMessage(),
          e);
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  /** A {@code --size} value: the width and height in pixels. */
  record FrameSize(int width, int height) {}

  static FrameSize parseSize(String text) {
    Matcher m = Pattern.compile("(\\d{1,5})[xX](\\d{1,5})").matcher(text.strip());
    if (!m.matches()) {
      throw new CommandFailure("--size: '" + text + "' (expected: WIDTHxHEIGHT, e.g. 640x480)");
    }
    return new FrameSize(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
  }

  /** {@code 10s}, {@code 500ms}, {@code 30m}, {@code 1h}, {@code 7d}, or plain seconds. */
  static Duration parseDuration(String option, String text) {
    Matcher m =
        Pattern.compile("(\\d{1,9})(ms|s|m|h|d)?").matcher(text.strip().toLowerCase(Locale.ROOT));
    if (!m.matches() || Long.parseLong(m.group(1)) == 0) {
      throw new CommandFailure(
          option
              + ": '"
              + text
              + "' (expected: a positive duration such as 500ms, 10s, 30m, 1h, 7d)");
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "s" : m.group(2);
    return switch (unit) {
      case "ms" -> Duration.ofMillis(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofSeconds(n);
    };
  }

  static boolean onPath(String program) {
    String path = System.getenv("PATH");
    if (path == null) {
      return false;
    }
    for (String dir : path.split(File.pathSeparator, -1)) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
        return true;
      }
    }
    return false;
  }

  /** {@code socketkit camera passwd FILE USER}: sets a user's password in the auth file. */
  @Command(
      name = "passwd",
      mixinStandardHelpOptions = true,
      description = {
        "Sets USER's password in FILE (created if missing, readable by you only).",
        "The password is read without echo from the terminal, or as one line from stdin."
      })
  static final class Passwd implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "The auth file.")
    Path file;

    @Parameters(index = "1", paramLabel = "USER", description = "The user name.")
    String user;

    @Override
    public Integer call() throws IOException {
      char[] password = readPassword();
      try {
        AuthFile.setPassword(file, user, password);
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(e.getMessage(), e);
      } finally {
        Arrays.fill(password, '\0');
      }
      spec.commandLine().getOut().println("set the password of " + user + " in " + file);
      spec.commandLine().getOut().flush();
      return 0;
    }

    /**
     * The console when standard input is a terminal, else null. On JDK 22+ {@code System.console()}
     * is never null, so {@code Console.isTerminal()} (JDK 22) is asked when it exists.
     */
    @SuppressWarnings("SystemConsoleNull") // handled: isTerminal() is asked where it exists
    private static Console terminal() {
      Console console = System.console();
      if (console == null) {
        return null;
      }
      try {
        Object terminal = Console.class.getMethod("isTerminal").invoke(console);
        return Boolean.TRUE.equals(terminal) ? console : null;
      } catch (ReflectiveOperationException e) {
        return console; // JDK 17-21: a console exists only for a terminal
      }
    }

    private static char[] readPassword() throws IOException {
      Console console = terminal();
      if (console != null) {
        char[] first = console.readPassword("Password: ");
        char[] again = console.readPassword("Again: ");
        if (first == null || again == null) {
          throw new CommandFailure("no password given");
        }
        boolean same = Arrays.equals(first, again);
        Arrays.fill(again, '\0');
        if (!same) {
          Arrays.fill(first, '\0');
          throw new CommandFailure("the two passwords differ; nothing was changed");
        }
        return first;
      }
      BufferedReader in =
          new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      if (line == null || line.isEmpty()) {
        throw new CommandFailure("no password on stdin (give it as one line)");
      }
      return line.toCharArray();
    }
  }

  /**
   * {@code socketkit camera token --auth-file F [--ttl 1h] [--user U] [--path P]...}: prints a
   * signed, expiring, read-only link token for the given paths (by default the live view).
   */
  @Command(
      name = "token",
      mixinStandardHelpOptions = true,
      description = {
        "Prints a token for signed links: http://HOST:PORT/stream.mjpg?token=TOKEN",
        "works without a password until it expires (for an <img> in another page)."
      })
  static final class Token implements Callable<Integer> {
    @Spec CommandSpec spec;

    @Option(
        names = "--auth-file",
        required = true,
        description = "The camera's auth file (holds the signing secret).")
    Path authFile;

    @Option(
        names = "--ttl",
        defaultValue = "1h",
        description =
            "How long the link works: 30m, 1h, 7d ... at most 365d (default: ${DEFAULT-VALUE}).")
    String ttl;

    @Option(
        names = "--user",
        description = "The user the link acts for (default: the first user of the auth file).")
    String user;

    @Option(
        names = "--path",
        paramLabel = "PATH",
        description =
            "A path the link opens, read-only (repeatable; a trailing * opens a prefix, e.g."
                + " '/recordings*'; default: /, /index.html, /stream.mjpg, /stream.mp4, /hls/*, /snapshot.jpg,"
                + " /state).")
    List<String> paths = new ArrayList<>();

    @Option(
        names = "--url",
        description = "Print this URL with ?token= added instead of the bare token.")
    String url;

    @Override
    public Integer call() {
      AuthFile auth = loadAuth(authFile);
      String who = user == null ? auth.users().get(0) : user;
      if (!auth.users().contains(who)) {
        throw new CommandFailure(
            "no user '"
                + who
                + "' in "
                + authFile
                + " (users: "
                + String.join(", ", auth.users())
                + ")");
      }
      Duration lifetime = parseDuration("--ttl", ttl);
      if (lifetime.compareTo(AuthFile.MAX_TOKEN_TTL) > 0) {
        throw new CommandFailure("--ttl " + ttl + " is longer than the limit of 365 days");
      }
      String token;
      try {
        token =
            auth.makeToken(who, lifetime, paths.isEmpty() ? AuthFile.DEFAULT_TOKEN_PATHS : paths);
      } catch (IllegalArgumentException e) {
        throw new CommandFailure(e.getMessage(), e);
      }
      String line = url == null ? token : url + (url.contains("?") ? "&" : "?") + "token=" + token;
      spec.commandLine().getOut().println(line);
      spec.commandLine().getOut().flush();
      return 0;
    }
  }
}
