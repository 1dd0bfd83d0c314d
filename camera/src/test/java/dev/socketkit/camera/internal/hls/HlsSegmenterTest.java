package dev.socketkit.camera.internal.hls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.h264.Fragment;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The segmenter fed fragments made here: where it cuts, what it lists, when it lets go. */
@Timeout(30)
class HlsSegmenterTest {
  private static final int FRAME = HlsSegmenter.TIMESCALE / 30; // 30 fps
  private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");
  private static final Duration IDLE = Duration.ofSeconds(30);

  private final AtomicLong clock = new AtomicLong(1_000_000_000L);
  private final AtomicInteger subscriptions = new AtomicInteger();
  private final AtomicInteger endedSubscriptions = new AtomicInteger();
  private final HlsSegmenter segmenter =
      new HlsSegmenter(
          listener -> {
            subscriptions.incrementAndGet();
            return endedSubscriptions::incrementAndGet;
          },
          IDLE,
          clock::get,
          "abc123");
  private long decodeTime;
  private int picture;

  @AfterEach
  void close() {
    segmenter.close();
  }

  /** {@code count} pictures at 30 fps, a keyframe every {@code gop}; bytes name the picture. */
  private void feed(int count, int gop) {
    for (int i = 0; i < count; i++) {
      byte[] bytes = ("[" + picture + "]").getBytes(StandardCharsets.US_ASCII);
      segmenter.onFragment(
          new Fragment(
              bytes, picture % gop == 0, picture + 1, decodeTime, FRAME, 1_000L * picture));
      picture++;
      decodeTime += FRAME;
    }
  }

  private String playlist(String query) throws InterruptedException {
    String text = segmenter.awaitPlaylist(Duration.ZERO, query);
    assertThat(text).as("a playlist").isNotNull();
    return text;
  }

  @Test
  void cutsOneSecondSegmentsAtKeyframesAndSlidesTheWindow() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1, 2, 3});
    picture = 1;
    feed(5, 30); // not from a keyframe: dropped
    picture = 30;
    feed(30 * 10 + 1, 30);

    List<HlsSegment> window = segmenter.window();
    assertThat(window).hasSize(HlsSegmenter.WINDOW);
    assertThat(window).allMatch(HlsSegment::keyframe).noneMatch(HlsSegment::discontinuity);
    assertThat(window).extracting(HlsSegment::duration).containsOnly(30L * FRAME);
    assertThat(window).extracting(HlsSegment::sequence).containsExactly(4L, 5L, 6L, 7L, 8L, 9L);
    // A segment is its fragments joined, from a keyframe to the picture before the next.
    assertThat(new String(window.get(0).bytes(), StandardCharsets.US_ASCII))
        .startsWith("[150][151]")
        .endsWith("[179]");

    String text = playlist("");
    assertThat(text)
        .startsWith("#EXTM3U\n#EXT-X-VERSION:6\n#EXT-X-TARGETDURATION:2\n")
        .contains("#EXT-X-MEDIA-SEQUENCE:4\n", "#EXT-X-DISCONTINUITY-SEQUENCE:0\n")
        .contains("#EXT-X-MAP:URI=\"init-abc123-1.mp4\"\n")
        .contains("#EXT-X-PROGRAM-DATE-TIME:1970-01-01T00:00:00.150Z\n#EXTINF:1.00000,\n")
        .contains("abc123-9.m4s\n")
        .doesNotContain("abc123-3.m4s", "EXT-X-DISCONTINUITY\n", "ENDLIST");
    assertThat(text.lines().filter(l -> l.startsWith("#EXT-X-MAP"))).hasSize(1);

    feed(30, 30);
    assertThat(playlist("")).contains("#EXT-X-MEDIA-SEQUENCE:5\n", "abc123-10.m4s\n");
  }

  @Test
  void keyframesALittleLateStillStartEverySegment() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(66 * 6, 66); // a keyframe every 2.2 s, as a 1 s interval delayed on a busy machine
    assertThat(segmenter.window()).isNotEmpty().allMatch(HlsSegment::keyframe);
    Matcher matcher = EXTINF.matcher(playlist(""));
    while (matcher.find()) {
      assertThat(Math.round(Double.parseDouble(matcher.group(1))))
          .isLessThanOrEqualTo(HlsSegmenter.TARGET_SECONDS);
    }
  }

  @Test
  void keepsEverySegmentWithinTheTargetDurationWhenKeyframesAreFarApart() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(90 * 4, 90); // a keyframe every 3 s
    for (HlsSegment segment : segmenter.window()) {
      assertThat(segment.duration()).isLessThanOrEqualTo(HlsSegmenter.MAX_SEGMENT);
    }
    Matcher matcher = EXTINF.matcher(playlist(""));
    while (matcher.find()) {
      assertThat(Math.round(Double.parseDouble(matcher.group(1))))
          .isLessThanOrEqualTo(HlsSegmenter.TARGET_SECONDS);
    }
    assertThat(segmenter.window()).anyMatch(HlsSegment::keyframe).anyMatch(s -> !s.keyframe());
  }

  @Test
  void aNewInitStartsADiscontinuityWithItsOwnMap() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(61, 30);
    segmenter.onInit(new byte[] {2});
    byte[] second = segmenter.init("init-abc123-2.mp4");
    assertThat(second).containsExactly(2);
    decodeTime = 0; // a new encoder starts its clock again
    picture = 0;
    feed(61, 30);

    List<HlsSegment> window = segmenter.window();
    assertThat(window).extracting(HlsSegment::initId).containsExactly(1, 1, 1, 2, 2);
    assertThat(window)
        .extracting(HlsSegment::discontinuity)
        .containsExactly(false, false, false, true, false);
    String text = playlist("");
    assertThat(text)
        .contains(
            "abc123-2.m4s\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:URI=\"init-abc123-2.mp4\"\n"
                + "#EXT-X-PROGRAM-DATE-TIME");
    assertThat(segmenter.init("init-abc123-1.mp4")).containsExactly(1);

    feed(30 * 6, 30); // the first init's segments leave the window, and its discontinuity
    assertThat(playlist("")).contains("#EXT-X-DISCONTINUITY-SEQUENCE:1\n");
    assertThat(playlist("")).doesNotContain("#EXT-X-DISCONTINUITY\n", "init-abc123-1.mp4");
    assertThat(segmenter.init("init-abc123-1.mp4")).as("no segment needs it").isNull();
    assertThat(segmenter.init("init-abc123-2.mp4")).isNotNull();
  }

  @Test
  void aJumpInTheDecodeTimesIsADiscontinuity() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(31, 30);
    decodeTime += 10 * FRAME; // ten pictures lost
    picture = 60;
    feed(31, 30);
    assertThat(segmenter.window())
        .extracting(HlsSegment::discontinuity)
        .containsExactly(false, false, true);
  }

  @Test
  void servesSegmentsByNameOnlyWhileInTheWindow() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(30 * 8 + 1, 30);
    assertThat(segmenter.segment("abc123-7.m4s")).isNotNull();
    assertThat(segmenter.segment("abc123-0.m4s")).as("slid out").isNull();
    assertThat(segmenter.segment("abc123-8.m4s")).as("not cut yet").isNull();
    for (String name :
        List.of("abc123-07.m4s", "abc124-7.m4s", "abc123-7.mp4", "abc123--7.m4s", "x", "")) {
      assertThat(segmenter.segment(name)).as(name).isNull();
    }
    assertThat(segmenter.init("init-abc123-01.mp4")).isNull();
    assertThat(segmenter.init("init-abc123-99999999999.mp4")).isNull();
  }

  @Test
  void putsTheViewersTokenOnEveryUriAndRefusesALineBreak() throws Exception {
    segmenter.touch();
    segmenter.onInit(new byte[] {1});
    feed(31, 30);
    String text = playlist("?token=2.YQ.1.Lw.c2ln");
    assertThat(text)
        .contains(
            "init-abc123-1.mp4?token=2.YQ.1.Lw.c2ln\"", "abc123-0.m4s?token=2.YQ.1.Lw.c2ln\n");
    assertThatThrownBy(() -> segmenter.awaitPlaylist(Duration.ZERO, "?token=a\n#EXT-X-ENDLIST"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void waitsABoundedTimeForTheFirstSegment() throws Exception {
    segmenter.touch();
    assertThat(segmenter.awaitPlaylist(Duration.ofMillis(50), "")).isNull();
    Thread producer =
        new Thread(
            () -> {
              segmenter.onInit(new byte[] {1});
              feed(31, 30);
            });
    producer.start();
    assertThat(segmenter.awaitPlaylist(Duration.ofSeconds(20), "")).contains("abc123-0.m4s");
    producer.join();
  }

  @Test
  void holdsTheSubscriptionWhileRequestsComeAndLetsGoWhenIdle() throws Exception {
    feed(31, 30);
    assertThat(segmenter.window()).as("nothing kept without a request").isEmpty();
    segmenter.touch();
    segmenter.touch();
    assertThat(subscriptions).hasValue(1);
    assertThat(segmenter.subscribed()).isTrue();
    segmenter.onInit(new byte[] {1});
    picture = 0;
    feed(61, 30);
    assertThat(segmenter.window()).hasSize(2);

    clock.addAndGet(IDLE.toNanos() - 1);
    segmenter.releaseIfIdle();
    assertThat(endedSubscriptions).hasValue(0);
    clock.addAndGet(1);
    segmenter.releaseIfIdle();
    assertThat(endedSubscriptions).hasValue(1);
    assertThat(segmenter.subscribed()).isFalse();
    assertThat(segmenter.window()).as("stale segments are dropped").isEmpty();
    assertThat(segmenter.awaitPlaylist(Duration.ZERO, "")).isNull();
    feed(31, 30);
    assertThat(segmenter.window()).as("fragments while nobody asks are ignored").isEmpty();

    segmenter.touch();
    assertThat(subscriptions).hasValue(2);
    segmenter.onInit(new byte[] {3});
    picture = 0;
    feed(31, 30);
    List<HlsSegment> window = segmenter.window();
    assertThat(window).hasSize(1);
    assertThat(window.get(0).sequence()).as("names never repeat").isEqualTo(2);
    assertThat(window.get(0).discontinuity()).isTrue();
    assertThat(playlist(""))
        .contains("#EXT-X-DISCONTINUITY-SEQUENCE:0\n#EXT-X-DISCONTINUITY\n#EXT-X-MAP:")
        .contains("init-abc123-2.mp4", "abc123-2.m4s");
  }

  @Test
  void closeEndsTheSubscriptionAndWakesWaitingRequests() throws Exception {
    segmenter.touch();
    List<String> got = new ArrayList<>();
    Thread waiting =
        new Thread(
            () -> {
              try {
                got.add(String.valueOf(segmenter.awaitPlaylist(Duration.ofSeconds(20), "")));
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiting.start();
    segmenter.close();
    waiting.join();
    assertThat(got).containsExactly("null");
    assertThat(endedSubscriptions).hasValue(1);
    segmenter.touch();
    assertThat(subscriptions).as("no subscription after close").hasValue(1);
  }
}
