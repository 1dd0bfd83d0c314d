package dev.socketkit.cli;

import dev.socketkit.camera.Camera;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.RecordFormat;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import java.nio.file.Path;
import java.time.Duration;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The surveillance flags of {@code socketkit camera}: motion detection, event programs, recording
 * and retention. A picocli mixin ({@code @Mixin SurveillanceOptions surveillance}); {@link
 * #configure} maps the flags onto a {@link Camera.Builder}, which assembles and owns the motion
 * detection and recording, or throws a {@link CommandFailure} naming the bad flag or combination.
 *
 * <p>Used on the command's thread only.
 */
final class SurveillanceOptions {
  @Option(
      names = "--motion",
      description =
          "Detect motion: events at /events, shown on the page, and the --on-motion-* programs.")
  boolean motion;

  @Option(
      names = "--motion-fps",
      paramLabel = "N",
      defaultValue = "5",
      description =
          "Frames analysed per second at most, always the newest (default: ${DEFAULT-VALUE}).")
  double motionFps;

  @Option(
      names = "--motion-threshold",
      paramLabel = "LEVELS",
      defaultValue = "25",
      description =
          "How much a pixel's grey level (0-255) must differ from the background to count as changed"
              + " (default: ${DEFAULT-VALUE}).")
  int motionThreshold;

  @Option(
      names = "--motion-area",
      paramLabel = "FRACTION",
      defaultValue = "1%",
      converter = Fraction.class,
      description =
          "Share of the picture that must change for a frame to move: 0.01 or 1%% (default: 1%%).")
  double motionArea;

  @Option(
      names = "--motion-min-duration",
      paramLabel = "SECONDS",
      defaultValue = "0.5",
      description = "Motion must last this long to start an event (default: ${DEFAULT-VALUE}).")
  double motionMinDuration;

  @Option(
      names = "--motion-gap",
      paramLabel = "SECONDS",
      defaultValue = "3",
      description =
          "Stillness that ends an event; shorter pauses keep it going (default: ${DEFAULT-VALUE}).")
  double motionGap;

  @Option(
      names = "--on-motion-start",
      paramLabel = "CMD",
      description =
          "Program to run when an event starts, with SOCKETKIT_EVENT_* variables; split into words"
              + " without a shell.")
  String onMotionStart;

  @Option(
      names = "--on-motion-end",
      paramLabel = "CMD",
      description = "Program to run when an event ends (as --on-motion-start).")
  String onMotionEnd;

  @Option(
      names = "--hook-timeout",
      paramLabel = "SECONDS",
      defaultValue = "30",
      description = "A motion program running longer is killed (default: ${DEFAULT-VALUE}).")
  double hookTimeout;

  @Option(
      names = "--record",
      paramLabel = "MODE",
      defaultValue = "off",
      converter = Mode.class,
      description =
          "off, motion (around events; needs --motion) or continuous (default: ${DEFAULT-VALUE}).")
  RecordMode record;

  @Option(
      names = "--record-dir",
      paramLabel = "DIR",
      description =
          "Where recordings go and /recordings lists them (default: ./recordings when recording).")
  Path recordDir;

  @Option(
      names = "--record-format",
      paramLabel = "FORMAT",
      converter = Format.class,
      description =
          "mp4 (H.264, a tenth of the bytes; needs ffmpeg with libx264) or avi (MJPEG) "
              + "(default: mp4 when H.264 is available, else avi).")
  RecordFormat recordFormat;

  @Option(
      names = "--segment",
      paramLabel = "MINUTES",
      defaultValue = "10",
      description = "Longest segment; the next starts after it (default: ${DEFAULT-VALUE}).")
  double segmentMinutes;

  @Option(
      names = "--pre-capture",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "With --record motion: seconds kept from before the event (default: ${DEFAULT-VALUE}).")
  double preCapture;

  @Option(
      names = "--post-capture",
      paramLabel = "SECONDS",
      defaultValue = "5",
      description =
          "With --record motion: seconds recorded after the event (default: ${DEFAULT-VALUE}).")
  double postCapture;

  @Option(
      names = "--keep-days",
      paramLabel = "DAYS",
      defaultValue = "0",
      description = "Delete recordings older than this; 0 keeps them (default: ${DEFAULT-VALUE}).")
  int keepDays;

  @Option(
      names = "--max-disk",
      paramLabel = "SIZE",
      defaultValue = "0",
      converter = ByteSizes.NonNegative.class,
      description =
          "Delete the oldest recordings while all take more: 500M, 10G; 0 is no limit (default: ${DEFAULT-VALUE}).")
  long maxDisk;

  /** Whether any surveillance flag turns something on. */
  boolean enabled() {
    return motion || record != RecordMode.OFF;
  }

  /**
   * Maps the flags onto the camera's builder: motion detection, the motion programs, recording.
   *
   * @throws CommandFailure on a bad value or combination, in one sentence naming the flag
   */
  void configure(Camera.Builder builder) {
    validate();
    MotionSettings motionSettings = motionSettings();
    RecordingSettings recordingSettings = recordingSettings();
    builder.motion(motionSettings).recording(recordingSettings);
    try {
      builder.onMotionStart(onMotionStart);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--on-motion-start: " + e.getMessage(), e);
    }
    try {
      builder.onMotionEnd(onMotionEnd);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--on-motion-end: " + e.getMessage(), e);
    }
    try {
      builder.hookTimeout(seconds(hookTimeout));
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--hook-timeout: " + e.getMessage(), e);
    }
  }

  /**
   * The motion settings the {@code --motion*} flags ask for, or null without {@code --motion}.
   *
   * @throws CommandFailure on a bad value
   */
  MotionSettings motionSettings() {
    if (!motion) {
      return null;
    }
    try {
      return MotionSettings.builder()
          .fps(motionFps)
          .threshold(motionThreshold)
          .area(motionArea)
          .minDuration(seconds(motionMinDuration))
          .gap(seconds(motionGap))
          .build();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("bad surveillance setting: " + e.getMessage(), e);
    }
  }

  /**
   * The recording settings the {@code --record*} and retention flags ask for: null when neither
   * {@code --record} nor {@code --record-dir} is given; mode {@code off} with a {@code
   * --record-dir} lists the recordings there without recording.
   *
   * @throws CommandFailure on a bad value
   */
  RecordingSettings recordingSettings() {
    if (record == RecordMode.OFF && recordDir == null) {
      return null;
    }
    try {
      return RecordingSettings.builder(
              record, recordDir != null ? recordDir : Path.of("recordings"))
          .segment(Duration.ofMillis(Math.round(segmentMinutes * 60_000)))
          .preCapture(seconds(preCapture))
          .postCapture(seconds(postCapture))
          .keepDays(keepDays)
          .maxDiskBytes(maxDisk)
          .format(recordFormat)
          .build();
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("bad surveillance setting: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the combination of flags before the camera starts; the camera checks the same in its own
   * words, this names the flags.
   *
   * @throws CommandFailure naming the bad combination
   */
  void validate() {
    if (record == RecordMode.MOTION && !motion) {
      throw new CommandFailure("--record motion needs --motion (or use --record continuous)");
    }
    if ((onMotionStart != null || onMotionEnd != null) && !motion) {
      throw new CommandFailure("--on-motion-start and --on-motion-end need --motion");
    }
  }

  private static Duration seconds(double seconds) {
    if (!(seconds >= 0) || Double.isInfinite(seconds)) {
      throw new IllegalArgumentException(seconds + " seconds (expected: >= 0)");
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }

  /** {@code off}, {@code motion}, {@code continuous}. */
  static final class Mode implements ITypeConverter<RecordMode> {
    @Override
    public RecordMode convert(String value) {
      return EnumOption.parse(RecordMode.class, value, "off, motion or continuous");
    }
  }

  /** {@code mp4} or {@code avi}. */
  static final class Format implements ITypeConverter<RecordFormat> {
    @Override
    public RecordFormat convert(String value) {
      return EnumOption.parse(RecordFormat.class, value, "mp4 or avi");
    }
  }

  /** {@code 0.01} or {@code 1%}. */
  static final class Fraction implements ITypeConverter<Double> {
    @Override
    public Double convert(String value) {
      String v = value.trim();
      try {
        return v.endsWith("%")
            ? Double.parseDouble(v.substring(0, v.length() - 1)) / 100
            : Double.parseDouble(v);
      } catch (NumberFormatException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' (expected: a fraction like 0.01 or a percentage like 1%)");
      }
    }
  }
}
