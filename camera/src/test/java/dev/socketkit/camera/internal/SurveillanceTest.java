package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class SurveillanceTest {
  @TempDir Path dir;

  @Test
  void framesPublishedWhileTheSourceIsDownAreNeitherAnalysedNorRecorded() throws Exception {
    FrameHub hub = new FrameHub();
    Recorder recorder =
        new Recorder(RecordingSettings.builder(RecordMode.CONTINUOUS, dir).build(), "cam", 10);
    AtomicBoolean running = new AtomicBoolean(false);
    byte[] jpeg = new SyntheticFrames(160, 120).still();
    try (Surveillance surveillance =
        new Surveillance(
            hub, "cam", MotionSettings.defaults(), null, null, recorder, dir.resolve("events"))) {
      surveillance.skipFramesUnless(running::get);
      surveillance.start();
      for (int i = 0; i < 10; i++) { // NO SIGNAL while the source restarts
        hub.publish(jpeg, 160, 120, 1_000_000L + i * 100_000L);
      }
      running.set(true);
      for (int i = 10; i < 25; i++) {
        hub.publish(jpeg, 160, 120, 1_000_000L + i * 100_000L);
      }
    } // close() writes what is queued and finishes the segment
    assertThat(recorder.framesWritten()).isEqualTo(15);
    assertThat(recorder.segments().list()).hasSize(1);
  }

  @Test
  void motionRecordingWithoutMotionDetectionIsRefused() {
    Recorder recorder =
        new Recorder(RecordingSettings.builder(RecordMode.MOTION, dir).build(), "cam", 10);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new Surveillance(new FrameHub(), "cam", null, null, null, recorder, dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recording on motion needs motion detection");
  }
}
