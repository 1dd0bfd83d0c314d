package dev.socketkit.camera.recording;

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
            new RecordingSettings(
                RecordMode.CONTINUOUS,
                Path.of(args[0]),
                "crash",
                Duration.ofSeconds(2),
                Duration.ZERO,
                Duration.ZERO,
                0,
                0,
                10,
                64,
                1 << 20));
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
