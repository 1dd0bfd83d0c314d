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
  public int pacedFps() {
    return fps;
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
      boolean first = true;
      while (!Thread.currentThread().isInterrupted()) {
        if (!hub.hasDemand()) {
          while (!hub.awaitDemand(IDLE_CHECK)) {
            // nobody watches: draw nothing
          }
          first = true;
        }
        byte[] jpeg = encoder.encode(pictures.testPattern(++counter, Instant.now(), name));
        // Stamped when the encoded frame exists, as a V4L2 MJPEG webcam stamps a buffer after its
        // own compression: the age a viewer measures is then delivery time alone.
        hub.publish(jpeg, width, height, FrameHub.nowMicros());
        if (first) {
          // The schedule starts once the first frame exists: on a cold start that frame pays for
          // loading Java2D, fonts and ImageIO (hundreds of ms), a delay the pacer would otherwise
          // make up with a burst of frames faster than the configured rate.
          pacer.reset();
          first = false;
        }
        pacer.awaitNextTick();
      }
    }
    throw new InterruptedException();
  }
}
