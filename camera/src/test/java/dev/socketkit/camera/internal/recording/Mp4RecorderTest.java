package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.socketkit.camera.RecordFormat;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.testkit.Await;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** MP4 recordings of a fragment hub fed with a real H.264 stream, read back by ffprobe. */
@Timeout(120)
class Mp4RecorderTest {
  /** 2026-11-15T10:46:40Z in microseconds since the epoch. */
  private static final long T0 = Instant.parse("2026-11-15T10:46:40Z").getEpochSecond() * 1_000_000;

  private static final int FPS = 10;
  private static final int GOP = 10; // a keyframe every second, as the camera's encoder

  @TempDir Path dir;

  private final FragmentHub hub = new FragmentHub();

  private RecordingSettings.Builder settings(RecordMode mode) {
    return RecordingSettings.builder(mode, dir.resolve("rec"))
        .segment(Duration.ofMillis(2500))
        .preCapture(Duration.ofSeconds(1))
        .postCapture(Duration.ofMillis(500))
        .format(RecordFormat.MP4)
        .queueFrames(10_000); // longer than the test: no fragment is dropped
  }

  @Test
  void continuousSegmentsStartAtKeyframesAndFfprobeReadsEveryPicture() throws Exception {
    H264Pictures pictures = H264Pictures.encode(dir, 70, FPS, GOP);
    Recorder recorder = new Recorder(settings(RecordMode.CONTINUOUS).build(), "door", FPS, hub);
    recorder.start();
    assertThat(hub.hasDemand()).as("recording runs the encoder").isTrue();
    pictures.publish(hub, T0, pictures.size());
    Await.until(
        Duration.ofSeconds(30),
        () -> recorder.framesWritten() == pictures.size(),
        () -> "all pictures written, got " + recorder.framesWritten());
    recorder.close();
    assertThat(hub.hasDemand()).as("closing lets the encoder stop").isFalse();

    List<Segments.Segment> segments = recorder.segments().list();
    // 2.5 s segments cut at the next keyframe: 3 s, 3 s, then the last second.
    assertThat(segments)
        .extracting(Segments.Segment::name)
        .containsExactly(
            "door-20261115T104640Z.mp4", "door-20261115T104643Z.mp4", "door-20261115T104646Z.mp4");
    int[] expected = {30, 30, 10};
    for (int i = 0; i < segments.size(); i++) {
      Segments.Segment s = segments.get(i);
      assertThat(s.contentType()).isEqualTo("video/mp4");
      Ffprobe.Result probe = Ffprobe.probe(s.file());
      assertThat(probe.codec()).isEqualTo("h264");
      assertThat(probe.width()).isEqualTo(160);
      assertThat(probe.frames()).as(s.name()).isEqualTo(expected[i]);
      // Each file starts at decode time 0, whatever the stream's decode time was.
      assertThat(probe.durationSeconds()).isCloseTo(expected[i] / (double) FPS, within(0.15));
      Segments.Info info = s.inspect();
      assertThat(info.frames()).isEqualTo(expected[i]);
      assertThat(info.durationSeconds()).isCloseTo(expected[i] / (double) FPS, within(0.01));
      assertThat(info.finished()).isTrue();
    }
    assertThat(recorder.framesDropped()).isZero();
  }

  @Test
  void aFileCutMidFragmentIsReadUpToItsLastCompleteFragmentAndRepairedAtTheNextStart()
      throws Exception {
    H264Pictures pictures = H264Pictures.encode(dir, 25, FPS, GOP);
    // Not closed, as after kill -9: the segment stays as the last write left it.
    Recorder recorder =
        new Recorder(
            settings(RecordMode.CONTINUOUS).segment(Duration.ofMinutes(10)).build(),
            "door",
            FPS,
            hub);
    recorder.start();
    pictures.publish(hub, T0, pictures.size());
    Await.until(
        Duration.ofSeconds(30),
        () -> recorder.framesWritten() == pictures.size(),
        () -> "all pictures written, got " + recorder.framesWritten());
    Path file = recorder.segments().list().get(0).file();
    Path cut = dir.resolve("rec").resolve("cut-20261115T104640Z.mp4");
    Files.copy(file, cut);
    recorder.close();
    try (FileChannel channel = FileChannel.open(cut, StandardOpenOption.WRITE)) {
      channel.truncate(channel.size() - 20); // the last fragment's mdat loses its end
    }

    assertThat(Ffprobe.probe(cut).codec()).isEqualTo("h264");
    assertThat(Ffprobe.probe(cut).frames()).isEqualTo(pictures.size() - 1);
    Mp4File.Info torn = Mp4File.inspect(cut);
    assertThat(torn.finished()).isFalse();
    assertThat(torn.frames()).isEqualTo(pictures.size() - 1);

    assertThat(Recorder.repairUnfinished(dir.resolve("rec"))).isEqualTo(1);
    assertThat(Mp4File.inspect(cut).finished()).isTrue();
    assertThat(Files.size(cut)).isEqualTo(torn.validBytes());
    assertThat(Ffprobe.probe(cut).frames()).isEqualTo(pictures.size() - 1);
  }

  @Test
  void aMotionSegmentStartsAtTheKeyframeBeforeItsPreCapture() throws Exception {
    H264Pictures pictures = H264Pictures.encode(dir, 60, FPS, GOP);
    Recorder recorder = new Recorder(settings(RecordMode.MOTION).build(), "door", FPS, hub);
    recorder.start();
    // Motion from 3.2 s to 3.5 s: wanted from 2.2 s (1 s pre-capture) to 4.0 s (0.5 s after);
    // 2.2 s is no keyframe, so the segment starts at the one at 2.0 s.
    recorder.motionStarted(T0 + 3_200_000);
    recorder.motionEnded(T0 + 3_500_000);
    pictures.publish(hub, T0, pictures.size());
    Await.until(
        Duration.ofSeconds(30),
        () -> recorder.segmentsFinished() == 1,
        () -> "the motion segment finished");
    recorder.close();

    List<Segments.Segment> segments = recorder.segments().list();
    assertThat(segments)
        .extracting(Segments.Segment::name)
        .containsExactly("door-20261115T104642Z.mp4");
    Ffprobe.Result probe = Ffprobe.probe(segments.get(0).file());
    assertThat(probe.frames()).isEqualTo(21); // 2.0 s to 4.0 s
    assertThat(recorder.framesWritten()).isEqualTo(21);
  }

  @Test
  void aFullDiskStopsRecordingAndLetsTheEncoderStop() throws Exception {
    H264Pictures pictures = H264Pictures.encode(dir, 30, FPS, GOP);
    Recorder recorder =
        new Recorder(
            settings(RecordMode.CONTINUOUS).build(),
            "door",
            FPS,
            hub,
            file ->
                new RecorderTest.FullDisk(
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    4000));
    recorder.start();
    pictures.publish(hub, T0, pictures.size());
    Await.until(Duration.ofSeconds(30), () -> recorder.failure() != null, () -> "recording failed");
    assertThat(recorder.failure()).contains("No space left on device");
    Await.until(
        Duration.ofSeconds(10), () -> !hub.hasDemand(), () -> "the recorder let go of the stream");
    recorder.close();
  }
}
