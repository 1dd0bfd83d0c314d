package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.FfmpegSource;
import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.MjpegRelaySource;
import dev.socketkit.camera.internal.Pictures;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.testkit.Await;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source password given apart from the URL (issue 13, finding 8): the relay sends it only in the
 * Authorization header, ffmpeg gets it in its input URL, and neither the source's description, its
 * errors nor any log line shows it.
 */
@Timeout(60)
class SourcePasswordTest {
  /** Holds every character the redaction finds hard: a slash, an at sign, a colon, a space. */
  private static final String PASSWORD = "s3cr/et@p:w rd";

  @TempDir Path dir;

  private final List<String> logLines = new CopyOnWriteArrayList<>();
  private final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logLines.add(record.getMessage() + " " + record.getThrown());
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };

  @BeforeEach
  void captureLogs() {
    Logger.getLogger("").addHandler(capture);
  }

  @AfterEach
  void stopCapturing() {
    Logger.getLogger("").removeHandler(capture);
  }

  /** An MJPEG server that answers 401 unless the request carries {@code expected}. */
  private static final class Upstream implements AutoCloseable {
    final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    final List<String> heads = new CopyOnWriteArrayList<>();
    final Thread thread;

    Upstream(String expected, byte[] jpeg) throws IOException {
      thread =
          new Thread(
              () -> {
                while (!server.isClosed()) {
                  try (Socket client = server.accept()) {
                    String head = readHead(client.getInputStream());
                    heads.add(head);
                    OutputStream out = client.getOutputStream();
                    if (!head.contains("\r\nAuthorization: " + expected + "\r\n")) {
                      out.write(
                          String.join(
                                  "\r\n",
                                  "HTTP/1.1 401 Unauthorized",
                                  "Content-Length: 0",
                                  "Connection: close",
                                  "",
                                  "")
                              .getBytes(StandardCharsets.US_ASCII));
                      continue;
                    }
                    out.write(
                        ("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;"
                                + " boundary=FRAME\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
                    for (int i = 0; i < 1000; i++) {
                      out.write(
                          ("--FRAME\r\nContent-Type: image/jpeg\r\nContent-Length: "
                                  + jpeg.length
                                  + "\r\n\r\n")
                              .getBytes(StandardCharsets.US_ASCII));
                      out.write(jpeg);
                      out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    }
                  } catch (IOException e) {
                    // the relay went away, or the test is over
                  }
                }
              },
              "upstream");
      thread.setDaemon(true);
      thread.start();
    }

    String url(String userInfo) {
      return "http://" + userInfo + "@127.0.0.1:" + server.getLocalPort() + "/stream.mjpg";
    }

    @Override
    public void close() throws IOException {
      server.close();
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

  private static byte[] jpeg() throws IOException {
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      return encoder.encode(new Pictures(80, 60).testPattern(1, Instant.EPOCH, ""));
    }
  }

  private static String basic(String user, String password) {
    return "Basic "
        + Base64.getEncoder()
            .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
  }

  private static SourceSupervisor supervise(FrameSource source, FrameHub hub) {
    return new SourceSupervisor(source, hub, 80, 60, 70, Duration.ofSeconds(10));
  }

  @Test
  void theRelayAuthenticatesWithTheSeparatePasswordInTheHeaderAlone() throws Exception {
    try (Upstream upstream = new Upstream(basic("alice", PASSWORD), jpeg())) {
      FrameHub hub = new FrameHub();
      MjpegRelaySource source =
          new MjpegRelaySource(upstream.url("alice"), 1 << 20, PASSWORD.toCharArray());
      try (SourceSupervisor relay = supervise(source, hub)) {
        relay.start();
        Await.until(
            Duration.ofSeconds(20),
            () -> relay.status().state() == SourceState.RUNNING && hub.latest() != null,
            () -> "frames relayed; status " + relay.status() + ", heads " + upstream.heads);
        assertThat(upstream.heads.get(0)).startsWith("GET /stream.mjpg HTTP/1.1\r\n");
        assertThat(String.valueOf(relay.status())).doesNotContain(PASSWORD, "s3cr");
      }
    }
    assertThat(logLines).noneMatch(line -> line.contains("s3cr"));
  }

  @Test
  void aWrongPasswordIsReportedWithoutShowingIt() throws Exception {
    try (Upstream upstream = new Upstream(basic("alice", "another"), jpeg())) {
      FrameHub hub = new FrameHub();
      MjpegRelaySource source =
          new MjpegRelaySource(upstream.url("alice"), 1 << 20, PASSWORD.toCharArray());
      try (SourceSupervisor relay = supervise(source, hub)) {
        relay.start();
        String error =
            Await.value(Duration.ofSeconds(20), () -> relay.status().lastError(), () -> "an error");
        assertThat(error).contains("401").doesNotContain("s3cr");
        assertThat(String.valueOf(relay.status())).doesNotContain("s3cr");
      }
    }
    assertThat(logLines).isNotEmpty().noneMatch(line -> line.contains("s3cr"));
  }

  @Test
  void aSeparatePasswordNeedsAUrlNamingOnlyItsUser() {
    assertThatThrownBy(
            () -> new MjpegRelaySource("http://cam/stream.mjpg", 1 << 20, "pw".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("needs a user in the URL");
    assertThatThrownBy(
            () ->
                new MjpegRelaySource(
                    "http://alice:old@cam/stream.mjpg", 1 << 20, "pw".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("has a password already")
        .hasMessageNotContaining("old");
    assertThatThrownBy(
            () -> new FfmpegSource("ffmpeg", "-i rtsp://cam/stream", 80, "pw".toCharArray()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("exactly one input URL naming its user");
  }

  @Test
  void ffmpegGetsThePasswordInItsUrlAndNeverShowsIt() throws Exception {
    // A stand-in for ffmpeg that prints what it was given, as ffmpeg does on a failed input.
    Path program = dir.resolve("ffmpeg");
    Files.writeString(
        program, "#!/bin/sh\necho \"$@\" >&2\necho \"password was: s3cr/et@p:w rd\" >&2\nexit 1\n");
    assertThat(program.toFile().setExecutable(true)).isTrue();
    FfmpegSource source =
        new FfmpegSource(
            program.toString(),
            "-rtsp_transport tcp -i rtsp://alice@127.0.0.1:9/stream",
            80,
            PASSWORD.toCharArray());

    List<String> command = source.command();
    String encoded = "s3cr%2Fet%40p%3Aw%20rd";
    assertThat(command).contains("rtsp://alice:" + encoded + "@127.0.0.1:9/stream");
    assertThat(source.describe()).doesNotContain("s3cr").contains("rtsp://***@127.0.0.1:9/");

    FrameHub hub = new FrameHub();
    try (SourceSupervisor supervisor = supervise(source, hub)) {
      supervisor.start();
      String error =
          Await.value(
              Duration.ofSeconds(20), () -> supervisor.status().lastError(), () -> "an error");
      assertThat(error).contains("exited with code 1").doesNotContain("s3cr");
      assertThat(String.valueOf(supervisor.status())).doesNotContain("s3cr");
    }
    List<String> all = new ArrayList<>(logLines);
    assertThat(all).noneMatch(line -> line.contains("s3cr"));
  }
}
