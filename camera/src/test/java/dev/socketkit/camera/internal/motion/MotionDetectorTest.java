package dev.socketkit.camera.internal.motion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class MotionDetectorTest {
  private static final long T0 = 1_795_000_000_000_000L;
  private static final long FRAME = 200_000; // 5 fps, the default analysis rate

  private final SyntheticFrames frames = new SyntheticFrames(320, 240);
  private final List<MotionEvent> started = new ArrayList<>();
  private final List<MotionEvent> ended = new ArrayList<>();
  private final MotionListener recording =
      new MotionListener() {
        @Override
        public void started(MotionEvent event) {
          started.add(event);
        }

        @Override
        public void ended(MotionEvent event) {
          ended.add(event);
        }
      };

  private static long t(int frame) {
    return T0 + frame * FRAME;
  }

  @Test
  void stillThenMovingThenStillGivesExactlyOneEventWithTheRightBounds() throws Exception {
    try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), recording)) {
      byte[] peakFrame = null;
      for (int i = 0; i < 60; i++) {
        byte[] jpeg;
        if (i >= 15 && i < 35) { // a square crosses the picture from frame 15 to frame 34
          jpeg = frames.withSquare(20 + 12 * (i - 15), 100, 40, 6, i);
        } else {
          jpeg = frames.noisy(6, i);
        }
        detector.analyse(jpeg, t(i));
        if (i == 17) {
          assertThat(started).as("0.4 s of motion is not yet an event").isEmpty();
        }
        if (i == 18) {
          assertThat(started).as("started after the minimum duration, 0.5 s").hasSize(1);
          assertThat(started.get(0).ended()).isFalse();
        }
        if (i >= 15 && i < 35 && peakFrame == null) {
          peakFrame = jpeg;
        }
      }

      assertThat(started).hasSize(1);
      assertThat(ended).hasSize(1);
      MotionEvent event = ended.get(0);
      assertThat(event.id()).isEqualTo(started.get(0).id());
      assertThat(event.startMicros()).isEqualTo(t(15));
      assertThat(event.endMicros()).isEqualTo(t(34));
      assertThat(event.peakScore()).isBetween(0.01, 0.1);
      assertThat(event.peakMicros()).isBetween(t(15), t(34));
      assertThat(event.snapshot()).isNotNull();
    }
  }

  @Test
  void theEventStartsOnlyOnceTheMotionHasLastedTheMinimumDuration() throws Exception {
    try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), recording)) {
      detector.analyse(frames.still(), t(0));
      detector.analyse(frames.withSquare(20, 100, 40, 0, 1), t(1));
      detector.analyse(frames.withSquare(40, 100, 40, 0, 2), t(2));
      assertThat(started).isEmpty(); // 0.2 s of motion
      detector.analyse(frames.withSquare(60, 100, 40, 0, 3), t(3));
      assertThat(started).isEmpty(); // 0.4 s
      detector.analyse(frames.withSquare(80, 100, 40, 0, 4), t(4));
      assertThat(started).hasSize(1); // 0.6 s
      assertThat(started.get(0).startMicros()).isEqualTo(t(1));
      detector.finish();
      assertThat(ended).hasSize(1);
      assertThat(ended.get(0).endMicros()).isEqualTo(t(4));
    }
  }

  @Test
  void sensorNoiseAloneGivesNoEvent() throws Exception {
    try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), recording)) {
      for (int i = 0; i < 60; i++) {
        double score = detector.analyse(frames.noisy(12, i), t(i));
        assertThat(score).isLessThan(0.01);
      }
      detector.finish();
    }
    assertThat(started).isEmpty();
    assertThat(ended).isEmpty();
  }

  @Test
  void aSingleFlickerGivesNoEvent() throws Exception {
    try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), recording)) {
      for (int i = 0; i < 30; i++) {
        byte[] jpeg = i == 10 ? frames.brighter(60) : frames.noisy(4, i);
        double score = detector.analyse(jpeg, t(i));
        if (i == 10) {
          assertThat(score).as("the flicker itself moves").isGreaterThan(0.5);
        }
      }
      detector.finish();
    }
    assertThat(started).isEmpty();
  }

  @Test
  void twoBurstsCloserThanTheGapAreOneEvent() throws Exception {
    try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), recording)) {
      for (int i = 0; i < 50; i++) {
        boolean moving = (i >= 5 && i < 12) || (i >= 16 && i < 22); // 0.8 s pause < 3 s gap
        byte[] jpeg = moving ? frames.withSquare(10 + 10 * i, 60, 40, 0, i) : frames.noisy(4, i);
        detector.analyse(jpeg, t(i));
      }
    }
    assertThat(started).hasSize(1);
    assertThat(ended).hasSize(1);
    assertThat(ended.get(0).startMicros()).isEqualTo(t(5));
    assertThat(ended.get(0).endMicros()).isEqualTo(t(21));
  }
}
