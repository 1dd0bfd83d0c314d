package dev.socketkit.cli;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.Surveillance;
import dev.socketkit.camera.SurveillanceRoutes;
import dev.socketkit.camera.motion.EventHook;
import dev.socketkit.camera.motion.MotionSettings;
import dev.socketkit.camera.recording.RecordMode;
import dev.socketkit.camera.recording.RecordingSettings;
import dev.socketkit.camera.recording.Segments;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;

/**
 * The surveillance flags of {@code socketkit camera}: motion detection, event programs, recording
 * and retention. A picocli mixin ({@code @Mixin SurveillanceOptions surveillance}); {@link #create}
 * turns the flags into a {@link Surveillance}, or a {@link CommandFailure} naming the bad
 * combination.
 *
 * <p>Used on the command's thread only.
 */
final class SurveillanceOptions {
  private static final System.Logger LOG = System.getLogger(SurveillanceOptions.class.getName());

  /** The snapshot directory made in the temporary directory, deleted at exit; or null. */
  Path temporarySnapshots;

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
   * Builds the surveillance the flags ask for (not yet started).
   *
   * @param fps the camera's frame rate, written into segment headers until they are finished
   * @throws CommandFailure on a bad value or combination, in one sentence
   */
  Surveillance create(FrameHub hub, String cameraName, double fps) {
    validate();
    try {
      MotionSettings motionSettings =
          motion
              ? new MotionSettings(
                  motionFps,
                  motionThreshold,
                  motionArea,
                  seconds(motionMinDuration),
                  seconds(motionGap),
                  MotionSettings.defaults().analysisWidth(),
                  MotionSettings.defaults().backgroundRate())
              : null;
      Duration timeout = seconds(hookTimeout);
      EventHook start = hook("--on-motion-start", onMotionStart, timeout);
      EventHook end = hook("--on-motion-end", onMotionEnd, timeout);
      RecordingSettings recording = null;
      if (record != RecordMode.OFF) {
        RecordingSettings defaults =
            RecordingSettings.defaults(record, recordDirectory(), cameraName, fps > 0 ? fps : 10);
        recording =
            new RecordingSettings(
                record,
                recordDirectory(),
                cameraName,
                Duration.ofMillis(Math.round(segmentMinutes * 60_000)),
                seconds(preCapture),
                seconds(postCapture),
                keepDays,
                maxDisk,
                defaults.nominalFps(),
                defaults.queueFrames(),
                defaults.preCaptureBytes());
      }
      Path snapshots;
      if (recordDir != null || record != RecordMode.OFF) {
        snapshots = recordDirectory().resolve("events");
      } else {
        snapshots =
            Path.of(
                System.getProperty("java.io.tmpdir"),
                "socketkit-events-" + ProcessHandle.current().pid());
        temporarySnapshots = snapshots;
      }
      return new Surveillance(hub, cameraName, motionSettings, start, end, recording, snapshots);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("bad surveillance setting: " + e.getMessage(), e);
    }
  }

  /**
   * Checks the combination of flags before the camera starts.
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

  /** The routes for {@code /events} and {@code /recordings} over {@code surveillance}. */
  SurveillanceRoutes routes(Surveillance surveillance) {
    Segments segments =
        surveillance.recorder() != null
            ? surveillance.recorder().segments()
            : recordDir != null ? new Segments(recordDir) : null;
    return new SurveillanceRoutes(surveillance.events(), segments, surveillance.recorder());
  }

  /**
   * Deletes the temporary snapshot directory {@link #create} chose when there is no record
   * directory; call after the surveillance is closed (its hooks no longer read the snapshots).
   */
  void deleteTemporarySnapshots() {
    Path directory = temporarySnapshots;
    if (directory == null || !Files.isDirectory(directory)) {
      return;
    }
    try {
      List<Path> files;
      try (Stream<Path> listing = Files.list(directory)) {
        files = listing.toList();
      }
      for (Path file : files) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(directory);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "cannot delete the motion snapshots in " + directory + ": " + e);
    }
  }

  private Path recordDirectory() {
    return recordDir != null ? recordDir : Path.of("recordings");
  }

  private static EventHook hook(String flag, String command, Duration timeout) {
    if (command == null) {
      return null;
    }
    try {
      return new EventHook(EventHook.split(command), timeout);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure(flag + ": " + e.getMessage(), e);
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
      try {
        return RecordMode.valueOf(value.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.TypeConversionException(
            "'" + value + "' (expected: off, motion or continuous)");
      }
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
