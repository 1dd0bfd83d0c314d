package dev.socketkit.camera.internal.motion;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.MotionEvent;
import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import java.util.Locale;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * What analysing one frame costs, printed for the notes (run with {@code -Psoak}); a measurement,
 * not a timing assertion.
 */
@Tag("soak")
class MotionCostTest {
  @Test
  void measuresTheCostOfAnalysingAFrame() throws Exception {
    for (int[] size : new int[][] {{640, 480}, {1280, 720}, {1920, 1080}}) {
      SyntheticFrames frames = new SyntheticFrames(size[0], size[1]);
      byte[][] jpegs = new byte[8][];
      for (int i = 0; i < jpegs.length; i++) {
        jpegs[i] = frames.withSquare(i * 40, size[1] / 3, size[1] / 6, 4, i);
      }
      MotionListener ignore =
          new MotionListener() {
            @Override
            public void started(MotionEvent event) {}

            @Override
            public void ended(MotionEvent event) {}
          };
      try (MotionDetector detector = new MotionDetector(MotionSettings.defaults(), ignore)) {
        for (int i = 0; i < 50; i++) { // warm-up
          detector.analyse(jpegs[i % jpegs.length], i * 200_000L);
        }
        int n = 200;
        long began = System.nanoTime();
        for (int i = 0; i < n; i++) {
          detector.analyse(jpegs[i % jpegs.length], (50 + i) * 200_000L);
        }
        double ms = (System.nanoTime() - began) / 1e6 / n;
        System.out.printf(
            Locale.ROOT,
            "motion analysis %dx%d (%d bytes/frame): %.2f ms/frame, %.1f%% of one core at 5 fps%n",
            size[0],
            size[1],
            jpegs[0].length,
            ms,
            ms * 5 / 10);
        assertThat(detector.lastScore()).isGreaterThan(0);
      }
    }
  }
}
