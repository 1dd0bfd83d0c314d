package dev.socketkit.camera.internal.h264;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.TestPatternSource;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The encoder with the real ffmpeg, fed the real test pattern. */
@Timeout(120)
class H264EncoderTest {
  private static final int FPS = 30;

  @TempDir Path dir;

  /** Collects what a listener is told, from the producer thread. */
  private static final class Collector implements FragmentHub.Listener {
    final List<byte[]> inits = new ArrayList<>();
    final List<Fragment> fragments = new ArrayList<>();

    @Override
    public synchronized void onInit(byte[] initSegment) {
      inits.add(initSegment);
    }

    @Override
    public synchronized void onFragment(Fragment f) {
      fragments.add(f);
    }

    synchronized int count() {
      return fragments.size();
    }

    synchronized List<Fragment> fragments() {
      return List.copyOf(fragments);
    }
  }

  @Test
  void encodesTheTestPatternWhileWantedAndStopsWhenDemandEnds() throws Exception {
    Path ffmpeg = Tools.require("ffmpeg");
    Path ffprobe = Tools.require("ffprobe");
    FrameHub frames = new FrameHub(FPS);
    FragmentHub fragments = new FragmentHub();
    FrameSource pattern = new TestPatternSource(640, 480, FPS, 80, "h264");
    try (SourceSupervisor source =
            new SourceSupervisor(pattern, frames, 640, 480, 80, Duration.ofSeconds(10));
        H264Encoder encoder =
            new H264Encoder(
                frames, fragments, ffmpeg.toString(), FPS, 600, Duration.ofMillis(300))) {
      source.start();
      encoder.start();
      assertThat(encoder.running()).isFalse(); // nobody wants H.264 yet
      Collector collector = new Collector();
      FrameHub.Subscription subscription = fragments.subscribeAtKeyframe(collector);
      Await.until(
          Duration.ofSeconds(60),
          () -> collector.count() >= 70,
          () -> "70 fragments, got " + collector.count());
      subscription.close();
      Await.until(
          Duration.ofSeconds(20),
          () -> !encoder.running() && fragments.initSegment() == null,
          () -> "the encoder stopped after demand ended");
      assertThat(encoder.unavailable()).isNull();
      assertThat(encoder.children()).isEqualTo(1);

      List<Fragment> got = collector.fragments();
      assertThat(collector.inits).hasSize(1);
      assertThat(got.get(0).keyframe()).isTrue();
      List<Integer> keyframes = new ArrayList<>();
      for (int i = 0; i < got.size(); i++) {
        Fragment f = got.get(i);
        if (f.keyframe()) {
          keyframes.add(i);
        }
        if (i > 0) {
          Fragment before = got.get(i - 1);
          assertThat(f.sequence()).isEqualTo(before.sequence() + 1);
          assertThat(f.captureEpochMicros()).isGreaterThan(before.captureEpochMicros());
          assertThat(f.decodeTime()).isEqualTo(before.decodeTime() + before.duration());
        }
      }
      // A keyframe every FPS pictures: about a second of the source's time.
      assertThat(keyframes.size()).isGreaterThanOrEqualTo(2);
      for (int i = 1; i < keyframes.size(); i++) {
        assertThat(keyframes.get(i) - keyframes.get(i - 1)).isEqualTo(FPS);
        long micros =
            got.get(keyframes.get(i)).captureEpochMicros()
                - got.get(keyframes.get(i - 1)).captureEpochMicros();
        assertThat(micros).isBetween(500_000L, 2_000_000L);
      }
      // tfdt follows the capture clock: durations are capture time deltas in 90 kHz.
      Fragment first = got.get(0);
      Fragment last = got.get(got.size() - 1);
      long wallTicks =
          (last.captureEpochMicros() - first.captureEpochMicros())
              * Fmp4Writer.TIMESCALE
              / 1_000_000L;
      assertThat(last.decodeTime() - first.decodeTime()).isBetween(wallTicks - 90, wallTicks + 90);

      Path file = dir.resolve("live.mp4");
      try (var out = Files.newOutputStream(file)) {
        out.write(collector.inits.get(0));
        for (Fragment f : got) {
          out.write(f.bytes());
        }
      }
      String probe =
          run(
              ffprobe.toString(),
              "-v",
              "error",
              "-count_frames",
              "-show_entries",
              "stream=codec_name,width,height,nb_read_frames",
              "-of",
              "default=noprint_wrappers=1",
              file.toString());
      assertThat(probe)
          .contains("codec_name=h264", "width=640", "height=480")
          .contains("nb_read_frames=" + got.size());
    }
  }

  @Test
  void theNoSignalFrameReachesH264Viewers() throws Exception {
    Path ffmpeg = Tools.require("ffmpeg");
    FrameHub frames = new FrameHub(FPS);
    FragmentHub fragments = new FragmentHub();
    FrameSource broken =
        new FrameSource() {
          @Override
          public String describe() {
            return "a source that always fails";
          }

          @Override
          public void run(FrameHub hub) throws IOException {
            throw new IOException("no camera for the test");
          }
        };
    try (SourceSupervisor source =
            new SourceSupervisor(broken, frames, 320, 240, 80, Duration.ofSeconds(10));
        H264Encoder encoder =
            new H264Encoder(frames, fragments, ffmpeg.toString(), FPS, 600, Duration.ZERO)) {
      source.start();
      encoder.start();
      Collector collector = new Collector();
      FrameHub.Subscription subscription = fragments.subscribe(collector);
      // NO SIGNAL comes once a second; ffmpeg's input holds one frame back.
      Await.until(
          Duration.ofSeconds(30),
          () -> collector.count() >= 2,
          () -> "two NO SIGNAL pictures, got " + collector.count());
      subscription.close();
      assertThat(fragments.codecs()).startsWith("avc1.");
    }
  }

  @Test
  void isUnavailableWithoutFfmpegAndSaysSoOnce() throws Exception {
    FrameHub frames = new FrameHub(FPS);
    FragmentHub fragments = new FragmentHub();
    try (H264Encoder encoder =
        new H264Encoder(
            frames, fragments, dir.resolve("no-such-ffmpeg").toString(), FPS, 600, Duration.ZERO)) {
      encoder.start();
      FrameHub.Subscription demand = fragments.demand();
      assertThat(encoder.checkAvailable()).contains("H.264 is unavailable", "ffmpeg installed");
      assertThat(encoder.unavailable()).isEqualTo(encoder.checkAvailable());
      demand.close();
      assertThat(encoder.running()).isFalse();
      assertThat(fragments.initSegment()).isNull();
    }
  }

  private static String run(String... command) throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String text = out.toString(StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(text).isZero();
    return text;
  }
}
