package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A disk that stops answering never holds up the frame source or a viewer. */
@Timeout(60)
class StalledDiskTest {
  @TempDir Path dir;

  @Test
  void aStalledDiskDropsRecordingFramesAndNeverBlocksThePublisherOrTheViewers() throws Exception {
    CountDownLatch diskStalled = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    Recorder recorder =
        new Recorder(
            RecordingSettings.builder(RecordMode.CONTINUOUS, dir)
                .segment(Duration.ofMinutes(10))
                .preCapture(Duration.ZERO)
                .postCapture(Duration.ZERO)
                .queueFrames(8)
                .preCaptureBytes(1 << 20)
                .build(),
            "cam",
            30,
            file ->
                new RecorderTest.FullDisk(
                    FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                    Long.MAX_VALUE) {
                  @Override
                  public int write(ByteBuffer src) throws IOException {
                    diskStalled.countDown();
                    try {
                      release.await(); // the disk hangs (an NFS server gone, a dying card)
                    } catch (InterruptedException e) {
                      Thread.currentThread().interrupt();
                      throw new IOException("interrupted", e);
                    }
                    return super.write(src);
                  }
                });
    recorder.start();
    FrameHub hub = new FrameHub();
    byte[] jpeg = new SyntheticFrames(160, 120).still();
    AtomicInteger viewerFrames = new AtomicInteger();
    // A viewer, as the camera's fan-out is one: it follows the hub's newest frame.
    FrameHub.Subscription recording =
        hub.subscribe(f -> recorder.offer(f.jpeg(), f.captureEpochMicros(), 160, 120));
    FrameHub.Subscription viewer = hub.subscribe(f -> viewerFrames.incrementAndGet());
    try {
      hub.publish(jpeg, 160, 120, 1_000_000);
      assertThat(diskStalled.await(30, TimeUnit.SECONDS)).isTrue();
      // 500 more frames while the disk hangs: every publish returns, every viewer frame arrives.
      for (int i = 1; i <= 500; i++) {
        Frame published = hub.publish(jpeg, 160, 120, 1_000_000 + i * 33_333L);
        assertThat(hub.latest()).isSameAs(published);
      }
      assertThat(viewerFrames.get()).isEqualTo(501);
      assertThat(recorder.framesDropped()).isGreaterThanOrEqualTo(500 - 8);
    } finally {
      viewer.close();
      recording.close();
      release.countDown();
      recorder.close();
    }
    assertThat(recorder.failure()).isNull();
  }
}
