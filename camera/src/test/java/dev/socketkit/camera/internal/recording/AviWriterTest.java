package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class AviWriterTest {
  @TempDir Path dir;

  private final SyntheticFrames frames = new SyntheticFrames(160, 120);

  private AviWriter open(Path file, double fps) throws IOException {
    return new AviWriter(
        FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
        160,
        120,
        fps);
  }

  @Test
  void aFinishedVideoIsReadByFfprobeWithEveryFrameAndItsDuration() throws Exception {
    Path file = dir.resolve("a.avi");
    try (AviWriter writer = open(file, 25)) {
      for (int i = 0; i < 30; i++) {
        writer.writeFrame(frames.withSquare(i * 4, 10, 20, 0, i), 1_000_000_000L + i * 100_000L);
      }
    }

    Ffprobe.Result probe = Ffprobe.probe(file);
    assertThat(probe.frames()).isEqualTo(30);
    assertThat(probe.codec()).isEqualTo("mjpeg");
    assertThat(probe.width()).isEqualTo(160);
    assertThat(probe.height()).isEqualTo(120);
    // 30 frames captured 0.1 s apart play at 10 fps: 3 seconds.
    assertThat(probe.durationSeconds()).isCloseTo(3.0, within(0.05));
    AviFile.Info info = AviFile.inspect(file);
    assertThat(info.finished()).isTrue();
    assertThat(info.frames()).isEqualTo(30);
    assertThat(info.fps()).isCloseTo(10.0, within(0.01));
  }

  @Test
  void readFramesGivesBackTheJpegsInOrder() throws Exception {
    Path file = dir.resolve("b.avi");
    List<byte[]> written = new ArrayList<>();
    try (AviWriter writer = open(file, 10)) {
      for (int i = 0; i < 5; i++) {
        byte[] jpeg = frames.withSquare(i * 10, 0, 15, 0, i);
        written.add(jpeg);
        writer.writeFrame(jpeg, i * 100_000L);
      }
    }
    List<byte[]> read = new ArrayList<>();
    AviFile.readFrames(file, read::add);
    assertThat(read).hasSize(5);
    for (int i = 0; i < 5; i++) {
      assertThat(read.get(i)).isEqualTo(written.get(i));
    }
  }

  @Test
  void anUnfinishedVideoWithATornLastFrameIsRepairedUpToItsLastCompleteFrame() throws Exception {
    Path file = dir.resolve("torn.avi");
    AviWriter writer = open(file, 10);
    for (int i = 0; i < 20; i++) {
      writer.writeFrame(frames.withSquare(i * 5, 30, 20, 0, i), i * 100_000L);
      if (i == 9) {
        writer.sync();
      }
    }
    long complete = writer.size();
    writer.writeFrame(frames.still(), 2_000_000L);
    // The process "dies": the writer is never closed, and the last frame is cut in half.
    long torn = complete + (writer.size() - complete) / 2;
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(torn);
    }
    assertThat(AviFile.inspect(file).finished()).isFalse();
    // Even before repair, a player reads what the last sync covered.
    assertThat(Ffprobe.probe(file).frames()).isGreaterThanOrEqualTo(10);

    assertThat(Recorder.repairUnfinished(dir)).isEqualTo(1);

    AviFile.Info info = AviFile.inspect(file);
    assertThat(info.finished()).isTrue();
    assertThat(info.frames()).isEqualTo(20);
    assertThat(Files.size(file)).isEqualTo(complete + 8 + 16 * 20);
    Ffprobe.Result probe = Ffprobe.probe(file);
    assertThat(probe.frames()).isEqualTo(20);
    assertThat(probe.durationSeconds()).isCloseTo(2.0, within(0.05));
    assertThat(AviFile.repair(file)).isEqualTo(-1);
  }
}
