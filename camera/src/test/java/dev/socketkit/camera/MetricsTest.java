package dev.socketkit.camera;

import static dev.socketkit.camera.CameraServerTest.get;
import static dev.socketkit.camera.CameraServerTest.port;
import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.CameraServerTest.Response;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /metrics}, {@code /healthz} and {@code /readyz} over real loopback sockets. */
@Timeout(90)
class MetricsTest {
  private static final String CAMERA = "camera=\"test <camera>\"";

  @TempDir Path dir;

  /** The value of the sample {@code series} (name and labels as written) in a scrape, or -1. */
  static double sample(String scrape, String series) {
    for (String line : scrape.split("\n", -1)) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim().split(" ", -1)[0]);
      }
    }
    return -1;
  }

  static String scrape(int port, String... headers) throws IOException {
    Response response = get(port, "/metrics", headers);
    assertThat(response.code()).as(response.text()).isEqualTo(200);
    return response.text();
  }

  @Test
  void countersMoveWithTheFramesTheViewersAndTheResponses() throws Exception {
    try (Camera camera = CameraServerTest.camera().start()) {
      int port = port(camera);
      Response first = get(port, "/metrics");
      assertThat(first.code()).isEqualTo(200);
      assertThat(first.headers())
          .containsEntry("content-type", "text/plain; version=0.0.4; charset=utf-8");
      assertThat(sample(first.text(), "socketkit_camera_viewers{" + CAMERA + ",format=\"mjpeg\"}"))
          .isZero();
      assertThat(first.text())
          .contains("jvm_memory_used_bytes")
          .contains("jvm_threads_current")
          .as("deadlock detection stops every thread at each scrape")
          .doesNotContain("jvm_threads_deadlocked");

      try (MjpegClient viewer = MjpegClient.open("127.0.0.1", port, "/stream.mjpg")) {
        for (int i = 0; i < 5; i++) {
          viewer.next();
        }
        String watched = scrape(port);
        assertThat(sample(watched, "socketkit_camera_viewers{" + CAMERA + ",format=\"mjpeg\"}"))
            .isEqualTo(1);
        assertThat(sample(watched, "socketkit_camera_source_up{" + CAMERA + "}")).isEqualTo(1);
        double frames = sample(watched, "socketkit_camera_frames_captured_total{" + CAMERA + "}");
        assertThat(frames).isPositive();
        Await.until(
            Duration.ofSeconds(10),
            () ->
                sample(scrape(port), "socketkit_camera_frames_captured_total{" + CAMERA + "}")
                    > frames,
            () -> "frames captured grows past " + frames);
        assertThat(
                sample(
                    scrape(port),
                    "socketkit_camera_sent_bytes_total{" + CAMERA + ",format=\"mjpeg\"}"))
            .isPositive();
      }
      // A viewer that left takes nothing back: the counters only grow.
      double sent = sample(scrape(port), "socketkit_camera_frames_sent_total{" + CAMERA + "}");
      assertThat(sent).isGreaterThanOrEqualTo(5);
      Await.until(
          Duration.ofSeconds(10),
          () ->
              sample(scrape(port), "socketkit_camera_viewers{" + CAMERA + ",format=\"mjpeg\"}")
                  == 0,
          () -> "the viewer is gone");
      assertThat(sample(scrape(port), "socketkit_camera_frames_sent_total{" + CAMERA + "}"))
          .isGreaterThanOrEqualTo(sent);

      assertThat(get(port, "/no-such-page").code()).isEqualTo(404);
      String after = scrape(port);
      assertThat(sample(after, "socketkit_http_responses_total{code=\"404\"}")).isEqualTo(1);
      assertThat(sample(after, "socketkit_http_responses_total{code=\"200\"}")).isPositive();
    }
  }

  @Test
  void answersOpenMetricsWhenTheScraperAsksForIt() throws Exception {
    try (Camera camera = CameraServerTest.camera().start()) {
      Response response =
          get(
              port(camera),
              "/metrics",
              "Accept: application/openmetrics-text;version=1.0.0;q=0.75,text/plain;q=0.5");
      assertThat(response.headers().get("content-type")).startsWith("application/openmetrics-text");
      assertThat(response.text()).endsWith("# EOF\n");
    }
  }

  @Test
  void metricsNeedCredentialsUnlessPublicButTheProbesNeverDo() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    String basic =
        "Authorization: Basic "
            + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
    try (Camera camera = CameraServerTest.camera().auth(auth).start()) {
      int port = port(camera);
      assertThat(get(port, "/metrics").code()).isEqualTo(401);
      assertThat(get(port, "/metrics", basic).code()).isEqualTo(200);
      String token = auth.makeToken("alice", Duration.ofHours(1), List.of("/metrics"));
      assertThat(get(port, "/metrics?token=" + token).code()).isEqualTo(200);
      assertThat(get(port, "/state?token=" + token).code()).isEqualTo(401);
      Response health = get(port, "/healthz");
      assertThat(health.code()).isEqualTo(200);
      assertThat(health.text()).isEqualTo("ok\n");
      Response ready = get(port, "/readyz");
      assertThat(ready.code()).as(ready.text()).isEqualTo(200);
      assertThat(ready.text()).isEqualTo("ok\n");
    }
    try (Camera camera = CameraServerTest.camera().auth(auth).metricsPublic(true).start()) {
      int port = port(camera);
      assertThat(get(port, "/metrics").code()).isEqualTo(200);
      assertThat(get(port, "/state").code()).as("only /metrics is public").isEqualTo(401);
    }
  }

  @Test
  void readyzNamesACameraWhoseSourceFails() throws Exception {
    FrameSource failing =
        new FrameSource() {
          @Override
          public String describe() {
            return "a source that always fails";
          }

          @Override
          public void run(FrameHub hub) throws Exception {
            throw new IOException("no camera here");
          }
        };
    try (Camera camera = CameraServerTest.camera().source(failing).start()) {
      int port = port(camera);
      Await.until(
          Duration.ofSeconds(10),
          () -> camera.sourceStatus().restarts() > 0,
          () -> "the source failed once");
      Response ready = get(port, "/readyz");
      assertThat(ready.code()).isEqualTo(503);
      assertThat(ready.text()).isEqualTo("not ready: test <camera>\n");
      assertThat(get(port, "/healthz").code()).isEqualTo(200);
      String scrape = scrape(port);
      assertThat(sample(scrape, "socketkit_camera_source_restarts_total{" + CAMERA + "}"))
          .isPositive();
    }
  }

  @Test
  void promtoolFindsNothingWrongWithTheMetrics() throws Exception {
    Path promtool = Tools.require("promtool");
    try (Camera camera =
        CameraServerTest.camera()
            .motion(MotionSettings.defaults())
            .onMotionStart("true")
            .recording(RecordingSettings.builder(RecordMode.CONTINUOUS, dir).build())
            .start()) {
      int port = port(camera);
      try (MjpegClient viewer = MjpegClient.open("127.0.0.1", port, "/stream.mjpg")) {
        viewer.next();
      }
      get(port, "/no-such-page");
      String scrape = scrape(port);
      assertThat(scrape)
          .contains("socketkit_camera_motion_events_total{")
          .contains("socketkit_camera_recorded_bytes_total{")
          .contains("socketkit_camera_record_disk_free_bytes{");
      Process check =
          new ProcessBuilder(promtool.toString(), "check", "metrics")
              .redirectErrorStream(true)
              .start();
      check.getOutputStream().write(scrape.getBytes(StandardCharsets.UTF_8));
      check.getOutputStream().close();
      String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
      assertThat(check.exitValue()).as(output).isZero();
    }
  }
}
