package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.TestPatternSource;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FrameHubTest {
  private static final byte[] JPEG = {(byte) 0xFF, (byte) 0xD8, 1, 2, (byte) 0xFF, (byte) 0xD9};

  @Test
  void rateIsTheIntervalsNotTheTimeSinceTheLastFrame() {
    long interval = 1_000_000_000L / 30;
    long oldest = 5_000_000_000L;
    long newest = oldest + 59 * interval;
    // Asked just before the next frame is due: still 30, not 59 frames over 2 s (29.5).
    assertThat(FrameHub.rate(60, oldest, newest, newest + interval - 1))
        .isCloseTo(30.0, within(1e-3));
    assertThat(FrameHub.rate(60, oldest, newest, newest)).isCloseTo(30.0, within(1e-3));
  }

  @Test
  void aStoppedSourceRateFalls() {
    long interval = 1_000_000_000L / 30;
    long oldest = 5_000_000_000L;
    long newest = oldest + 29 * interval;
    double stalled = FrameHub.rate(30, oldest, newest, newest + 1_000_000_000L);
    assertThat(stalled).isLessThan(15.0);
    assertThat(FrameHub.rate(1, newest, newest, newest)).isEqualTo(0.5);
    assertThat(FrameHub.rate(0, 0, 0, newest)).isZero();
  }

  @Test
  void hasNoFrameBeforeTheFirstPublishAndThenAlwaysTheNewest() {
    FrameHub hub = new FrameHub();
    assertThat(hub.latest()).isNull();
    Frame first = hub.publish(JPEG, 4, 3, 1_000_000L);
    Frame second = hub.publish(JPEG, 4, 3, 2_000_001L);
    assertThat(first.sequence()).isEqualTo(1);
    assertThat(second.sequence()).isEqualTo(2);
    assertThat(hub.latest()).isSameAs(second);
    assertThat(second.jpeg()).isSameAs(JPEG);
    assertThat(second.timestamp()).isEqualTo("2.000001");
  }

  @Test
  void awaitNewerReturnsAFrameFromAnotherThreadOrNullOnTimeout() throws Exception {
    FrameHub hub = new FrameHub();
    assertThat(hub.awaitNewer(0, Duration.ofMillis(50))).isNull();
    Thread publisher =
        new Thread(
            () -> {
              try {
                hub.awaitDemand(Duration.ofSeconds(10));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              hub.publish(JPEG, 1, 1, FrameHub.nowMicros());
            });
    publisher.start();
    Frame frame = hub.awaitNewer(0, Duration.ofSeconds(10));
    assertThat(frame).isNotNull();
    assertThat(hub.awaitNewer(0, Duration.ofSeconds(1))).isSameAs(frame);
    publisher.join();
  }

  @Test
  void listenersGetEveryFrameAndCountAsDemandUntilClosed() {
    FrameHub hub = new FrameHub();
    List<Long> seen = new CopyOnWriteArrayList<>();
    assertThat(hub.hasDemand()).isFalse();
    FrameHub.Subscription subscription = hub.subscribe(f -> seen.add(f.sequence()));
    assertThat(hub.hasDemand()).isTrue();
    hub.subscribe(
        f -> {
          throw new IllegalStateException("a broken listener must not stop the others");
        });
    hub.publish(JPEG, 1, 1, 0);
    hub.publish(JPEG, 1, 1, 0);
    subscription.close();
    subscription.close();
    hub.publish(JPEG, 1, 1, 0);
    assertThat(seen).containsExactly(1L, 2L);
  }

  @Test
  void theTestSourceDrawsOnlyWhileSomeoneWantsFrames() throws Exception {
    FrameHub hub = new FrameHub();
    FrameSource source = new TestPatternSource(160, 120, 30, 70, "t");
    try (SourceSupervisor supervisor =
        new SourceSupervisor(source, hub, 160, 120, 70, Duration.ofSeconds(10))) {
      supervisor.start();
      CountDownLatch five = new CountDownLatch(5);
      FrameHub.Subscription subscription = hub.subscribe(f -> five.countDown());
      try {
        assertThat(five.await(10, TimeUnit.SECONDS)).isTrue();
      } finally {
        subscription.close();
      }
      Frame last = hub.latest();
      assertThat(last.width()).isEqualTo(160);
      // With no demand, no new frame appears (allowing the one being drawn when demand ended).
      long settled = last.sequence() + 1;
      Frame later = hub.latest();
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(500);
      while (System.nanoTime() < deadline) {
        later = hub.latest();
        Thread.onSpinWait();
      }
      assertThat(later.sequence()).isLessThanOrEqualTo(settled);
      assertThat(supervisor.status().state()).isEqualTo(SourceState.RUNNING);
    }
  }
}
