package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.time.Duration;
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
      // The first frame goes at once, then one per 100 ms (a turn may come 25 ms early).
      assertThat(seen.get()).isBetween(1L, (long) Math.ceil(seconds * 10 / 0.75) + 1);
      assertThat(hub.dropped()).isEqualTo(offered - seen.get());
      assertThat(hub.latest().sequence()).isEqualTo(seen.get());
    } finally {
      subscription.close();
    }
  }

  @Test
  void aDroppedFrameIsNullAndNeverBecomesTheLatest() {
    FrameHub hub = new FrameHub(1);
    Frame first = hub.publish(JPEG, 1, 1, 1);
    assertThat(first).isNotNull();
    assertThat(hub.publish(JPEG, 1, 1, 2)).isNull();
    assertThat(hub.latest()).isSameAs(first);
    assertThat(hub.dropped()).isEqualTo(1);
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
}
