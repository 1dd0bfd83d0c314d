package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.time.Duration;
import java.time.Instant;

/**
 * The built-in camera: a moving test pattern with the time and a frame counter, drawn with Java2D
 * and encoded once per frame with ImageIO. It draws nothing while nobody wants frames, so an idle
 * camera costs no CPU.
 *
 * <p>Runs on the supervisor's source thread.
 */
public final class TestPatternSource implements FrameSource {
  private static final Duration IDLE_CHECK = Duration.ofSeconds(60);

  private final int width;
  private final int height;
  private final int fps;
  private final int quality;
  private final String name;

  /** A pattern of the given size, rate, JPEG quality, with {@code name} drawn in the corner. */
  public TestPatternSource(int width, int height, int fps, int quality, String name) {
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.quality = quality;
    this.name = name == null ? "" : name;
  }

  @Override
  public String describe() {
    return "test pattern " + width + "x" + height + " at " + fps + " fps";
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    Pictures pictures = new Pictures(width, height);
    try (JpegEncoder encoder = new JpegEncoder(quality)) {
      Pacer pacer = new Pacer(fps);
      long counter = 0;
      while (!Thread.currentThread().isInterrupted()) {
        if (!hub.hasDemand()) {
          while (!hub.awaitDemand(IDLE_CHECK)) {
            // nobody watches: draw nothing
          }
          pacer.reset();
        }
        long captured = FrameHub.nowMicros();
        Instant now = Instant.ofEpochSecond(captured / 1_000_000L, (captured % 1_000_000L) * 1000);
        byte[] jpeg = encoder.encode(pictures.testPattern(++counter, now, name));
        hub.publish(jpeg, width, height, captured);
        pacer.awaitNextTick();
      }
    }
    throw new InterruptedException();
  }
}
