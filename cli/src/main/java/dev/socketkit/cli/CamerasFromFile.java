package dev.socketkit.cli;

import dev.socketkit.camera.AuthFile;
import dev.socketkit.camera.Camera;
import dev.socketkit.camera.CameraServer;
import dev.socketkit.camera.MqttConnection;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;

/**
 * {@code socketkit camera --config FILE}: one server for the cameras a {@link CamerasFile} names,
 * and SIGHUP to read it again. A camera's settings are the camera command's own options, parsed by
 * picocli from the file's keys, so a file means exactly what the same flags mean.
 *
 * <p>Reloading compares each camera's arguments with the running ones: a camera whose arguments are
 * unchanged is not touched (its viewers stay connected), a changed one is stopped and started
 * again, a new one started, a missing one stopped. The auth file is read again. Server settings
 * (host, port, TLS, MQTT) take effect at the next start, and a reload that changes them says so. A
 * file that does not load is refused with one log line, and the running cameras stay. Reloads run
 * one at a time on their own thread, never on the JVM's signal thread.
 */
final class CamerasFromFile {
  private static final System.Logger LOG = System.getLogger(CamerasFromFile.class.getName());

  private final Path file;
  private final CameraServer server;
  private final MqttConnection mqtt;
  private final AuthFile auth;
  private final Object reloading = new Object();
  private Map<String, List<String>> running; // camera name -> its arguments; under reloading
  private CamerasFile current; // under reloading

  private CamerasFromFile(
      Path file, CameraServer server, MqttConnection mqtt, AuthFile auth, CamerasFile loaded) {
    this.file = file;
    this.server = server;
    this.mqtt = mqtt;
    this.auth = auth;
    this.current = loaded;
  }

  /**
   * Reads {@code file}, starts the server and every camera, prints {@code listening on HOST:PORT},
   * and serves until Ctrl-C or SIGTERM.
   *
   * @throws CommandFailure with one sentence when the file does not load or a camera cannot start
   *     (nothing is left running then)
   */
  static int serve(Path file, PrintWriter out) throws InterruptedException {
    CamerasFromFile serving = start(file);
    CountDownLatch stopped = Serving.onExit(serving::close);
    Hangup.install(serving::reloadLater)
        .ifPresent(
            why ->
                LOG.log(
                    Level.WARNING,
                    "cannot receive SIGHUP (" + why + "): restart to read " + file + " again"));
    Serving.announce(out, serving.server.address());
    stopped.await();
    return 0;
  }

  /** Reads {@code file} and starts what it names; for tests and {@link #serve}. */
  static CamerasFromFile start(Path file) {
    CamerasFile loaded = read(file);
    CameraCommand serverOptions = options(file, loaded.serverArgs(), 0, "server");
    Camera.Builder settings = serverOptions.builder();
    List<Camera.Builder> cameras = builders(file, loaded);
    MqttConnection mqtt = null;
    if (!loaded.mqttArgs().isEmpty()) {
      mqtt = options(file, loaded.mqttArgs(), 0, "mqtt").mqttOptions.configure(settings);
    }
    CameraServer server;
    try {
      server = CameraServer.start(settings);
    } catch (IllegalStateException e) {
      MqttOptions.close(mqtt);
      throw serverOptions.refusedWithoutCredentials(e);
    } catch (IOException | RuntimeException e) {
      MqttOptions.close(mqtt);
      throw new CommandFailure("cannot start the server: " + e.getMessage(), e);
    }
    CamerasFromFile serving = new CamerasFromFile(file, server, mqtt, server.auth(), loaded);
    try {
      for (int i = 0; i < cameras.size(); i++) {
        serving.add(loaded.cameras().get(i), cameras.get(i));
      }
    } catch (CommandFailure e) {
      serving.close();
      throw e;
    }
    serving.running = arguments(loaded);
    return serving;
  }

  /** The server, for tests. */
  CameraServer server() {
    return server;
  }

  private void add(CamerasFile.Entry entry, Camera.Builder builder) {
    try {
      server.add(builder.mqtt(mqtt));
    } catch (IOException | RuntimeException e) {
      throw new CommandFailure(where(file, entry) + "cannot start: " + e.getMessage(), e);
    }
  }

  private static CamerasFile read(Path file) {
    try {
      return CamerasFile.read(file);
    } catch (CamerasFile.Invalid e) {
      throw new CommandFailure(e.getMessage(), e);
    }
  }

  /** Each camera's settings, checked all before any starts. */
  private static List<Camera.Builder> builders(Path file, CamerasFile loaded) {
    List<Camera.Builder> builders = new java.util.ArrayList<>();
    for (CamerasFile.Entry entry : loaded.cameras()) {
      try {
        builders.add(options(file, entry.args(), entry.line(), entry.name()).builder());
      } catch (CommandFailure e) {
        // What picocli cannot check (a size, a duration, a range) is refused here: name the camera.
        throw new CommandFailure(where(file, entry) + e.getMessage(), e);
      }
    }
    return builders;
  }

  /** The camera command's options as {@code args} set them; the loader has checked them. */
  private static CameraCommand options(Path file, List<String> args, int line, String what) {
    CameraCommand options = new CameraCommand();
    try {
      // A value is the file's, as written: "@x" is not a file of more arguments.
      new CommandLine(options).setExpandAtFiles(false).parseArgs(args.toArray(String[]::new));
    } catch (CommandLine.ParameterException e) {
      throw new CommandFailure(
          file.getFileName()
              + (line > 0 ? " line " + line : "")
              + ", "
              + what
              + ": "
              + e.getMessage(),
          e);
    }
    return options;
  }

  private static String where(Path file, CamerasFile.Entry entry) {
    return file.getFileName() + " line " + entry.line() + ", camera " + entry.name() + ": ";
  }

  private static Map<String, List<String>> arguments(CamerasFile file) {
    Map<String, List<String>> byName = new LinkedHashMap<>();
    for (CamerasFile.Entry entry : file.cameras()) {
      byName.put(entry.name(), entry.args());
    }
    return byName;
  }

  /** What SIGHUP does: a reload on a thread of its own, so the signal thread returns at once. */
  private void reloadLater() {
    Thread thread = new Thread(this::reload, "camera-reload");
    thread.setDaemon(true);
    thread.start();
  }

  /**
   * Reads the file and the auth file again and applies the difference; logs what changed. A file
   * that does not load changes nothing. One reload at a time; never throws.
   */
  void reload() {
    synchronized (reloading) {
      reloadAuth();
      CamerasFile next;
      List<Camera.Builder> builders;
      try {
        next = CamerasFile.read(file);
        builders = builders(file, next);
      } catch (CamerasFile.Invalid | CommandFailure e) {
        LOG.log(Level.WARNING, "SIGHUP: kept the running cameras, since " + e.getMessage());
        return;
      }
      if (!next.serverArgs().equals(current.serverArgs())
          || !next.mqttArgs().equals(current.mqttArgs())) {
        LOG.log(
            Level.WARNING,
            "SIGHUP: the server and mqtt settings in "
                + file
                + " changed; they apply at a restart");
      }
      Map<String, List<String>> wanted = arguments(next);
      int stopped = 0;
      int started = 0;
      for (String name : List.copyOf(running.keySet())) {
        List<String> args = wanted.get(name);
        if (args == null || !args.equals(running.get(name))) {
          server.remove(name);
          running.remove(name);
          stopped++;
        }
      }
      for (int i = 0; i < next.cameras().size(); i++) {
        CamerasFile.Entry entry = next.cameras().get(i);
        if (running.containsKey(entry.name())) {
          continue;
        }
        try {
          add(entry, builders.get(i));
          running.put(entry.name(), entry.args());
          started++;
        } catch (CommandFailure e) {
          LOG.log(Level.WARNING, "SIGHUP: " + e.getMessage());
        }
      }
      current = next;
      LOG.log(
          Level.INFO,
          "SIGHUP: read "
              + file
              + " again: "
              + started
              + " camera(s) started, "
              + stopped
              + " stopped, "
              + (running.size() - started)
              + " unchanged");
    }
  }

  private void reloadAuth() {
    if (auth == null) {
      return;
    }
    try {
      LOG.log(Level.INFO, "SIGHUP: read the auth file again: " + auth.reload() + " user(s)");
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "SIGHUP: kept the last good auth file, since " + e.getMessage());
    }
  }

  /** Closes every camera and the server, then the MQTT connection (after the cameras' last OFF). */
  void close() {
    server.close();
    MqttOptions.close(mqtt);
  }
}
