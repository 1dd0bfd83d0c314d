package dev.socketkit.camera;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a camera records its frames to disk: when, where, how long each segment is, how much of a
 * motion event's surroundings is kept, and what is deleted to bound the disk used.
 *
 * <p>Made by {@link #builder(RecordMode, Path)}, which starts from the defaults (10-minute
 * segments, 5 s before and after motion, no retention limits, 64 frames of queue, 64 MiB of
 * pre-capture, MP4 when the camera can encode H.264) and checks every value in {@link
 * Builder#build()}. Given to {@link Camera.Builder#recording(RecordingSettings)}; the camera adds
 * its own name (the first part of every segment's file name) and frame rate. Immutable and safe to
 * share between threads.
 */
public final class RecordingSettings {
  private final RecordMode mode;
  private final Path directory;
  private final Duration segment;
  private final Duration preCapture;
  private final Duration postCapture;
  private final int keepDays;
  private final long maxDiskBytes;
  private final int queueFrames;
  private final long preCaptureBytes;
  private final RecordFormat format;

  private RecordingSettings(Builder b) {
    this.mode = Objects.requireNonNull(b.mode, "mode");
    this.directory = Objects.requireNonNull(b.directory, "directory");
    this.segment = requirePositive("segment", b.segment);
    this.preCapture = requireNotNegative("preCapture", b.preCapture);
    this.postCapture = requireNotNegative("postCapture", b.postCapture);
    if (b.keepDays < 0) {
      throw new IllegalArgumentException("keepDays: " + b.keepDays + " (expected: >= 0)");
    }
    if (b.maxDiskBytes < 0) {
      throw new IllegalArgumentException("maxDiskBytes: " + b.maxDiskBytes + " (expected: >= 0)");
    }
    if (b.queueFrames < 1) {
      throw new IllegalArgumentException("queueFrames: " + b.queueFrames + " (expected: >= 1)");
    }
    if (b.preCaptureBytes < 0) {
      throw new IllegalArgumentException(
          "preCaptureBytes: " + b.preCaptureBytes + " (expected: >= 0)");
    }
    this.keepDays = b.keepDays;
    this.maxDiskBytes = b.maxDiskBytes;
    this.queueFrames = b.queueFrames;
    this.preCaptureBytes = b.preCaptureBytes;
    this.format = b.format;
  }

  /**
   * A builder holding the defaults, recording in {@code mode} into {@code directory}. With {@link
   * RecordMode#OFF} nothing is recorded, but the camera still lists and serves the segments already
   * in {@code directory}.
   */
  public static Builder builder(RecordMode mode, Path directory) {
    return new Builder(mode, directory);
  }

  /** When to record. */
  public RecordMode mode() {
    return mode;
  }

  /** Where segments go (created if missing) and are listed from. */
  public Path directory() {
    return directory;
  }

  /** The longest a segment gets before the next one starts. */
  public Duration segment() {
    return segment;
  }

  /** How much from before a motion event a motion segment starts with. */
  public Duration preCapture() {
    return preCapture;
  }

  /** How long a motion segment goes on after the event ended. */
  public Duration postCapture() {
    return postCapture;
  }

  /** Segments older than this many days are deleted; 0 keeps them. */
  public int keepDays() {
    return keepDays;
  }

  /** The oldest segments are deleted while all of them take more bytes than this; 0 is no limit. */
  public long maxDiskBytes() {
    return maxDiskBytes;
  }

  /** Frames waiting for the disk at most; more are dropped (and counted). */
  public int queueFrames() {
    return queueFrames;
  }

  /** Memory for the pre-capture ring buffer at most, in bytes. */
  public long preCaptureBytes() {
    return preCaptureBytes;
  }

  /**
   * The file format asked for, or empty to let the camera choose: {@link RecordFormat#MP4} when it
   * can encode H.264, else {@link RecordFormat#AVI}.
   */
  public Optional<RecordFormat> format() {
    return Optional.ofNullable(format);
  }

  @Override
  public String toString() {
    return "RecordingSettings["
        + mode
        + " into "
        + directory
        + ", segment "
        + segment
        + ", pre "
        + preCapture
        + ", post "
        + postCapture
        + ", keepDays "
        + keepDays
        + ", maxDiskBytes "
        + maxDiskBytes
        + ", format "
        + (format == null ? "auto" : format.extension())
        + "]";
  }

  private static Duration requirePositive(String name, Duration value) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: > 0)");
    }
    return value;
  }

  private static Duration requireNotNegative(String name, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(name + ": " + value + " (expected: >= 0)");
    }
    return value;
  }

  /**
   * Named settings for a {@link RecordingSettings}; {@link #build()} checks them. Not thread-safe.
   */
  public static final class Builder {
    private final RecordMode mode;
    private final Path directory;
    private Duration segment = Duration.ofMinutes(10);
    private Duration preCapture = Duration.ofSeconds(5);
    private Duration postCapture = Duration.ofSeconds(5);
    private int keepDays;
    private long maxDiskBytes;
    private int queueFrames = 64;
    private long preCaptureBytes = 64L << 20;
    private RecordFormat format;

    private Builder(RecordMode mode, Path directory) {
      this.mode = mode;
      this.directory = directory;
    }

    /** The longest a segment gets (default 10 minutes; must be positive). */
    public Builder segment(Duration segment) {
      this.segment = segment;
      return this;
    }

    /** How much from before a motion event is kept (default 5 s). */
    public Builder preCapture(Duration preCapture) {
      this.preCapture = preCapture;
      return this;
    }

    /** How long recording goes on after a motion event (default 5 s). */
    public Builder postCapture(Duration postCapture) {
      this.postCapture = postCapture;
      return this;
    }

    /** Delete segments older than this many days; 0 (the default) keeps them. */
    public Builder keepDays(int keepDays) {
      this.keepDays = keepDays;
      return this;
    }

    /** Delete the oldest segments while all take more bytes than this; 0 (the default) is none. */
    public Builder maxDiskBytes(long maxDiskBytes) {
      this.maxDiskBytes = maxDiskBytes;
      return this;
    }

    /** Frames waiting for the disk at most (default 64). */
    public Builder queueFrames(int queueFrames) {
      this.queueFrames = queueFrames;
      return this;
    }

    /** Memory for the pre-capture ring buffer at most, in bytes (default 64 MiB). */
    public Builder preCaptureBytes(long preCaptureBytes) {
      this.preCaptureBytes = preCaptureBytes;
      return this;
    }

    /**
     * The file format (default null: {@link RecordFormat#MP4} when the camera can encode H.264,
     * else {@link RecordFormat#AVI}, with one log line saying why).
     */
    public Builder format(RecordFormat format) {
      this.format = format;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the first bad value and what was expected
     * @throws NullPointerException if the mode or the directory is null
     */
    public RecordingSettings build() {
      return new RecordingSettings(this);
    }
  }
}
