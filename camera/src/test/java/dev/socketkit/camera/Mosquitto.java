package dev.socketkit.camera;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real mosquitto broker for a test, on a free loopback port, with a configuration of its own in a
 * temporary directory: anonymous, or with a password file made by {@code mosquitto_passwd}. It can
 * be stopped and started again on the same port. Not thread-safe; close it.
 */
final class Mosquitto implements AutoCloseable {
  private final Path directory;
  private final Path config;
  private final int port;
  private Process process;

  private Mosquitto(Path directory, Path config, int port) {
    this.directory = directory;
    this.config = config;
    this.port = port;
  }

  /** A broker letting anyone in; started. */
  static Mosquitto anonymous(Path directory) throws Exception {
    return start(directory, List.of("allow_anonymous true"));
  }

  /** A broker letting in only {@code user} with {@code password}; started. */
  static Mosquitto withPassword(Path directory, String user, String password) throws Exception {
    Path passwords = directory.resolve("passwords");
    Process made =
        new ProcessBuilder(
                Tools.require("mosquitto_passwd").toString(),
                "-b",
                "-c",
                passwords.toString(),
                user,
                password)
            .redirectErrorStream(true)
            .redirectOutput(directory.resolve("mosquitto_passwd.log").toFile())
            .start();
    if (!made.waitFor(30, TimeUnit.SECONDS) || made.exitValue() != 0) {
      throw new IOException("mosquitto_passwd failed");
    }
    return start(directory, List.of("allow_anonymous false", "password_file " + passwords));
  }

  private static Mosquitto start(Path directory, List<String> access) throws Exception {
    Tools.require("mosquitto");
    int port;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = free.getLocalPort();
    }
    List<String> lines = new ArrayList<>();
    lines.add("listener " + port + " 127.0.0.1");
    lines.add("persistence false"); // a restart loses the retained messages, as a fresh broker
    // Run as root (in CI), mosquitto would switch to its own user, who cannot read this directory.
    lines.add("user " + System.getProperty("user.name"));
    lines.addAll(access);
    Path config = directory.resolve("mosquitto.conf");
    Files.write(config, lines, StandardCharsets.UTF_8);
    Mosquitto broker = new Mosquitto(directory, config, port);
    broker.start();
    return broker;
  }

  /** Starts the broker (again) and waits until it accepts connections. */
  void start() throws Exception {
    process =
        new ProcessBuilder(Tools.require("mosquitto").toString(), "-c", config.toString())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(directory.resolve("log").toFile()))
            .start();
    Await.until(Duration.ofSeconds(20), this::accepts, () -> "mosquitto listens on " + port);
  }

  private boolean accepts() throws IOException {
    if (!process.isAlive()) {
      throw new IOException(
          "mosquitto exited: "
              + Files.readString(directory.resolve("log"), StandardCharsets.UTF_8));
    }
    try {
      new Socket(InetAddress.getLoopbackAddress(), port).close();
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops the broker and waits until it has exited. */
  void stop() throws InterruptedException {
    if (process != null && process.isAlive()) {
      process.destroy();
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  int port() {
    return port;
  }

  /** {@code mqtt://127.0.0.1:PORT}. */
  String url() {
    return "mqtt://127.0.0.1:" + port;
  }

  @Override
  public void close() {
    try {
      stop();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
