package dev.socketkit.camera.recording;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link Recorder} records: the {@code --record*}, {@code --segment}, {@code --pre-capture},
 * {@code --post-capture}, {@code --keep-days} and {@code --max-disk} flags of {@code socketkit
 * camera}.
 *
 * @param mode when to record
 * @param directory where segments go (created if missing)
 * @param cameraName the camera's name, the first part of every segment's file name
 * @param segment the longest a segment gets before the next one starts
 * @param preCapture how much from before a motion event a motion segment starts with
 * @param postCapture how long a motion segment goes on after the event ended
 * @param keepDays segments older than this many days are deleted; 0 keeps them
 * @param maxDiskBytes the oldest segments are deleted while all of them take more; 0 is no limit
 * @param nominalFps the source's frame rate, written into a segment's header until it is finished
 * @param queueFrames frames waiting for the disk at most; more are dropped (and counted)
 * @param preCaptureBytes memory for the pre-capture ring buffer at most
 */
public record RecordingSettings(
    RecordMode mode,
    Path directory,
    String cameraName,
    Duration segment,
    Duration preCapture,
    Duration postCapture,
    int keepDays,
    long maxDiskBytes,
    double nominalFps,
    int queueFrames,
    long preCaptureBytes) {

  /** Checks every value; a bad one is an {@link IllegalArgumentException} naming it. */
  public RecordingSettings {
    Objects.requireNonNull(mode, "mode");
    Objects.requireNonNull(directory, "directory");
    Objects.requireNonNull(cameraName, "cameraName");
    requirePositive("segment", segment);
    requireNotNegative("preCapture", preCapture);
    requireNotNegative("postCapture", postCapture);
    if (keepDays < 0) {
      throw new IllegalArgumentException("keepDays: " + keepDays + " (expected: >= 0)");
    }
    if (maxDiskBytes < 0) {
      throw new IllegalArgumentException("maxDiskBytes: " + maxDiskBytes + " (expected: >= 0)");
    }
    if (!(nominalFps > 0)) {
      throw new IllegalArgumentException("nominalFps: " + nominalFps + " (expected: > 0)");
    }
    if (queueFrames < 1) {
      throw new IllegalArgumentException("queueFrames: " + queueFrames + " (expected: >= 1)");
    }
    if (preCaptureBytes < 0) {
      throw new IllegalArgumentException(
          "preCaptureBytes: " + preCaptureBytes + " (expected: >= 0)");
    }
  }

  /**
   * The defaults of {@code socketkit camera}: 10-minute segments, 5 s before and after motion, no
   * retention limits, 64 frames of queue, 64 MiB of pre-capture.
   */
  public static RecordingSettings defaults(
      RecordMode mode, Path directory, String cameraName, double nominalFps) {
    return new RecordingSettings(
        mode,
        directory,
        cameraName,
        Duration.ofMinutes(10),
        Duration.ofSeconds(5),
        Duration.ofSeconds(5),
        0,
        0,
        nominalFps,
        64,
        64L << 20);
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
  }

  private static void requireNotNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
  }
}
