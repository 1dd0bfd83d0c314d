package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.recording.AviFile;
import dev.socketkit.camera.internal.recording.Segments;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The camera assembles its motion detection and recording from the builder, and owns them. */
@Timeout(90)
class CameraBuilderTest {
  @TempDir Path dir;

  @Test
  void recordingOnMotionWithoutMotionDetectionIsRefusedInTheLibrarysOwnWords() {
    assertThatThrownBy(
            () ->
                CameraServerTest.camera()
                    .recording(RecordingSettings.builder(RecordMode.MOTION, dir).build())
                    .start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("recording on motion needs motion detection");
    assertThatThrownBy(() -> CameraServerTest.camera().onMotionStart("true").start())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("motion programs and listeners need motion detection");
    assertThatThrownBy(() -> CameraServerTest.camera().onMotionStart("say 'hi"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageNotContaining("--");
  }

  @Test
  void aBadRecordingSettingNamesTheValueAndTheExpectation() {
    assertThatThrownBy(
            () ->
                RecordingSettings.builder(RecordMode.CONTINUOUS, dir)
                    .segment(Duration.ZERO)
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("segment: PT0S (expected: > 0)");
    assertThatThrownBy(() -> MotionSettings.builder().area(0).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("area: 0.0 (expected: > 0 and <= 1)");
    assertThat(MotionSettings.builder().build()).isEqualTo(MotionSettings.defaults());
  }

  @Test
  void theCameraRecordsWhatTheBuilderAsksAndFinishesTheSegmentWhenClosed() throws Exception {
    Path recordings = dir.resolve("rec");
    Camera camera =
        CameraServerTest.camera()
            .motion(MotionSettings.defaults())
            .recording(
                RecordingSettings.builder(RecordMode.CONTINUOUS, recordings)
                    .preCapture(Duration.ZERO)
                    .postCapture(Duration.ZERO)
                    .format(RecordFormat.AVI)
                    .build())
            .start();
    try {
      SourcesTest.await(
          "the source runs",
          Duration.ofSeconds(30),
          () -> camera.sourceState() == SourceState.RUNNING);
      SourcesTest.await(
          "frames are written",
          Duration.ofSeconds(30),
          () -> camera.surveillance().recorder().framesWritten() >= 5);
      assertThat(camera.temporarySnapshots()).as("snapshots go beside the recordings").isNull();
    } finally {
      camera.close();
    }
    List<Segments.Segment> segments = new Segments(recordings).list();
    assertThat(segments).hasSize(1);
    assertThat(AviFile.inspect(segments.get(0).file()).finished()).isTrue();
  }

  @Test
  void motionWithoutARecordingDirectoryKeepsSnapshotsInATemporaryDirectoryDeletedAtClose()
      throws Exception {
    Path snapshots;
    try (Camera camera = CameraServerTest.camera().motion(MotionSettings.defaults()).start()) {
      snapshots = camera.temporarySnapshots();
      assertThat(snapshots).isNotNull();
      Files.createDirectories(snapshots);
      Files.write(snapshots.resolve("20260101T000000.000Z.jpg"), new byte[] {1});
    }
    assertThat(snapshots).doesNotExist();
  }
}
