package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.Mp4FanOut.Backlog;
import dev.socketkit.camera.internal.Mp4FanOut.Item;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The rule that keeps a slow {@code /stream.mp4} viewer's picture whole. */
class Mp4FanOutBacklogTest {
  private static final int FRAME = 3000; // 1/30 s at 90 kHz

  private static Item frame(boolean keyframe, int bytes) {
    return new Item(new byte[bytes], null, keyframe, FRAME);
  }

  private static List<Item> drain(Backlog backlog) {
    List<Item> items = new ArrayList<>();
    Item item;
    while ((item = backlog.poll()) != null) {
      items.add(item);
    }
    return items;
  }

  @Test
  void aViewerThatKeepsUpGetsEveryFragmentInOrder() {
    Backlog backlog = new Backlog();
    List<Item> sent = new ArrayList<>();
    for (int i = 0; i < 90; i++) {
      Item item = frame(i % 30 == 0, 100);
      assertThat(backlog.offer(item)).isZero();
      sent.add(item);
      if (i % 5 == 4) {
        assertThat(drain(backlog)).containsExactlyElementsOf(sent.subList(i - 4, i + 1));
      }
    }
    assertThat(backlog.isEmpty()).isTrue();
    assertThat(backlog.ticks()).isZero();
  }

  @Test
  void overASecondBehindAtAKeyframeItDropsTheQueueAndStartsThere() {
    Backlog backlog = new Backlog();
    backlog.offer(frame(true, 100));
    for (int i = 1; i < 40; i++) { // 40 frames: 1.33 s queued
      backlog.offer(frame(false, 100));
    }
    Item key = frame(true, 100);
    assertThat(backlog.offer(key)).isEqualTo(1);
    Item next = frame(false, 100);
    backlog.offer(next);
    assertThat(drain(backlog)).containsExactly(key, next);
  }

  @Test
  void lessThanASecondBehindAtAKeyframeItKeepsEverything() {
    Backlog backlog = new Backlog();
    for (int i = 0; i < 20; i++) {
      backlog.offer(frame(i == 0, 100));
    }
    assertThat(backlog.offer(frame(true, 100))).isZero();
    assertThat(drain(backlog)).hasSize(21);
  }

  @Test
  void farBehindWithoutAKeyframeItDropsAllAndWaitsForTheNextKeyframe() {
    Backlog backlog = new Backlog();
    backlog.offer(frame(true, 100));
    int skips = 0;
    for (int i = 1; i <= 3 * 30; i++) { // over 3 s without a keyframe
      skips += backlog.offer(frame(false, 100));
    }
    assertThat(skips).isEqualTo(1);
    assertThat(backlog.isEmpty()).isTrue();
    assertThat(backlog.offer(frame(false, 100))).isZero(); // not a place to start: dropped
    assertThat(backlog.isEmpty()).isTrue();
    Item key = frame(true, 100);
    backlog.offer(key);
    assertThat(drain(backlog)).containsExactly(key);
  }

  @Test
  void tooManyBytesBehindCountsAsFarBehind() {
    Backlog backlog = new Backlog();
    backlog.offer(frame(true, 100));
    assertThat(backlog.offer(frame(false, (int) Backlog.MAX_BYTES))).isEqualTo(1);
    assertThat(backlog.isEmpty()).isTrue();
  }

  @Test
  void aLoopOverASecondBehindDropsUntilAKeyframeThatCameInTime() {
    Mp4FanOut.LoopLag lag = new Mp4FanOut.LoopLag();
    long ms = 1_000_000L;
    assertThat(lag.admit(true, 5 * ms)).isTrue();
    assertThat(lag.admit(false, 900 * ms)).as("late, but under a second").isTrue();
    assertThat(lag.admit(false, 1_100 * ms)).as("over a second: catch-up").isFalse();
    assertThat(lag.behind()).isTrue();
    assertThat(lag.admit(false, 10 * ms)).as("in time, but not a keyframe").isFalse();
    assertThat(lag.admit(true, 600 * ms)).as("a keyframe still late").isFalse();
    assertThat(lag.admit(true, 100 * ms)).as("a keyframe in time: go on").isTrue();
    assertThat(lag.behind()).isFalse();
    assertThat(lag.admit(false, 20 * ms)).isTrue();
  }
}
