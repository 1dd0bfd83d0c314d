package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.MisbehavingPeer;
import dev.socketkit.testkit.MjpegClient;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The camera server over real loopback sockets. */
@Timeout(90)
class CameraServerTest {
  @TempDir Path dir;

  static Camera.Builder camera() {
    return Camera.builder().port(0).size(160, 120).fps(20).quality(70).name("test <camera>");
  }

  static int port(Camera camera) {
    return ((InetSocketAddress) camera.address()).getPort();
  }

  /** One plain HTTP/1.1 GET, returning the whole response (the server closes or sends a length). */
  static Response get(int port, String path, String... headers) throws IOException {
    try (Socket socket = new Socket(java.net.InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      StringBuilder request =
          new StringBuilder(
              "GET " + path + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n");
      for (String header : headers) {
        request.append(header).append("\r\n");
      }
      socket
          .getOutputStream()
          .write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
      MjpegClient reader = new MjpegClient(socket);
      reader.readHead();
      byte[] body = reader.input().readAllBytes();
      return new Response(reader.statusLine(), reader.headers(), body);
    }
  }

  @SuppressWarnings("ArrayRecordComponent") // a test value
  record Response(String status, java.util.Map<String, String> headers, byte[] body) {
    int code() {
      return Integer.parseInt(status.split(" ", -1)[1]);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  @Test
  void streamsTheLecturesHeadersThenWellFormedPartsWithTimestamps() throws Exception {
    try (Camera camera = camera().start();
        MjpegClient reader = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
      assertThat(reader.statusLine()).isEqualTo("HTTP/1.1 200 OK");
      assertThat(reader.headers())
          .containsEntry("age", "0")
          .containsEntry("cache-control", "no-cache, private")
          .containsEntry("pragma", "no-cache")
          .containsEntry("content-type", "multipart/x-mixed-replace; boundary=FRAME");
      long previous = 0;
      for (int i = 0; i < 5; i++) {
        MjpegClient.Part part = reader.next();
        assertThat(part.headers()).containsEntry("Content-Type", "image/jpeg");
        assertThat(part.headers().get("X-Timestamp")).matches("\\d{10}\\.\\d{6}");
        long micros = Long.parseLong(part.headers().get("X-Timestamp").replace(".", ""));
        assertThat(micros).isGreaterThan(previous);
        previous = micros;
        assertThat(ImageIO.read(new ByteArrayInputStream(part.jpeg())).getWidth()).isEqualTo(160);
      }
    }
  }

  /**
   * Reads {@code count} parts and returns the mean spacing, in milliseconds, of their capture times
   * ({@code X-Timestamp}, stamped by the camera), checking that those only go forward. The camera's
   * clock, not the test's: a loaded machine delays delivery, not the stamps' spacing.
   */
  static double meanSpacingMillis(MjpegClient reader, int count) throws IOException {
    long first = 0;
    long previous = 0;
    for (int i = 0; i < count; i++) {
      long micros = Long.parseLong(reader.next().headers().get("X-Timestamp").replace(".", ""));
      assertThat(micros).as("part %d's capture time", i).isGreaterThan(previous);
      if (i == 0) {
        first = micros;
      }
      previous = micros;
    }
    return (previous - first) / 1000.0 / (count - 1);
  }

  @Test
  void framesArriveAtTheConfiguredRate() throws Exception {
    try (Camera camera = camera().fps(20).start();
        MjpegClient reader = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
      reader.next(); // the stream is running
      // 20 fps is 50 ms apart; the bounds (25 fps to 1 fps) catch only a rate that is clearly
      // wrong: a source not paced at all, or one that stopped. A slow machine stays inside them.
      assertThat(meanSpacingMillis(reader, 21)).isBetween(40.0, 1000.0);
    }
  }

  @Test
  void aViewerCapsItsOwnRateWithTheFpsParameter() throws Exception {
    try (Camera camera = camera().fps(20).start();
        MjpegClient reader = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg?fps=5")) {
      reader.next();
      // At most 5 a second is 200 ms apart, against 50 ms for the uncapped 20 fps; a slower
      // machine only spaces them further, so the bound has no upper end to trip over.
      assertThat(meanSpacingMillis(reader, 11)).isGreaterThanOrEqualTo(140.0);
      assertThat(get(port(camera), "/stream.mjpg?fps=zero").code()).isEqualTo(400);
    }
  }

  @Test
  void aStalledViewerIsCutOffWhileOthersKeepTheirRate() throws Exception {
    try (Camera camera =
        camera().size(640, 480).quality(95).writeDeadline(Duration.ofSeconds(1)).start()) {
      int port = port(camera);
      MisbehavingPeer stalled = MisbehavingPeer.neverReading(port);
      stalled.send("GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n");
      List<MjpegClient> live = new ArrayList<>();
      AtomicLong frames = new AtomicLong();
      for (int i = 0; i < 3; i++) {
        MjpegClient reader = MjpegClient.open("127.0.0.1", port, "/stream.mjpg");
        live.add(reader);
        Thread thread =
            new Thread(
                () -> {
                  try {
                    while (true) {
                      reader.next();
                      frames.incrementAndGet();
                    }
                  } catch (IOException e) {
                    // closed at the end
                  }
                });
        thread.setDaemon(true);
        thread.start();
      }
      SourcesTest.await(
          "4 viewers", Duration.ofSeconds(10), () -> camera.fanOut().viewerCount() == 4);
      SourcesTest.await(
          "the stalled viewer is cut off",
          Duration.ofSeconds(20),
          () -> camera.fanOut().viewerCount() == 3);
      long before = frames.get();
      SourcesTest.await(
          "live viewers keep receiving", Duration.ofSeconds(10), () -> frames.get() >= before + 30);
      // The stalled client sees its connection end once it finally reads.
      stalled.socket().setSoTimeout(15_000);
      InputStream in = stalled.socket().getInputStream();
      byte[] buffer = new byte[65536];
      long total = 0;
      try {
        for (int n; (n = in.read(buffer)) > 0; ) {
          total += n;
        }
      } catch (IOException e) {
        // a reset is an end too
      }
      assertThat(total).isPositive();
      stalled.close();
      for (MjpegClient reader : live) {
        reader.close();
      }
    }
  }

  @Test
  void oneViewerMoreThanTheCapGets503WithRetryAfter() throws Exception {
    try (Camera camera = camera().maxViewers(2).start();
        MjpegClient first = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg");
        MjpegClient second = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
      first.next();
      second.next();
      Response third = get(port(camera), "/stream.mjpg");
      assertThat(third.code()).isEqualTo(503);
      assertThat(third.headers()).containsKey("retry-after");
      assertThat(get(port(camera), "/snapshot.jpg").code())
          .as("other paths still work")
          .isEqualTo(200);
    }
  }

  @Test
  void servesThePageASnapshotAndTheStateAsJson() throws Exception {
    try (Camera camera = camera().start()) {
      Response page = get(port(camera), "/");
      assertThat(page.code()).isEqualTo(200);
      assertThat(page.text())
          .contains("stream.mjpg", "test &lt;camera&gt;")
          .doesNotContain("<camera>");
      assertThat(get(port(camera), "/index.html").text()).isEqualTo(page.text());
      Response snapshot = get(port(camera), "/snapshot.jpg");
      assertThat(snapshot.headers()).containsEntry("content-type", "image/jpeg");
      assertThat(ImageIO.read(new ByteArrayInputStream(snapshot.body())).getHeight())
          .isEqualTo(120);
      try (MjpegClient viewer = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
        viewer.next();
        SourcesTest.await(
            "a viewer in the state",
            Duration.ofSeconds(10),
            () -> camera.fanOut().viewerCount() == 1);
        Response state = get(port(camera), "/state");
        assertThat(state.headers().get("content-type")).startsWith("application/json");
        var json = new com.fasterxml.jackson.databind.ObjectMapper().readTree(state.body());
        assertThat(json.get("width").asInt()).isEqualTo(160);
        assertThat(json.get("source").get("status").asText()).isEqualTo("running");
        assertThat(json.get("viewerCount").asInt()).isEqualTo(1);
        assertThat(json.get("viewers").get(0).get("address").asText()).contains("127.0.0.1");
        assertThat(json.get("viewers").get(0).has("framesDropped")).isTrue();
      }
      assertThat(get(port(camera), "/nothing").code()).isEqualTo(404);
      try (java.net.Socket socket =
          new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port(camera))) {
        socket.setSoTimeout(10_000);
        socket
            .getOutputStream()
            .write(
                "HEAD /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        MjpegClient head = new MjpegClient(socket);
        head.readHead();
        assertThat(head.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(head.headers())
            .containsEntry("content-type", "multipart/x-mixed-replace; boundary=FRAME");
        assertThat(head.input().read()).as("no body after a HEAD").isEqualTo(-1);
      }
    }
  }

  @Test
  void withAnAuthFileEveryPathNeedsAPasswordOrAFreshToken() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    String basic =
        "Authorization: Basic "
            + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    String wrong =
        "Authorization: Basic "
            + Base64.getEncoder().encodeToString("alice:nope".getBytes(StandardCharsets.UTF_8));
    try (Camera camera = camera().auth(auth).start()) {
      int port = port(camera);
      for (String path : List.of("/", "/stream.mjpg", "/snapshot.jpg", "/state")) {
        Response denied = get(port, path);
        assertThat(denied.code()).as(path).isEqualTo(401);
        assertThat(denied.headers().get("www-authenticate")).startsWith("Basic realm=");
        assertThat(get(port, path, wrong).code()).as(path).isEqualTo(401);
      }
      assertThat(get(port, "/snapshot.jpg", basic).code()).isEqualTo(200);
      Response state = get(port, "/state", basic);
      assertThat(state.code()).isEqualTo(200);
      assertThat(state.text()).doesNotContain("secret");
      try (MjpegClient reader = MjpegClient.open("127.0.0.1", port, "/stream.mjpg", basic)) {
        assertThat(reader.statusLine()).contains("200");
        reader.next();
      }
      String token = auth.makeToken(Duration.ofSeconds(2));
      assertThat(get(port, "/snapshot.jpg?token=" + token).code()).isEqualTo(200);
      assertThat(get(port, "/snapshot.jpg?token=" + token + "x").code()).isEqualTo(401);
      SourcesTest.await(
          "the token expires",
          Duration.ofSeconds(10),
          () -> {
            try {
              return get(port, "/snapshot.jpg?token=" + token).code() == 401;
            } catch (IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          });
    }
  }

  @Test
  void theLogNeverShowsALinksToken() throws Exception {
    Path file = dir.resolve("users");
    AuthFile.setPassword(file, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(file);
    String token = auth.makeToken(Duration.ofMinutes(5));
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    java.io.PrintStream original = System.err;
    System.setErr(new java.io.PrintStream(log, true, StandardCharsets.UTF_8));
    try (Camera camera = camera().auth(auth).start()) {
      int port = port(camera);
      assertThat(get(port, "/state?token=" + token + "&x=1").code()).isEqualTo(200);
      // Outside the token's scope: refused, and logged like any request.
      assertThat(get(port, "/nowhere?token=" + token).code()).isEqualTo(401);
      SourcesTest.await(
          "both requests are logged",
          Duration.ofSeconds(10),
          () -> log.toString(StandardCharsets.UTF_8).contains("/nowhere"));
    } finally {
      System.setErr(original);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("/state?token=***&x=1", "/nowhere?token=***");
    assertThat(text).doesNotContain(token, token.substring(token.indexOf('.') + 1));
  }

  @Test
  void refusesToListenBeyondThisMachineWithoutCredentials() {
    assertThatThrownBy(() -> camera().host("0.0.0.0").start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without credentials")
        .hasMessageNotContaining("--"); // the library names no command-line flag
  }

  @Test
  void aSourceThatFailsShowsNoSignalToConnectedViewersAndTellsTheState() throws Exception {
    try (Camera camera = camera().source("dir:" + dir.resolve("missing")).start();
        MjpegClient reader = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
      MjpegClient.Part part = reader.next();
      assertThat(ImageIO.read(new ByteArrayInputStream(part.jpeg())).getWidth()).isEqualTo(160);
      SourcesTest.await(
          "the error", Duration.ofSeconds(10), () -> camera.sourceStatus().lastError() != null);
      assertThat(get(port(camera), "/state").text()).contains("no such folder");
      reader.next(); // still connected: NO SIGNAL frames keep coming
    }
  }
}
