package dev.socketkit.camera;

import dev.socketkit.camera.internal.DirectorySource;
import dev.socketkit.camera.internal.FfmpegSource;
import dev.socketkit.camera.internal.MjpegRelaySource;
import dev.socketkit.camera.internal.TestPatternSource;
import java.nio.file.Path;

/**
 * Where frames come from: the built-in test pattern, an ffmpeg child process, a folder of JPEG
 * files, or another MJPEG server ({@link #parse}), or a source of your own given to {@link
 * Camera.Builder#source(FrameSource)}.
 *
 * <p>Lifecycle: the camera's source supervisor calls {@link #run} on its own thread. {@code run}
 * publishes frames to the hub until the thread is interrupted (then it returns or throws {@link
 * InterruptedException}), the input ends (it returns) or fails (it throws). The supervisor then
 * shows NO SIGNAL and calls {@code run} again after a back-off. A source releases everything it
 * opened (child processes, connections) before {@code run} returns or throws.
 */
public interface FrameSource {
  /** A short description for {@code /state} and logs, without secrets (no passwords in URLs). */
  String describe();

  /**
   * Produces frames into {@code hub} until interrupted, the end of input, or a failure.
   *
   * @throws InterruptedException when the supervisor stops the source
   * @throws Exception when the input fails; its message is shown in {@code /state}
   */
  void run(FrameHub hub) throws Exception;

  /**
   * Unblocks a {@link #run} that is stuck in blocking I/O (kills the child process, closes the
   * connection), so that the interrupted source thread can leave. Called from another thread (the
   * supervisor's watchdog, or close); must be safe to call at any time, repeatedly. The default
   * does nothing (for sources that only sleep, which interruption ends).
   */
  default void abort() {}

  /**
   * The frame rate this source keeps by itself on a steady schedule, or 0 (the default) when it
   * publishes frames as fast as they come. A camera caps a source that does not pace itself at its
   * {@code --fps}; a source that paces itself at or under that rate passes uncapped, so that the
   * frames it publishes back to back to catch up after a delay (a busy core) are not dropped.
   */
  default int pacedFps() {
    return 0;
  }

  /**
   * The source a {@code --source} value names: {@code test}, {@code ffmpeg:ARGS}, {@code dir:PATH}
   * or an {@code http://} / {@code https://} URL.
   *
   * @param spec the {@code --source} value
   * @param settings the size, rate and quality the command was given
   * @throws IllegalArgumentException with one readable sentence when {@code spec} names nothing
   */
  static FrameSource parse(String spec, Settings settings) {
    if (spec == null || spec.isBlank() || spec.equals("test")) {
      return new TestPatternSource(
          settings.width(), settings.height(), settings.fps(), settings.quality(), settings.name());
    }
    if (spec.startsWith("ffmpeg:")) {
      return new FfmpegSource(spec.substring("ffmpeg:".length()), settings.quality());
    }
    if (spec.startsWith("dir:")) {
      return new DirectorySource(Path.of(spec.substring("dir:".length())), settings.fps());
    }
    if (spec.startsWith("http://") || spec.startsWith("https://")) {
      return new MjpegRelaySource(spec, settings.maxFrameSize());
    }
    throw new IllegalArgumentException(
        "unknown source '"
            + spec
            + "' (expected: test, ffmpeg:ARGS, dir:PATH, or an http:// URL of an MJPEG stream)");
  }

  /**
   * What the command line says about frames, for sources that make their own (test) or pace files
   * (dir).
   *
   * @param width frame width in pixels
   * @param height frame height in pixels
   * @param fps frames per second
   * @param quality JPEG quality, 1 to 100
   * @param name the camera's name, drawn on the test pattern
   * @param maxFrameSize the largest frame, in bytes, a relayed MJPEG server may deliver; a larger
   *     one is dropped
   */
  record Settings(int width, int height, int fps, int quality, String name, int maxFrameSize) {
    /**
     * The default cap on a frame: 4 MiB, well above a 4K JPEG at high quality (about 1.5 MB), and
     * small enough that a hostile upstream cannot fill the memory with a few frames.
     */
    public static final int DEFAULT_MAX_FRAME_SIZE = 4 * 1024 * 1024;

    /** The most {@code --max-frame-size} may say: 64 MiB, twice an 8K JPEG at top quality. */
    public static final int MAX_MAX_FRAME_SIZE = 64 * 1024 * 1024;

    /** Settings with the default frame size cap. */
    public Settings(int width, int height, int fps, int quality, String name) {
      this(width, height, fps, quality, name, DEFAULT_MAX_FRAME_SIZE);
    }

    /** Checks the ranges. */
    public Settings {
      checkMaxFrameSize(maxFrameSize);
      if (width < 16 || height < 16 || width > 8192 || height > 8192) {
        throw new IllegalArgumentException(
            "size: " + width + "x" + height + " (expected: 16x16 to 8192x8192)");
      }
      if (fps < 1 || fps > 240) {
        throw new IllegalArgumentException("fps: " + fps + " (expected: 1 to 240)");
      }
      if (quality < 1 || quality > 100) {
        throw new IllegalArgumentException("quality: " + quality + " (expected: 1 to 100)");
      }
    }

    /**
     * Checks a frame size cap.
     *
     * @throws IllegalArgumentException if {@code bytes} is below 1 KiB or above {@link
     *     #MAX_MAX_FRAME_SIZE}
     */
    static void checkMaxFrameSize(int bytes) {
      if (bytes < 1024 || bytes > MAX_MAX_FRAME_SIZE) {
        throw new IllegalArgumentException(
            "max frame size: " + bytes + " bytes (expected: 1 KiB to 64 MiB)");
      }
    }
  }
}
