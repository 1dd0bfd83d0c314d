package dev.socketkit.camera;

import static dev.socketkit.camera.CameraServerTest.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.camera.internal.JpegEncoder;
import dev.socketkit.camera.internal.Pictures;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.RefusingPort;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several cameras in one {@link CameraServer}, over real loopback sockets: their paths, the grid, a
 * failing camera that slows no other, and cameras added and removed while others are watched.
 */
@Timeout(120)
class MultiCameraTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static Camera.Builder camera(String name, String source) {
    return Camera.builder().name(name).source(source).size(160, 120).fps(20).quality(70);
  }

  private static int port(CameraServer server) {
    return ((InetSocketAddress) server.address()).getPort();
  }

  private Path jpegFolder() throws Exception {
    Path folder = Files.createDirectories(dir.resolve("yard"));
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      for (int i = 0; i < 3; i++) {
        Files.write(
            folder.resolve("img" + i + ".jpg"),
            encoder.encode(new Pictures(64, 48).testPattern(i * 10L, Instant.EPOCH, "")));
      }
    }
    return folder;
  }

  private static JsonNode cameras(int port) throws Exception {
    CameraServerTest.Response response = get(port, "/cameras");
    assertThat(response.code()).isEqualTo(200);
    return JSON.readTree(response.body()).get("cameras");
  }

  /** What {@code probe} gives, or why it failed: for the description of an unmet condition. */
  private static String quietly(Await.Probe<?> probe) {
    try {
      return String.valueOf(probe.get());
    } catch (Exception e) {
      return e.toString();
    }
  }

  /** Distinct X-Timestamp values among the next {@code parts} parts of {@code reader}. */
  private static int distinctFrames(MjpegClient reader, int parts) throws Exception {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < parts; i++) {
      seen.add(reader.next().headers().get("X-Timestamp"));
    }
    return seen.size();
  }

  @Test
  void servesEachCameraUnderItsNameAndTheFirstAtTheSingleCameraPaths() throws Exception {
    try (RefusingPort refusing = RefusingPort.open();
        CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      server.add(camera("front", "test"));
      server.add(camera("yard", "dir:" + jpegFolder()));
      server.add(
          camera("gate", "http://127.0.0.1:" + refusing.port() + "/stream.mjpg")
              .stallTimeout(Duration.ofSeconds(1)));
      int port = port(server);

      JsonNode list = cameras(port);
      assertThat(list).hasSize(3);
      List<String> paths = new ArrayList<>();
      list.forEach(camera -> paths.add(camera.get("path").asText()));
      assertThat(paths).containsExactly("/cameras/front/", "/cameras/yard/", "/cameras/gate/");

      try (MjpegClient front = MjpegClient.open("127.0.0.1", port, "/cameras/front/stream.mjpg");
          MjpegClient yard = MjpegClient.open("127.0.0.1", port, "/cameras/yard/stream.mjpg")) {
        assertThat(front.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(distinctFrames(front, 10)).isEqualTo(10);
        assertThat(distinctFrames(yard, 10)).isEqualTo(10);
        // Both formats of every camera are written by the server's one loop thread.
        assertThat(
                Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("camera-fanout"))
                    .count())
            .isEqualTo(1);
      }
      assertThat(JSON.readTree(get(port, "/cameras/yard/state").body()).get("name").asText())
          .isEqualTo("yard");
      assertThat(JSON.readTree(get(port, "/state").body()).get("name").asText())
          .as("the single-camera paths mean the first camera")
          .isEqualTo("front");
      assertThat(get(port, "/cameras/yard/snapshot.jpg").headers())
          .containsEntry("content-type", "image/jpeg");

      // The failing camera is named by /readyz, and the others keep their rate meanwhile.
      Await.until(
          Duration.ofSeconds(30),
          () -> get(port, "/readyz").text().strip().equals("not ready: gate"),
          () -> "/readyz names the failing camera: " + quietly(() -> get(port, "/readyz").text()));
      assertThat(get(port, "/readyz").code()).isEqualTo(503);
      // Between attempts it shows "restarting" (each attempt is "running" for a moment).
      Await.until(
          Duration.ofSeconds(20),
          () -> cameras(port).get(2).get("status").asText().equals("restarting"),
          () -> "the failing camera restarting: " + quietly(() -> cameras(port)));
      Await.until(
          Duration.ofSeconds(20),
          () -> cameras(port).get(0).get("fpsCaptured").asDouble() >= 18,
          () ->
              "the test pattern keeps 20 fps beside a failing camera: "
                  + quietly(() -> cameras(port)));
    }
  }

  @Test
  void pathsGridRedirectsAndUnknownCameras() throws Exception {
    try (CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      int port = port(server);
      assertThat(get(port, "/stream.mjpg").code())
          .as("no camera yet: the camera paths answer 503")
          .isEqualTo(503);
      assertThat(get(port, "/healthz").code()).isEqualTo(200);
      server.add(camera("front", "test"));
      server.add(camera("back", "test"));
      assertThat(get(port, "/").text()).contains("socketkit cameras");
      assertThat(get(port, "/cameras/back/").text()).contains("<title>back</title>");
      CameraServerTest.Response redirect = get(port, "/cameras/back?token=abc");
      assertThat(redirect.code()).isEqualTo(301);
      assertThat(redirect.headers()).containsEntry("location", "/cameras/back/?token=abc");
      assertThat(get(port, "/cameras/nobody/state").code()).isEqualTo(404);
      // Hostile names reach no camera and are never echoed back.
      for (String path :
          List.of(
              "/cameras//state",
              "/cameras/../state",
              "/cameras/%2e%2e/state",
              "/cameras/front/../back/state",
              "/cameras/<script>/state",
              "/cameras/" + "x".repeat(5000) + "/state")) {
        CameraServerTest.Response response = get(port, path);
        assertThat(response.code()).as(path).isIn(400, 404, 414, 431);
        assertThat(response.text()).doesNotContain("<script>", "xxxxxxxx");
      }
      CameraServerTest.Response byQuery = get(port, "/recordings?camera=back");
      assertThat(byQuery.code()).isEqualTo(302);
      assertThat(byQuery.headers()).containsEntry("location", "/cameras/back/recordings");
      assertThat(get(port, "/cameras").headers()).containsEntry("content-type", "application/json");
      assertThatThrownBy(() -> server.add(camera("front", "test")))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("front");
    }
  }

  @Test
  void addingAndRemovingCamerasLeavesTheOthersViewersStreaming() throws Exception {
    try (CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      server.add(camera("front", "test"));
      server.add(camera("yard", "test"));
      int port = port(server);
      try (MjpegClient viewer = MjpegClient.open("127.0.0.1", port, "/cameras/front/stream.mjpg")) {
        assertThat(distinctFrames(viewer, 5)).isEqualTo(5);
        try (MjpegClient removed =
            MjpegClient.open("127.0.0.1", port, "/cameras/yard/stream.mjpg")) {
          removed.next();
          assertThat(server.remove("yard")).isTrue();
          // The removed camera's viewer is disconnected: its stream ends.
          assertThatThrownBy(
                  () -> {
                    for (int i = 0; i < 100; i++) {
                      removed.next();
                    }
                  })
              .isInstanceOf(java.io.IOException.class);
        }
        server.add(camera("porch", "test"));
        assertThat(get(port, "/cameras/yard/state").code()).isEqualTo(404);
        assertThat(get(port, "/metrics").text())
            .as("/metrics reports the cameras served, by name")
            .contains("camera=\"front\"", "camera=\"porch\"")
            .doesNotContain("camera=\"yard\"");
        assertThat(get(port, "/cameras/porch/state").code()).isEqualTo(200);
        // The first camera's viewer never noticed.
        assertThat(distinctFrames(viewer, 10)).isEqualTo(10);
      }
      assertThat(server.remove("yard")).isFalse();
    }
  }

  @Test
  void theGridShowsEveryCameraInChromium(@TempDir Path profile) throws Exception {
    try (CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      server.add(camera("front", "test"));
      server.add(camera("yard", "dir:" + jpegFolder()));
      server.add(camera("porch", "test"));
      try (PagePlaybackTest.Browser browser =
          PagePlaybackTest.Browser.open(profile, "http://127.0.0.1:" + port(server) + "/")) {
        String loaded =
            "(() => { const images = [...document.querySelectorAll('a.tile img')];"
                + " return images.length + ':' + images.every(i => i.complete && i.naturalWidth > 0)"
                + " + ':' + document.querySelectorAll('a.tile.live').length; })()";
        Await.until(
            Duration.ofSeconds(40),
            () -> "3:true:3".equals(browser.evaluate(loaded)),
            () -> "three live tiles with pictures: " + browser.evaluateQuietly(loaded));
        assertThat(browser.evaluate("document.querySelector('a.tile').getAttribute('href')"))
            .as("a click opens the camera's page")
            .isEqualTo("cameras/front/");
        assertThat(PagePlaybackTest.meanBrightness(browser.screenshot()))
            .as("the grid's screenshot")
            .isGreaterThan(20);
      }
    }
  }

  @Test
  void aLinkTokenCanBeScopedToOneCamera() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    String token = auth.makeToken("alice", Duration.ofHours(1), List.of("/cameras/front/*"));
    try (CameraServer server = CameraServer.start(Camera.builder().port(0).auth(auth))) {
      server.add(camera("front", "test"));
      server.add(camera("back", "test"));
      int port = port(server);
      assertThat(get(port, "/cameras/front/state?token=" + token).code()).isEqualTo(200);
      assertThat(get(port, "/cameras/back/state?token=" + token).code()).isEqualTo(401);
      assertThat(get(port, "/state?token=" + token).code())
          .as("the first camera's unprefixed paths are other paths")
          .isEqualTo(401);
      assertThat(get(port, "/cameras/front/state").code()).isEqualTo(401);
    }
  }

  @Test
  void aCameraWhoseMotionProgramHangsSlowsNoOther() throws Exception {
    Path sleep = dev.socketkit.testkit.Tools.require("sleep");
    // Seven grey levels at least 35 apart, in turn: motion detection samples the 20 fps stream at
    // 5 fps, and with fewer pictures (two: every fourth frame is the same one) it would see none.
    Path flicker = Files.createDirectories(dir.resolve("flicker"));
    int[] greys = {0, 250, 40, 210, 80, 170, 125};
    try (JpegEncoder encoder = new JpegEncoder(60)) {
      for (int i = 0; i < greys.length; i++) {
        java.awt.image.BufferedImage image =
            new java.awt.image.BufferedImage(160, 120, java.awt.image.BufferedImage.TYPE_3BYTE_BGR);
        java.awt.Graphics graphics = image.getGraphics();
        graphics.setColor(new java.awt.Color(greys[i], greys[i], greys[i]));
        graphics.fillRect(0, 0, 160, 120);
        graphics.dispose();
        Files.write(flicker.resolve("img" + i + ".jpg"), encoder.encode(image));
      }
    }
    try (CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      server.add(
          camera("busy", "dir:" + flicker)
              .motion(MotionSettings.defaults())
              .onMotionStart(sleep + " 60")
              .hookTimeout(Duration.ofSeconds(8))); // hangs past the checks below, not for ever
      server.add(camera("calm", "test"));
      int port = port(server);
      try (MjpegClient busy = MjpegClient.open("127.0.0.1", port, "/cameras/busy/stream.mjpg");
          MjpegClient calm = MjpegClient.open("127.0.0.1", port, "/cameras/calm/stream.mjpg")) {
        Await.until(
            Duration.ofSeconds(30),
            () -> {
              busy.next();
              calm.next();
              return ProcessHandle.current()
                  .descendants()
                  .anyMatch(p -> p.info().command().map(c -> c.endsWith("sleep")).orElse(false));
            },
            () -> "the busy camera's motion program runs (and hangs)");
        // While it hangs, both cameras go on: the calm one at its rate.
        assertThat(distinctFrames(busy, 10)).isEqualTo(10);
        assertThat(distinctFrames(calm, 20)).isEqualTo(20);
        Await.until(
            Duration.ofSeconds(20),
            () -> {
              calm.next();
              busy.next();
              return cameras(port).get(1).get("fpsCaptured").asDouble() >= 18;
            },
            () -> "the calm camera keeps 20 fps: " + quietly(() -> cameras(port)));
      }
    }
  }

  @Test
  void twoCamerasCannotShareARecordDirectory() throws Exception {
    Path recordings = dir.resolve("recordings");
    try (CameraServer server = CameraServer.start(Camera.builder().port(0))) {
      server.add(
          camera("front", "test")
              .recording(
                  RecordingSettings.builder(RecordMode.CONTINUOUS, recordings)
                      .format(RecordFormat.AVI)
                      .build()));
      // The same directory, spelt another way, even for a camera that only lists it.
      assertThatThrownBy(
              () ->
                  server.add(
                      camera("back", "test")
                          .recording(
                              RecordingSettings.builder(
                                      RecordMode.OFF, dir.resolve("x/../recordings"))
                                  .build())))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "its record directory "
                  + recordings.toAbsolutePath().normalize()
                  + " is camera front's already; give each camera a record-dir of its own");
      server.add(
          camera("back", "test")
              .recording(
                  RecordingSettings.builder(RecordMode.CONTINUOUS, dir.resolve("back"))
                      .format(RecordFormat.AVI)
                      .build()));
      assertThat(cameras(port(server))).hasSize(2);
      server.remove("front");
      server.add(
          camera("side", "test")
              .recording(RecordingSettings.builder(RecordMode.OFF, recordings).build()));
      assertThat(server.cameras()).extracting(Camera::name).containsExactly("back", "side");
    }
  }
}
