package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.RawHttpClient;
import dev.socketkit.testkit.RefusingPort;
import dev.socketkit.testkit.Tools;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code socketkit camera --config FILE} as a process: three cameras from one file (the test
 * pattern, a folder, an ffmpeg lavfi source) and a fourth that fails; SIGHUP adds and removes
 * cameras without dropping a viewer of an unchanged one, and a broken file changes nothing.
 */
// SEPARATE_THREAD: a test blocked reading a child's stdout is not interruptible, so only running
// it in another thread makes the timeout end it.
@Timeout(value = 180, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class CamerasConfigTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void threeCamerasAFailingOneAndReloadsThatKeepTheViewersOfTheOthers() throws Exception {
    Tools.require("ffmpeg");
    Path kill = Tools.require("kill");
    Path folder = Files.createDirectories(dir.resolve("yard"));
    for (int i = 0; i < 3; i++) {
      BufferedImage image = new BufferedImage(64, 48, BufferedImage.TYPE_3BYTE_BGR);
      image.getGraphics().fillRect(0, 0, 16 * (i + 1), 48);
      ImageIO.write(image, "jpeg", folder.resolve("img" + i + ".jpg").toFile());
    }
    try (RefusingPort refusing = RefusingPort.open()) {
      String cameras =
          """
          cameras:
            - name: front
              source: test
              size: 160x120
              fps: 20
            - name: yard
              source: dir:%s
              fps: 10
            - name: lavfi
              source: ffmpeg:-f lavfi -i testsrc=size=160x120:rate=10
              fps: 10
          """
              .formatted(folder);
      Path config = dir.resolve("cameras.yaml");
      Files.writeString(
          config,
          "server:\n  port: 0\n"
              + cameras
              + "  - name: gate\n    source: http://127.0.0.1:"
              + refusing.port()
              + "/stream.mjpg\n");
      try (ServerProcess server = ServerProcess.start("camera", "--config", config.toString())) {
        int port = server.port();

        assertThat(names(port)).containsExactly("front", "yard", "lavfi", "gate");
        Await.until(
            Duration.ofSeconds(60),
            () -> get(port, "/readyz").equals("503 not ready: gate"),
            () -> "/readyz names the failing camera alone: " + quietly(port, "/readyz"));
        try (MjpegClient viewer =
            MjpegClient.open("127.0.0.1", port, "/cameras/front/stream.mjpg")) {
          // With a viewer each (the test pattern and a folder rest while nobody watches), the
          // working
          // cameras keep their rates beside the failing one.
          try (MjpegClient yard =
              MjpegClient.open("127.0.0.1", port, "/cameras/yard/stream.mjpg")) {
            Await.until(
                Duration.ofSeconds(30),
                () -> {
                  viewer.next();
                  yard.next();
                  return fps(port, "front") >= 18
                      && fps(port, "yard") >= 9
                      && fps(port, "lavfi") >= 9;
                },
                () -> "the working cameras keep their rates: " + quietly(port, "/cameras"));
          }
          assertThat(distinctFrames(viewer, 5)).isEqualTo(5);

          // Add a fourth camera, drop the failing one, change the folder's rate.
          Files.writeString(
              config,
              "server:\n  port: 0\n"
                  + cameras.replace("fps: 10\n  - name: lavfi", "fps: 5\n  - name: lavfi")
                  + "  - name: porch\n    source: test\n    size: 160x120\n    fps: 10\n");
          server.hangup(kill);
          String line = server.awaitStderr("SIGHUP: read " + config, Duration.ofSeconds(30));
          assertThat(line).contains("2 camera(s) started, 2 stopped, 2 unchanged");
          assertThat(names(port)).containsExactly("front", "lavfi", "yard", "porch");
          Await.until(
              Duration.ofSeconds(30),
              () -> get(port, "/readyz").equals("200 ok"),
              () -> "every camera delivers after the reload: " + quietly(port, "/readyz"));
          assertThat(distinctFrames(viewer, 10))
              .as("the viewer of the unchanged camera keeps streaming")
              .isEqualTo(10);

          // A file that does not parse changes nothing.
          Files.writeString(config, "cameras:\n  - name: [broken\n");
          server.hangup(kill);
          server.awaitStderr("SIGHUP: kept the running cameras", Duration.ofSeconds(30));
          assertThat(names(port)).containsExactly("front", "lavfi", "yard", "porch");
          assertThat(distinctFrames(viewer, 3)).isEqualTo(3);
        }
      }
    }
  }

  @Test
  void aBadFileIsOneSentenceNamingTheLineAndNothingStarts() throws Exception {
    Path config = dir.resolve("cameras.yaml");
    Files.writeString(config, "server:\n  port: 0\ncameras:\n  - name: front\n    fsp: 30\n");
    String err = refused("camera", "--config", config.toString());
    assertThat(err.strip().lines().toList())
        .as("one sentence")
        .hasSize(1)
        .first()
        .asString()
        .contains("line 5")
        .contains("fsp");
  }

  @Test
  void aValueOnlyTheCommandChecksIsNamedWithItsCameraAndLine() throws Exception {
    Path config = dir.resolve("cameras.yaml");
    Files.writeString(
        config, "server:\n  port: 0\ncameras:\n  - name: front\n  - name: back\n    size: big\n");
    assertThat(refused("camera", "--config", config.toString()).strip())
        .contains("cameras.yaml line 5, camera back: ")
        .contains("--size");
  }

  @Test
  void twoCamerasRecordingIntoOneFolderAreRefused() throws Exception {
    Path config = dir.resolve("cameras.yaml");
    String camera =
        "    source: test\n    record: continuous\n    record-format: avi\n"
            + "    record-dir: "
            + dir.resolve("recordings")
            + "\n";
    Files.writeString(
        config,
        "server:\n  port: 0\ncameras:\n  - name: front\n" + camera + "  - name: back\n" + camera);
    assertThat(refused("camera", "--config", config.toString()))
        .contains("cameras.yaml line 9, camera back: cannot start: its record directory ")
        .contains(" is camera front's already; give each camera a record-dir of its own");
  }

  @Test
  void configTakesNoOtherOption() throws Exception {
    Path config = dir.resolve("cameras.yaml");
    Files.writeString(config, "cameras:\n  - name: front\n");
    assertThat(refused("camera", "--config", config.toString(), "--fps", "5"))
        .contains("--config takes every setting from the file");
  }

  /**
   * Runs {@code socketkit ARGS}, which must fail: it exits with a code other than zero and never
   * prints {@code listening on}. Returns what it wrote on stderr.
   */
  private static String refused(String... args) throws Exception {
    Process process = ServerProcess.command(List.of(args)).start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(err).isNotZero();
    assertThat(out).doesNotContain("listening on");
    return err;
  }

  private static List<String> names(int port) throws IOException {
    List<String> names = new ArrayList<>();
    cameras(port).forEach(camera -> names.add(camera.get("name").asText()));
    return names;
  }

  private static JsonNode cameras(int port) throws IOException {
    String body = get(port, "/cameras");
    assertThat(body).startsWith("200 ");
    return JSON.readTree(body.substring(4)).get("cameras");
  }

  private static double fps(int port, String name) throws IOException {
    for (JsonNode camera : cameras(port)) {
      if (camera.get("name").asText().equals(name)) {
        return camera.get("fpsCaptured").asDouble();
      }
    }
    return -1;
  }

  /** As {@link #get}, or why it failed: for the description of an unmet condition. */
  private static String quietly(int port, String path) {
    try {
      return get(port, path);
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** The status code, a space and the body of a GET. */
  private static String get(int port, String path) throws IOException {
    try (RawHttpClient client = new RawHttpClient(port)) {
      client.send("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
      RawHttpClient.Response response = client.read();
      return response.status() + " " + response.text().strip();
    }
  }

  private static int distinctFrames(MjpegClient reader, int parts) throws IOException {
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < parts; i++) {
      seen.add(reader.next().headers().get("X-Timestamp"));
    }
    return seen.size();
  }
}
