package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The hub's rate cap, which is how {@code --fps} applies to every source. */
@Timeout(60)
class FrameRateCapTest {
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, (byte) 0xD9};

  @Test
  void aSourceFasterThanTheCapIsCutToTheCapAndTheRestAreCounted() {
    FrameHub hub = new FrameHub(10);
    AtomicLong seen = new AtomicLong();
    FrameHub.Subscription subscription = hub.subscribe(f -> seen.incrementAndGet());
    try {
      long start = System.nanoTime();
      int offered = 0;
      while (System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(300)) {
        hub.publish(JPEG, 1, 1, FrameHub.nowMicros());
        offered++;
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      // Two frames at once (the saved credit), then one per 100 ms.
      assertThat(seen.get()).isBetween(2L, (long) (seconds * 10) + 2);
      assertThat(hub.dropped()).isEqualTo(offered - seen.get());
      assertThat(hub.latest().sequence()).isEqualTo(seen.get());
    } finally {
      subscription.close();
    }
  }

  @Test
  void aDroppedFrameIsNullAndNeverBecomesTheLatest() {
    FrameHub hub = new FrameHub(1);
    hub.publish(JPEG, 1, 1, 1);
    Frame second = hub.publish(JPEG, 1, 1, 2);
    assertThat(second).isNotNull();
    assertThat(hub.publish(JPEG, 1, 1, 3)).isNull();
    assertThat(hub.latest()).isSameAs(second);
    assertThat(hub.dropped()).isEqualTo(1);
  }

  @Test
  void aSourcePacingItselfWithJitterLosesNothing() {
    RateCap cap = new RateCap(30);
    long interval = 1_000_000_000L / 30;
    long start = 5_000_000_000L;
    // Slow to encode at first (JIT), then fast, then late and early by turns: 0 to 0.9 interval.
    long[] lateness = {interval * 9 / 10, 0, interval * 9 / 10, 1000, interval / 2, 0};
    for (int i = 0; i < 3000; i++) {
      long at = start + i * interval + lateness[Math.min(i, 2 + i % 4)];
      assertThat(cap.admit(at)).as("frame %d", i).isTrue();
    }
  }

  @Test
  void aFastSourceGetsExactlyTheRatePlusOneFrameOfCredit() {
    RateCap cap = new RateCap(10);
    int admitted = 0;
    for (long at = 0; at < 60_000_000_000L; at += 1_700_000) { // 60 s at about 588 fps
      if (cap.admit(at)) {
        admitted++;
      }
    }
    assertThat(admitted).isBetween(600, 602);
  }

  @Test
  void aSourceThatPausedGetsNoBurstAfterwards() {
    RateCap cap = new RateCap(10);
    assertThat(cap.admit(0)).isTrue();
    long after = 3_600_000_000_000L; // an hour of silence (a restart) earns two frames, no more
    assertThat(cap.admit(after)).isTrue();
    assertThat(cap.admit(after + 1)).isTrue();
    assertThat(cap.admit(after + 2)).isFalse();
  }

  @Test
  void aHubWithoutACapDropsNothing() {
    FrameHub hub = new FrameHub();
    for (int i = 0; i < 100; i++) {
      assertThat(hub.publish(JPEG, 1, 1, i)).isNotNull();
    }
    assertThat(hub.dropped()).isZero();
  }

  @Test
  void rejectsACapOutOfRange() {
    assertThatThrownBy(() -> new FrameHub(0)).hasMessageContaining("maxFps: 0");
  }

  @Test
  void anFfmpegSourceWithoutReIsHeldToTheConfiguredRate() throws Exception {
    Tools.require("ffmpeg");
    FrameHub hub = new FrameHub(10);
    // No -re: ffmpeg draws this pattern as fast as it can, hundreds of frames a second.
    FrameSource source =
        FrameSource.parse(
            "ffmpeg:-f lavfi -i testsrc=size=160x120:rate=30",
            new FrameSource.Settings(160, 120, 10, 70, "test"));
    AtomicLong seen = new AtomicLong();
    FrameHub.Subscription subscription = hub.subscribe(f -> seen.incrementAndGet());
    try (subscription;
        SourceSupervisor supervisor =
            new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      Await.until(Duration.ofSeconds(20), () -> seen.get() >= 3, () -> "the first frames");
      long fromFrames = seen.get();
      long fromDropped = hub.dropped();
      long start = System.nanoTime();
      long window = TimeUnit.SECONDS.toNanos(3);
      // Measuring a rate takes the window's time; the deadline is the window's end.
      Await.until(
          Duration.ofSeconds(10),
          () -> System.nanoTime() - start >= window,
          () -> "the end of the 3 s window");
      long frames = seen.get() - fromFrames;
      assertThat(frames).as("frames in 3 s at --fps 10").isBetween(10L, 45L);
      assertThat(hub.dropped() - fromDropped).as("frames ffmpeg sent faster").isPositive();
    }
  }

  /** A source that publishes {@code burst} frames back to back, as a paced source catching up. */
  private static FrameSource burst(int burst, int pacedFps) {
    byte[] jpeg = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9};
    return new FrameSource() {
      @Override
      public String describe() {
        return "a burst of " + burst + " frames";
      }

      @Override
      public int pacedFps() {
        return pacedFps;
      }

      @Override
      public void run(FrameHub hub) throws InterruptedException {
        for (int i = 0; i < burst; i++) {
          hub.publish(jpeg, 160, 120, FrameHub.nowMicros());
        }
        new CountDownLatch(1).await(); // until the camera closes and interrupts the source
      }
    };
  }

  @Test
  void aCameraDoesNotCapASourceThatPacesItselfButCapsOneThatDoesNot() throws Exception {
    try (Camera paced = CameraServerTest.camera().fps(20).source(burst(8, 20)).start();
        Camera unpaced = CameraServerTest.camera().fps(20).source(burst(8, 0)).start()) {
      Await.until(
          Duration.ofSeconds(20),
          () -> paced.hub().latest() != null && paced.hub().latest().sequence() >= 8,
          () -> "the paced source's eight frames, latest " + paced.hub().latest());
      assertThat(paced.hub().dropped()).isZero();
      Await.until(
          Duration.ofSeconds(20),
          () -> unpaced.hub().dropped() > 0,
          () -> "the cap to drop some of the unpaced source's burst");
    }
  }
}
