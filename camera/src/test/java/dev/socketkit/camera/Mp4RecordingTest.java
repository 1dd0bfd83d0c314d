package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.recording.Ffprobe;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera recording H.264 in fragmented MP4: by default when ffmpeg has libx264, read back by
 * ffprobe, fetched in parts as a browser's {@code <video>} does, and readable after {@code kill
 * -9}.
 */
@Timeout(180)
class Mp4RecordingTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsFfmpeg() {
    Tools.require("ffmpeg");
    Tools.require("ffprobe");
  }

  @Test
  void recordsMp4ByDefaultThatFfprobeReadsAndAVideoElementFetchesInParts() throws Exception {
    Path recordings = dir.resolve("rec");
    try (Camera camera =
        Camera.builder()
            .port(0)
            .size(160, 120)
            .fps(10)
            .name("door")
            .recording(
                RecordingSettings.builder(RecordMode.CONTINUOUS, recordings)
                    .segment(Duration.ofSeconds(2))
                    .build())
            .start()) {
      assertThat(camera.surveillance().recorder().format()).isEqualTo(RecordFormat.MP4);
      Await.until(
          Duration.ofSeconds(60),
          () -> camera.surveillance().recorder().segmentsFinished() >= 1,
          () -> "a segment finished");
      Segments.Segment segment = new Segments(recordings).list().get(0);
      assertThat(segment.name()).startsWith("door-").endsWith(".mp4");
      Ffprobe.Result probe = Ffprobe.probe(segment.file());
      assertThat(probe.codec()).isEqualTo("h264");
      assertThat(probe.width()).isEqualTo(160);
      assertThat(probe.frames()).isEqualTo(segment.inspect().frames()).isGreaterThanOrEqualTo(15);

      int port = CameraServerTest.port(camera);
      String path = "/recordings/" + segment.name();
      CameraServerTest.Response part = CameraServerTest.get(port, path, "Range: bytes=0-99");
      assertThat(part.code()).isEqualTo(206);
      assertThat(part.headers())
          .containsEntry("content-type", "video/mp4")
          .containsEntry("content-range", "bytes 0-99/" + Files.size(segment.file()));
      assertThat(part.body()).hasSize(100);
      assertThat(new String(part.body(), 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");

      CameraServerTest.Response page = CameraServerTest.get(port, path + "/play");
      assertThat(page.text()).contains("<video", "src=\"../../recordings/" + segment.name() + "\"");
      assertThat(CameraServerTest.get(port, "/recordings.json").text())
          .contains("\"format\" : \"mp4\"");
    }
  }

  @Test
  void aSegmentCutByKill9IsReadableUpToItsLastFragment() throws Exception {
    Path recordings = dir.resolve("rec");
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                RecordingCamera.class.getName(),
                recordings.toString())
            .redirectErrorStream(true)
            .start();
    AtomicInteger framesBeforeKill = new AtomicInteger();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("recording");
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            assertThat(child.isAlive()).as("the camera process is alive").isTrue();
            List<Segments.Segment> segments = new Segments(recordings).list();
            if (segments.isEmpty()) {
              return false;
            }
            framesBeforeKill.set(segments.get(0).inspect().frames());
            return framesBeforeKill.get() >= 20;
          },
          () -> "two seconds recorded");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    List<Segments.Segment> segments = new Segments(recordings).list();
    assertThat(segments).hasSize(1);
    Ffprobe.Result probe = Ffprobe.probe(segments.get(0).file());
    assertThat(probe.codec()).isEqualTo("h264");
    assertThat(probe.frames()).isGreaterThanOrEqualTo(framesBeforeKill.get());
  }

  /** A camera recording MP4 continuously until it is killed. Argument: the record directory. */
  static final class RecordingCamera {
    private RecordingCamera() {}

    public static void main(String[] args) throws IOException, InterruptedException {
      Camera camera =
          Camera.builder()
              .port(0)
              .size(160, 120)
              .fps(10)
              .name("killed")
              .recording(
                  RecordingSettings.builder(RecordMode.CONTINUOUS, Path.of(args[0]))
                      .format(RecordFormat.MP4)
                      .build())
              .start();
      System.out.println("recording");
      System.out.flush();
      Thread.sleep(TimeUnit.MINUTES.toMillis(5)); // until killed; the camera is never closed
      camera.close();
    }
  }
}
