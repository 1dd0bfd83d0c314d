package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code socketkit ARGS...} as a child process on this test's class path: started, its port read
 * from its {@code listening on HOST:PORT} line, its stderr collected line by line, signalled, and
 * stopped. For the tests that need a real process: signals, the environment, the exit code.
 */
final class ServerProcess implements AutoCloseable {
  private final Process process;
  private final List<String> stderr = new ArrayList<>(); // guarded by itself
  private final int port;

  private ServerProcess(Process process) throws IOException {
    this.process = process;
    Thread drain =
        new Thread(
            () -> {
              try (BufferedReader err =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = err.readLine()) != null) {
                  synchronized (stderr) {
                    stderr.add(line);
                  }
                }
              } catch (IOException ignored) {
                // the process exited: nothing more to collect
              }
            },
            "server-stderr");
    drain.setDaemon(true);
    drain.start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    String listening = out.readLine();
    assertThat(listening)
        .as("the server's first line; stderr: %s", stderr())
        .startsWith("listening on 127.0.0.1:");
    this.port = Integer.parseInt(listening.substring(listening.lastIndexOf(':') + 1));
  }

  /** The command line of {@code socketkit ARGS...}: this JVM, this class path, {@link Main}. */
  static ProcessBuilder command(List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(Main.class.getName());
    command.addAll(args);
    return new ProcessBuilder(command);
  }

  /** Starts {@code socketkit ARGS...} and waits for its {@code listening on} line. */
  static ServerProcess start(String... args) throws IOException {
    return start(Map.of(), args);
  }

  /** As {@link #start(String...)}, run by {@code wrapper} (a program such as nohup). */
  static ServerProcess startUnder(Path wrapper, String... args) throws IOException {
    ProcessBuilder builder = command(List.of(args));
    builder.command().add(0, wrapper.toString());
    return new ServerProcess(builder.start());
  }

  /** As {@link #start(String...)}, with {@code environment} added to this process's. */
  static ServerProcess start(Map<String, String> environment, String... args) throws IOException {
    ProcessBuilder builder = command(List.of(args));
    builder.environment().putAll(environment);
    return new ServerProcess(builder.start());
  }

  /** The port it listens on. */
  int port() {
    return port;
  }

  /** The process, for what it was started with. */
  ProcessHandle handle() {
    return process.toHandle();
  }

  /** Whether it still runs. */
  boolean isAlive() {
    return process.isAlive();
  }

  /** Its stderr lines so far. */
  List<String> stderr() {
    synchronized (stderr) {
      return List.copyOf(stderr);
    }
  }

  /** Sends SIGHUP with {@code kill}, the program given. */
  void hangup(Path kill) throws Exception {
    Process signal =
        new ProcessBuilder(kill.toString(), "-HUP", Long.toString(process.pid())).start();
    assertThat(signal.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(signal.exitValue()).isZero();
  }

  /** The first stderr line containing {@code text}, waiting up to {@code timeout} for it. */
  String awaitStderr(String text, Duration timeout) throws Exception {
    return Await.value(
        timeout,
        () -> stderr().stream().filter(l -> l.contains(text)).findFirst().orElse(null),
        () -> "a line with '" + text + "' on the server's stderr: " + stderr());
  }

  /** Stops it with SIGTERM, then SIGKILL if it has not exited within 15 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
