package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RecorderTest {
  /** 2026-11-15T10:46:40Z in microseconds since the epoch. */
  private static final long T0 = Instant.parse("2026-11-15T10:46:40Z").getEpochSecond() * 1_000_000;

  private static final long FRAME = 100_000; // 10 fps

  @TempDir Path dir;

  private static final String NAME = "front door";
  private static final int FPS = 10;

  private final SyntheticFrames frames = new SyntheticFrames(160, 120);

  private RecordingSettings settings(RecordMode mode, Duration segment) {
    return RecordingSettings.builder(mode, dir)
        .segment(segment)
        .preCapture(Duration.ofSeconds(1))
        .postCapture(Duration.ofSeconds(1))
        .queueFrames(10_000) // a queue longer than the test, so no frame is dropped
        .build();
  }

  private byte[] frame(int i) {
    return frames.withSquare((i * 3) % 140, 40, 20, 0, i);
  }

  @Test
  void continuousRecordingSplitsIntoSegmentsThatFfprobeReadsWhole() throws Exception {
    Recorder recorder =
        new Recorder(settings(RecordMode.CONTINUOUS, Duration.ofSeconds(2)), NAME, FPS);
    recorder.start();
    for (int i = 0; i < 50; i++) {
      recorder.offer(frame(i), T0 + i * FRAME, 160, 120);
    }
    recorder.close();

    List<Segments.Segment> segments = recorder.segments().list();
    assertThat(segments)
        .extracting(Segments.Segment::name)
        .containsExactly(
            "front_door-20261115T104640Z.avi",
            "front_door-20261115T104642Z.avi",
            "front_door-20261115T104644Z.avi");
    int[] expectedFrames = {20, 20, 10};
    for (int s = 0; s < 3; s++) {
      Ffprobe.Result probe = Ffprobe.probe(segments.get(s).file());
      assertThat(probe.frames()).isEqualTo(expectedFrames[s]);
      assertThat(probe.durationSeconds()).isCloseTo(expectedFrames[s] / 10.0, within(0.05));
    }
    assertThat(recorder.framesWritten()).isEqualTo(50);
    assertThat(recorder.framesDropped()).isZero();
    assertThat(recorder.failure()).isNull();
  }

  @Test
  void motionRecordingKeepsThePreCaptureAndThePostCapture() throws Exception {
    Recorder recorder =
        new Recorder(settings(RecordMode.MOTION, Duration.ofMinutes(10)), NAME, FPS);
    recorder.start();
    for (int i = 0; i < 100; i++) {
      long t = T0 + i * FRAME;
      if (i == 35) {
        recorder.motionStarted(T0 + 30 * FRAME); // reported late, as after a minimum duration
      }
      if (i == 55) {
        recorder.motionEnded(T0 + 50 * FRAME);
      }
      recorder.offer(frame(i), t, 160, 120);
    }
    recorder.close();

    List<Segments.Segment> segments = recorder.segments().list();
    assertThat(segments).hasSize(1);
    // From 1 s before the start (frame 20) to 1 s after the end (frame 60).
    Ffprobe.Result probe = Ffprobe.probe(segments.get(0).file());
    assertThat(probe.frames()).isEqualTo(41);
    assertThat(probe.durationSeconds()).isCloseTo(4.1, within(0.05));
    assertThat(segments.get(0).name()).isEqualTo("front_door-20261115T104642Z.avi");
  }

  @Test
  void retentionDeletesTheOldestSegmentsWhileRecording() throws Exception {
    RecordingSettings base = settings(RecordMode.CONTINUOUS, Duration.ofSeconds(2));
    long oneSegment;
    {
      // Measure one segment's size with the same frames, to set the limit at about two of them.
      Recorder probe = new Recorder(base, NAME, FPS);
      probe.start();
      for (int i = 0; i < 20; i++) {
        probe.offer(frame(i), T0 + i * FRAME, 160, 120);
      }
      probe.close();
      oneSegment = probe.segments().list().get(0).bytes();
      java.nio.file.Files.delete(probe.segments().list().get(0).file());
    }
    long limit = oneSegment * 5 / 2;
    Recorder recorder =
        new Recorder(
            RecordingSettings.builder(base.mode(), base.directory())
                .segment(base.segment())
                .preCapture(base.preCapture())
                .postCapture(base.postCapture())
                .maxDiskBytes(limit)
                .queueFrames(base.queueFrames())
                .build(),
            NAME,
            FPS);
    recorder.start();
    for (int i = 0; i < 100; i++) { // five segments
      recorder.offer(frame(i), T0 + i * FRAME, 160, 120);
    }
    recorder.close();

    List<Segments.Segment> left = recorder.segments().list();
    assertThat(left)
        .extracting(Segments.Segment::name)
        .containsExactly("front_door-20261115T104646Z.avi", "front_door-20261115T104648Z.avi");
    assertThat(left.stream().mapToLong(Segments.Segment::bytes).sum()).isLessThanOrEqualTo(limit);
  }

  @Test
  void noMotionMeansNoRecording() throws Exception {
    Recorder recorder =
        new Recorder(settings(RecordMode.MOTION, Duration.ofMinutes(10)), NAME, FPS);
    recorder.start();
    for (int i = 0; i < 30; i++) {
      recorder.offer(frame(i), T0 + i * FRAME, 160, 120);
    }
    recorder.close();
    assertThat(recorder.segments().list()).isEmpty();
  }

  @Test
  void aFullDiskStopsRecordingWithOneMessageAndOfferNeverThrows() throws Exception {
    Recorder recorder =
        new Recorder(
            settings(RecordMode.CONTINUOUS, Duration.ofMinutes(10)),
            NAME,
            FPS,
            file ->
                new FullDisk(
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    20_000));
    recorder.start();
    for (int i = 0; i < 40; i++) {
      recorder.offer(frame(i), T0 + i * FRAME, 160, 120);
    }
    recorder.close();

    assertThat(recorder.failure())
        .contains("recording stopped")
        .contains("No space left on device")
        .contains("keeps serving");
    assertThat(recorder.framesWritten()).isLessThan(40);
    // Offering after the failure is harmless.
    recorder.offer(frame(0), T0, 160, 120);
  }

  /** A file on a disk that fills up after {@code capacity} bytes. */
  static class FullDisk implements SeekableByteChannel {
    private final FileChannel file;
    private final long capacity;

    FullDisk(FileChannel file, long capacity) {
      this.file = file;
      this.capacity = capacity;
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
      if (file.position() + src.remaining() > capacity) {
        throw new IOException("No space left on device");
      }
      return file.write(src);
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
      return file.read(dst);
    }

    @Override
    public long position() throws IOException {
      return file.position();
    }

    @Override
    public SeekableByteChannel position(long newPosition) throws IOException {
      file.position(newPosition);
      return this;
    }

    @Override
    public long size() throws IOException {
      return file.size();
    }

    @Override
    public SeekableByteChannel truncate(long size) throws IOException {
      file.truncate(size);
      return this;
    }

    @Override
    public boolean isOpen() {
      return file.isOpen();
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  @Test
  void aSegmentIsInProgressFromTheMomentItsFileExists() throws Exception {
    AtomicReference<Recorder> holder = new AtomicReference<>();
    List<String> currentWhenOpened = new CopyOnWriteArrayList<>();
    Recorder recorder =
        new Recorder(
            settings(RecordMode.CONTINUOUS, Duration.ofSeconds(2)),
            NAME,
            FPS,
            file -> {
              FileChannel channel =
                  FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
              currentWhenOpened.add(file.getFileName() + "=" + holder.get().currentSegment());
              return channel;
            });
    holder.set(recorder);
    recorder.start();
    recorder.offer(frame(0), T0, 160, 120);
    recorder.close();
    assertThat(currentWhenOpened)
        .containsExactly("front_door-20261115T104640Z.avi=front_door-20261115T104640Z.avi");
  }

  @Test
  void aSegmentThatCannotBeOpenedIsNotInProgress() throws Exception {
    CountDownLatch tried = new CountDownLatch(1);
    Recorder recorder =
        new Recorder(
            settings(RecordMode.CONTINUOUS, Duration.ofSeconds(2)),
            NAME,
            FPS,
            file -> {
              tried.countDown();
              throw new IOException("No space left on device");
            });
    recorder.start();
    recorder.offer(frame(0), T0, 160, 120);
    assertThat(tried.await(20, TimeUnit.SECONDS)).isTrue();
    recorder.close();
    assertThat(recorder.currentSegment()).isNull();
    assertThat(recorder.failure()).isNotNull();
  }
}
