package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.Pictures;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.RawHttpClient;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code socketkit camera} with the source password apart from {@code --source}: it is never in the
 * camera's command line, its {@code /state}, its log lines or a child's environment.
 */
// SEPARATE_THREAD: a test blocked reading a child's stdout is not interruptible, so only running
// it in another thread makes the timeout end it.
@Timeout(value = 120, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CameraSourcePasswordTest {
  private static final String PASSWORD = "pw-4c7e/9@x";

  @TempDir Path dir;

  private ServerProcess camera;

  @AfterEach
  void stopCamera() throws InterruptedException {
    if (camera != null) {
      camera.close();
    }
  }

  @Test
  void theRelayTakesThePasswordFromTheEnvironmentAndShowsItNowhere() throws Exception {
    byte[] jpeg;
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      jpeg = encoder.encode(new Pictures(80, 60).testPattern(1, Instant.EPOCH, ""));
    }
    String expected =
        "Basic "
            + Base64.getEncoder()
                .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    try (ServerSocket upstream = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
      List<String> heads = new CopyOnWriteArrayList<>();
      Thread serving = new Thread(() -> serve(upstream, expected, jpeg, heads), "upstream");
      serving.setDaemon(true);
      serving.start();
      String source = "http://alice@127.0.0.1:" + upstream.getLocalPort() + "/stream.mjpg";
      int port = start(Map.of(SourceCredentials.ENVIRONMENT, PASSWORD), "--source", source);

      String state =
          Await.value(
              Duration.ofSeconds(30),
              () -> {
                String body = state(port);
                return body.contains("\"running\"") ? body : null;
              },
              () -> "the relay running; heads " + heads + ", stderr " + camera.stderr());
      assertThat(heads).allMatch(head -> head.contains("Authorization: " + expected));
      assertThat(state).doesNotContain(PASSWORD).doesNotContain("4c7e");
      assertThat(camera.handle().info().arguments().map(List::of).orElse(List.of()))
          .noneMatch(argument -> argument.contains("4c7e"));
      assertThat(camera.stderr()).noneMatch(line -> line.contains("4c7e"));
    }
  }

  @Test
  void ffmpegChildrenNeverSeeThePasswordFileOrVariableInTheirEnvironment() throws Exception {
    Path bin = Files.createDirectories(dir.resolve("bin"));
    Path seen = dir.resolve("environment");
    Path program = bin.resolve("ffmpeg");
    // A stand-in for ffmpeg that records its environment, prints its arguments and fails.
    Files.writeString(
        program, "#!/bin/sh\nenv > '" + seen + "'\necho \"$@\" >&2\nsleep 1\nexit 1\n");
    assertThat(program.toFile().setExecutable(true)).isTrue();
    Path passwordFile = dir.resolve("source-password");
    Files.writeString(passwordFile, PASSWORD + "\n");

    int port =
        start(
            Map.of(
                "PATH",
                bin + java.io.File.pathSeparator + System.getenv("PATH"),
                SourceCredentials.ENVIRONMENT,
                "from-the-environment-" + PASSWORD),
            "--source",
            "ffmpeg:-i rtsp://alice@127.0.0.1:9/stream",
            "--source-password-file",
            passwordFile.toString());

    String state =
        Await.value(
            Duration.ofSeconds(30),
            () -> {
              String body = state(port);
              return body.contains("exited with code 1") ? body : null;
            },
            () -> "the stand-in ffmpeg ran and failed; stderr " + camera.stderr());
    assertThat(state).doesNotContain("4c7e").contains("rtsp://***@127.0.0.1:9/stream");
    String environment = Files.readString(seen);
    assertThat(environment).doesNotContain("4c7e").doesNotContain("SOCKETKIT_");
    assertThat(environment).contains("PATH=");
    assertThat(camera.stderr()).noneMatch(line -> line.contains("4c7e"));
  }

  /** Starts the camera with extra environment variables; returns its port. */
  private int start(Map<String, String> environment, String... args) throws IOException {
    List<String> all =
        new ArrayList<>(List.of("camera", "--port", "0", "--size", "80x60", "--fps", "5"));
    all.addAll(List.of(args));
    camera = ServerProcess.start(environment, all.toArray(String[]::new));
    return camera.port();
  }

  private static String state(int port) throws IOException {
    try (RawHttpClient client = new RawHttpClient(port)) {
      client.send("GET /state HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      return client.read().text();
    }
  }

  /** An MJPEG upstream that answers 401 unless the request carries {@code expected}. */
  private static void serve(ServerSocket server, String expected, byte[] jpeg, List<String> heads) {
    while (!server.isClosed()) {
      try (Socket client = server.accept()) {
        String head = readHead(client.getInputStream());
        heads.add(head);
        OutputStream out = client.getOutputStream();
        if (!head.contains("\r\nAuthorization: " + expected + "\r\n")) {
          out.write(
              String.join("\r\n", "HTTP/1.1 401 Unauthorized", "Content-Length: 0", "", "")
                  .getBytes(StandardCharsets.US_ASCII));
          continue;
        }
        out.write(
            String.join(
                    "\r\n",
                    "HTTP/1.1 200 OK",
                    "Content-Type: multipart/x-mixed-replace; boundary=FRAME",
                    "Connection: close",
                    "",
                    "")
                .getBytes(StandardCharsets.US_ASCII));
        while (true) {
          out.write(
              ("--FRAME\r\nContent-Type: image/jpeg\r\nContent-Length: " + jpeg.length + "\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
          out.write(jpeg);
          out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
          out.flush();
          TimeUnit.MILLISECONDS.sleep(50); // pacing a live camera, not synchronisation
        }
      } catch (IOException e) {
        // the relay went away, or the test is over
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static String readHead(InputStream in) throws IOException {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        break;
      }
      head.write(b);
    }
    return head.toString(StandardCharsets.ISO_8859_1);
  }
}
