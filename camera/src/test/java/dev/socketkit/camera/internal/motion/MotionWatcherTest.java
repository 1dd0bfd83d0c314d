package dev.socketkit.camera.internal.motion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import dev.socketkit.testkit.Await;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MotionWatcherTest {
  private static final long T0 = 1_795_000_000_000_000L;
  private static final long FRAME = 50_000; // 20 fps

  private final AtomicInteger starts = new AtomicInteger();

  /**
   * Offers one frame and waits until the watcher has analysed it, or the listener has thrown on it
   * (a frame that failed is not counted).
   */
  private void analyse(MotionWatcher watcher, byte[] jpeg, long micros) throws Exception {
    long before = watcher.framesAnalysed();
    int startsBefore = starts.get();
    watcher.offer(jpeg, micros);
    Await.until(
        Duration.ofSeconds(10),
        () -> watcher.framesAnalysed() > before || starts.get() > startsBefore,
        () -> "frame " + micros + " analysed (the watcher's thread is alive)");
  }

  @Test
  void anErrorOnOneFrameDoesNotEndMotionDetection() throws Exception {
    MotionListener failing =
        new MotionListener() {
          @Override
          public void started(MotionEvent event) {
            starts.incrementAndGet();
            throw new StackOverflowError("a listener's mistake, or a decoder on a hostile frame");
          }

          @Override
          public void ended(MotionEvent event) {}
        };
    SyntheticFrames frames = new SyntheticFrames(320, 240);
    MotionSettings settings =
        MotionSettings.builder().fps(20).minDuration(Duration.ofMillis(100)).build();
    try (MotionWatcher watcher = new MotionWatcher(settings, failing)) {
      watcher.start();
      int i = 0;
      for (; i < 10; i++) {
        analyse(watcher, frames.noisy(6, i), T0 + i * FRAME);
      }
      for (; starts.get() == 0 && i < 40; i++) {
        analyse(watcher, frames.withSquare(20 + 6 * i, 100, 40, 6, i), T0 + i * FRAME);
      }
      assertThat(starts).as("the listener threw").hasValue(1);
      for (int k = 0; k < 5; k++, i++) {
        analyse(watcher, frames.noisy(6, i), T0 + i * FRAME);
      }
    }
  }
}
