package dev.socketkit.camera.internal.recording;

import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A process that records synthetic frames continuously in 2-second segments until it is killed: the
 * victim of {@link CrashRecoveryTest}. Arguments: the record directory.
 */
public final class RecordingChild {
  private RecordingChild() {}

  public static void main(String[] args) throws Exception {
    Recorder recorder =
        new Recorder(
            RecordingSettings.builder(RecordMode.CONTINUOUS, Path.of(args[0]))
                .segment(Duration.ofSeconds(2))
                .preCapture(Duration.ZERO)
                .postCapture(Duration.ZERO)
                .preCaptureBytes(1 << 20)
                .build(),
            "crash",
            10);
    recorder.start();
    SyntheticFrames frames = new SyntheticFrames(160, 120);
    System.out.println("recording");
    System.out.flush();
    long next = System.nanoTime();
    for (int i = 0; ; i++) {
      long micros = System.currentTimeMillis() * 1000;
      recorder.offer(frames.withSquare((i * 4) % 140, 50, 20, 0, i), micros, 160, 120);
      next += TimeUnit.MILLISECONDS.toNanos(100); // 10 fps, paced like a camera
      long left = next - System.nanoTime();
      if (left > 0) {
        TimeUnit.NANOSECONDS.sleep(left);
      }
    }
  }
}
