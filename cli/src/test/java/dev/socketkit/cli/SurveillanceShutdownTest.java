package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.recording.AviFile;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** SIGTERM to {@code socketkit camera --record continuous} finishes the segment being written. */
@Timeout(90)
class SurveillanceShutdownTest {
  @TempDir Path dir;

  @Test
  void sigtermFinishesTheSegmentBeingWritten() throws Exception {
    Path recordings = dir.resolve("rec");
    Process camera =
        new ProcessBuilder(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                Main.class.getName(),
                "camera",
                "--port",
                "0",
                "--size",
                "160x120",
                "--fps",
                "10",
                "--motion",
                "--record",
                "continuous",
                "--record-dir",
                recordings.toString(),
                "--record-format",
                "avi") // the format with an index to finish
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(
              new InputStreamReader(camera.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).startsWith("listening on 127.0.0.1:");
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            assertThat(camera.isAlive()).isTrue();
            return synced(recordings);
          },
          () -> "a segment is being written");
      camera.destroy(); // SIGTERM, as systemctl stop and Ctrl-C
      assertThat(camera.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      camera.destroyForcibly();
    }
    List<Segments.Segment> segments = new Segments(recordings).list();
    assertThat(segments).hasSize(1);
    AviFile.Info info = AviFile.inspect(segments.get(0).file());
    assertThat(info.finished()).as("closed with its index, not left for repair").isTrue();
    assertThat(info.frames()).isGreaterThanOrEqualTo(10);
  }

  private static boolean synced(Path recordings) throws IOException {
    for (Segments.Segment s : new Segments(recordings).list()) {
      try {
        if (AviFile.inspect(s.file()).frames() >= 10) {
          return true;
        }
      } catch (IOException ignored) {
        // The header is not written yet: not ready.
      }
    }
    return false;
  }
}
