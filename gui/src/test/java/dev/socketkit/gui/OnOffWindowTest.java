package dev.socketkit.gui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * End to end: the real window under Xvfb, against the project's select echo server on loopback. The
 * window runs in a child JVM ({@link WindowDriver}) whose DISPLAY is the Xvfb started here, so this
 * test JVM needs no display of its own. Without Xvfb it is skipped, or fails on CI, whose {@code
 * .ci/run} installs it ({@code Tools.require}).
 */
@Timeout(120)
class OnOffWindowTest {
  private static final Duration DEADLINE = Duration.ofSeconds(60);

  @Test
  void spaceOnTheFocusedButtonSendsOnThenOffAndTheLabelShowsTheirEchoes() throws Exception {
    Path xvfb = Tools.require("Xvfb"); // Debian package xvfb

    try (RunningEchoServer server = new RunningEchoServer();
        Child display =
            Child.start(
                List.of(
                    xvfb.toString(),
                    "-displayfd",
                    "1",
                    "-screen",
                    "0",
                    "640x480x24",
                    "-nolisten",
                    "tcp"),
                null)) {
      String number = display.nextLine();
      assertThat(number).as("Xvfb's display number").matches("\\d+");

      List<String> java =
          List.of(
              Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
              "-Djava.awt.headless=false",
              "-cp",
              System.getProperty("java.class.path"),
              WindowDriver.class.getName(),
              server.address().getAddress().getHostAddress(),
              Integer.toString(server.address().getPort()));
      String hostPort = "127.0.0.1:" + server.address().getPort();
      try (Child window = Child.start(java, ":" + number)) {
        assertThat(window.nextLine()).isEqualTo("title socketkit ON/OFF — " + hostPort);
        assertThat(window.nextLine()).isEqualTo("status connected to " + hostPort);
        assertThat(window.nextLine()).isEqualTo("focus on the button");
        assertThat(window.nextLine()).isEqualTo("button OFF off-colour");
        assertThat(window.nextLine()).isEqualTo("label ON");
        assertThat(window.nextLine()).isEqualTo("button ON on-colour");
        assertThat(window.nextLine()).isEqualTo("label OFF");
        assertThat(window.nextLine()).isEqualTo("button OFF off-colour");
        assertThat(window.nextLine()).isEqualTo("closed");
        assertThat(window.nextLine()).isEqualTo("socket closed");
        assertThat(window.exitCode()).isZero();
      }
      // The echo server got each press of Space as one line.
      assertThat(server.received()).isEqualTo("ON\nOFF\n");
    }
  }

  /** A child process whose stdout lines are collected; stderr is kept to explain failures. */
  private static final class Child implements AutoCloseable {
    private final Process process;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());

    private Child(Process process) {
      this.process = process;
      pump(
          new BufferedReader(
              new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8)),
          lines::add);
      pump(
          new BufferedReader(
              new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8)),
          errors::add);
    }

    static Child start(List<String> command, String display) throws IOException {
      ProcessBuilder builder = new ProcessBuilder(command);
      if (display != null) {
        builder.environment().put("DISPLAY", display);
      }
      return new Child(builder.start());
    }

    private static void pump(BufferedReader reader, java.util.function.Consumer<String> sink) {
      Thread thread =
          new Thread(
              () -> {
                try (reader) {
                  String line;
                  while ((line = reader.readLine()) != null) {
                    sink.accept(line);
                  }
                } catch (IOException ignored) {
                  // The process was destroyed: its pipes close.
                }
              },
              "child-output");
      thread.setDaemon(true);
      thread.start();
    }

    String nextLine() throws InterruptedException {
      String line = lines.poll(DEADLINE.toSeconds(), TimeUnit.SECONDS);
      assertThat(line)
          .as("next line of %s; its stderr: %s", process.info().command(), errors)
          .isNotNull();
      return line;
    }

    int exitCode() throws InterruptedException {
      assertThat(process.waitFor(DEADLINE.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
      return process.exitValue();
    }

    @Override
    public void close() {
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }
}
