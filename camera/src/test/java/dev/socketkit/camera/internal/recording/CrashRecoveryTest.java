package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import dev.socketkit.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code kill -9} during recording, then the next start repairs what was being written. */
@Timeout(90)
class CrashRecoveryTest {
  @TempDir Path dir;

  @Test
  void afterKill9FinishedSegmentsAreIntactAndTheInterruptedOneIsReadableAndRepaired()
      throws Exception {
    String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                RecordingChild.class.getName(),
                dir.toString())
            .redirectErrorStream(true)
            .start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
      assertThat(out.readLine()).isEqualTo("recording");
      // Wait until two segments are finished and the third has been synced at least once.
      Await.until(
          Duration.ofSeconds(60),
          () -> {
            assertThat(child.isAlive()).as("the recording process is alive").isTrue();
            return readyToKill();
          },
          () -> "segments recorded in time");
    } finally {
      child.destroyForcibly(); // SIGKILL: no shutdown hook, no close
      child.waitFor(30, TimeUnit.SECONDS);
    }

    List<Segments.Segment> segments = new Segments(dir).list();
    List<Path> finished = new ArrayList<>();
    Path interrupted = null;
    int syncedFrames = 0;
    for (Segments.Segment s : segments) {
      AviFile.Info info = AviFile.inspect(s.file());
      if (info.finished()) {
        finished.add(s.file());
      } else {
        assertThat(interrupted).as("only one segment is unfinished").isNull();
        interrupted = s.file();
        syncedFrames = info.frames();
      }
    }
    assertThat(finished.size()).isGreaterThanOrEqualTo(2);
    for (Path file : finished) {
      Ffprobe.Result probe = Ffprobe.probe(file);
      assertThat(probe.frames()).isEqualTo(AviFile.inspect(file).frames()).isGreaterThan(10);
      assertThat(probe.durationSeconds()).isBetween(1.5, 2.5);
    }
    assertThat(interrupted).isNotNull();
    // Before repair a player already reads it up to the last sync (at most a second old).
    assertThat(Ffprobe.probe(interrupted).frames()).isGreaterThanOrEqualTo(syncedFrames);

    // The restart: a new recorder on the same directory repairs what the killed one left.
    Recorder restarted =
        new Recorder(RecordingSettings.builder(RecordMode.CONTINUOUS, dir).build(), "crash", 10);
    restarted.start();
    restarted.close();

    AviFile.Info repaired = AviFile.inspect(interrupted);
    assertThat(repaired.finished()).isTrue();
    assertThat(repaired.frames()).isGreaterThanOrEqualTo(syncedFrames);
    assertThat(Ffprobe.probe(interrupted).frames()).isEqualTo(repaired.frames());
    for (Path file : finished) {
      assertThat(AviFile.repair(file)).as("finished segments are left alone").isEqualTo(-1);
    }
  }

  private boolean readyToKill() throws IOException {
    int finished = 0;
    boolean syncedPartial = false;
    for (Segments.Segment s : new Segments(dir).list()) {
      try {
        AviFile.Info info = AviFile.inspect(s.file());
        if (info.finished()) {
          finished++;
        } else if (info.frames() >= 10) {
          syncedPartial = true;
        }
      } catch (IOException ignored) {
        // A segment whose header is not written yet: not ready.
      }
    }
    return finished >= 2 && syncedPartial;
  }
}
