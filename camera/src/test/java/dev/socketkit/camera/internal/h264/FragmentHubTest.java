package dev.socketkit.camera.internal.h264;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.FrameHub;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class FragmentHubTest {
  private static final byte[] INIT = {0, 0, 0, 8, 'f', 't', 'y', 'p'};
  private static final byte[] OTHER_INIT = {0, 0, 0, 8, 'f', 't', 'y', 'p', 1};

  /** Records what a listener is told, as one line per call. */
  private static final class Recorder implements FragmentHub.Listener {
    final List<String> events = new ArrayList<>();

    @Override
    public void onInit(byte[] initSegment) {
      events.add("init" + initSegment.length);
    }

    @Override
    public void onFragment(Fragment f) {
      events.add((f.keyframe() ? "K" : "P") + f.sequence());
    }

    @Override
    public void onReset() {
      events.add("reset");
    }
  }

  private static Fragment publish(FragmentHub hub, boolean keyframe) {
    return hub.publish(new byte[] {1, 2, 3}, keyframe, 0, 3000, 1_000_000L);
  }

  private static List<Long> sequences(List<Fragment> fragments) {
    return fragments.stream().map(Fragment::sequence).toList();
  }

  @Test
  void hasNoStreamBeforeTheFirstInitSegment() {
    FragmentHub hub = new FragmentHub();
    assertThat(hub.initSegment()).isNull();
    assertThat(hub.codecs()).isNull();
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    assertThatThrownBy(() -> publish(hub, true)).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void keepsTheFragmentsFromTheNewestKeyframeOn() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    publish(hub, false); // before any keyframe: not a place to start
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    publish(hub, true);
    publish(hub, false);
    assertThat(sequences(hub.sinceLastKeyframe())).containsExactly(2L, 3L);
    Fragment key = publish(hub, true);
    Fragment next = publish(hub, false);
    assertThat(hub.sinceLastKeyframe()).containsExactly(key, next);
    assertThat(hub.initSegment()).isSameAs(INIT);
    assertThat(hub.codecs()).isEqualTo("avc1.64001f");
    assertThat(hub.publishedFragments()).isEqualTo(5);
    assertThat(hub.publishedBytes()).isEqualTo(15);
  }

  @Test
  void aNewSubscriberAtKeyframeGetsInitAndTheGroupOfPicturesThenLiveFragmentsWithoutGaps() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    publish(hub, true);
    publish(hub, false);
    Recorder late = new Recorder();
    Recorder live = new Recorder();
    FrameHub.Subscription a = hub.subscribeAtKeyframe(late);
    FrameHub.Subscription b = hub.subscribe(live);
    publish(hub, false);
    publish(hub, true);
    a.close();
    b.close();
    publish(hub, false); // after close: nobody is told
    assertThat(late.events).containsExactly("init8", "K1", "P2", "P3", "K4");
    assertThat(live.events).containsExactly("P3", "K4");
  }

  @Test
  void aSubscriberAtKeyframeBeforeAnyStreamGetsTheFirstInitFromTheProducer() {
    FragmentHub hub = new FragmentHub();
    Recorder recorder = new Recorder();
    FrameHub.Subscription s = hub.subscribeAtKeyframe(recorder);
    assertThat(recorder.events).isEmpty();
    hub.publishInit(INIT, "avc1.42e01e");
    publish(hub, true);
    s.close();
    assertThat(recorder.events).containsExactly("init8", "K1");
  }

  @Test
  void aNewInitSegmentDropsTheGroupOfPicturesAndIsPassedToListeners() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    publish(hub, true);
    publish(hub, false);
    Recorder recorder = new Recorder();
    FrameHub.Subscription s = hub.subscribe(recorder);
    hub.publishInit(OTHER_INIT, "avc1.640028");
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    assertThat(hub.initSegment()).isSameAs(OTHER_INIT);
    assertThat(hub.codecs()).isEqualTo("avc1.640028");
    Fragment key = publish(hub, true);
    assertThat(key.sequence()).isEqualTo(3); // numbers go on across init segments
    assertThat(hub.sinceLastKeyframe()).containsExactly(key);
    s.close();
    assertThat(recorder.events).containsExactly("init9", "K3");
  }

  @Test
  void resetEndsTheStreamUntilTheNextInitSegment() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    publish(hub, true);
    Recorder recorder = new Recorder();
    FrameHub.Subscription s = hub.subscribe(recorder);
    hub.reset();
    hub.reset(); // harmless: told once
    assertThat(hub.initSegment()).isNull();
    assertThat(hub.codecs()).isNull();
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    assertThatThrownBy(() -> publish(hub, true)).isInstanceOf(IllegalStateException.class);
    s.close();
    assertThat(recorder.events).containsExactly("reset");
  }

  @Test
  void dropsAGroupOfPicturesTooLongToReplayUntilTheNextKeyframe() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    publish(hub, true);
    for (int i = 0; i < FragmentHub.MAX_GOP_FRAGMENTS; i++) {
      publish(hub, false);
    }
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    publish(hub, false);
    assertThat(hub.sinceLastKeyframe()).isEmpty();
    Fragment key = publish(hub, true);
    assertThat(hub.sinceLastKeyframe()).containsExactly(key);
  }

  @Test
  void subscriptionsAndDemandsCountAsDemandUntilClosedOnce() {
    FragmentHub hub = new FragmentHub();
    assertThat(hub.hasDemand()).isFalse();
    FrameHub.Subscription subscription = hub.subscribe(new Recorder());
    FrameHub.Subscription demand = hub.demand();
    assertThat(hub.demandCount()).isEqualTo(2);
    demand.close();
    demand.close(); // closing twice is harmless
    assertThat(hub.demandCount()).isEqualTo(1);
    assertThat(hub.hasDemand()).isTrue();
    subscription.close();
    subscription.close();
    assertThat(hub.hasDemand()).isFalse();
    assertThat(hub.demandCount()).isZero();
  }

  @Test
  void awaitDemandWakesWhenAnotherThreadAsksAndTimesOutOtherwise() throws Exception {
    FragmentHub hub = new FragmentHub();
    assertThat(hub.awaitDemand(Duration.ofMillis(20))).isFalse();
    CountDownLatch woke = new CountDownLatch(1);
    Thread waiter =
        new Thread(
            () -> {
              try {
                if (hub.awaitDemand(Duration.ofSeconds(20))) {
                  woke.countDown();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    waiter.start();
    FrameHub.Subscription d = hub.demand();
    assertThat(woke.await(10, TimeUnit.SECONDS)).isTrue();
    d.close();
    waiter.join(10_000);
  }

  @Test
  void aListenerThatThrowsNeitherStopsThePublisherNorOtherListeners() {
    FragmentHub hub = new FragmentHub();
    hub.publishInit(INIT, "avc1.64001f");
    Recorder recorder = new Recorder();
    FrameHub.Subscription bad =
        hub.subscribe(
            new FragmentHub.Listener() {
              @Override
              public void onInit(byte[] initSegment) {}

              @Override
              public void onFragment(Fragment f) {
                throw new IllegalStateException("listener failure for the test");
              }
            });
    FrameHub.Subscription good = hub.subscribe(recorder);
    publish(hub, true);
    publish(hub, false);
    bad.close();
    good.close();
    assertThat(recorder.events).containsExactly("K1", "P2");
  }
}
