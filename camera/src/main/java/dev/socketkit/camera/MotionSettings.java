package dev.socketkit.camera;

import java.time.Duration;

/**
 * How motion is detected. Made by {@link #builder()} (named values over the defaults) or {@link
 * #defaults()}; given to {@link Camera.Builder#motion(MotionSettings)}. Immutable and safe to share
 * between threads.
 *
 * @param fps frames analysed per second at most (the newest is always the one analysed)
 * @param threshold how much a pixel's grey level (0-255) must differ from the background to count
 *     as changed
 * @param area the fraction of pixels (0-1) that must change for a frame to count as moving
 * @param minDuration how long frames must keep moving before an event starts (a flicker is shorter)
 * @param gap how long frames must stay still before the event ends (so one event is not cut in two
 *     by a pause)
 * @param analysisWidth the width, in pixels, frames are scaled down to (roughly) before comparing
 * @param backgroundRate how fast the background follows the picture: the weight of each analysed
 *     frame in the running average (0-1)
 */
public record MotionSettings(
    double fps,
    int threshold,
    double area,
    Duration minDuration,
    Duration gap,
    int analysisWidth,
    double backgroundRate) {

  /** Checks every value; a bad one is an {@link IllegalArgumentException} naming it. */
  public MotionSettings {
    if (!(fps > 0 && fps <= 1000)) {
      throw new IllegalArgumentException("fps: " + fps + " (expected: > 0 and <= 1000)");
    }
    if (threshold < 1 || threshold > 255) {
      throw new IllegalArgumentException("threshold: " + threshold + " (expected: 1 to 255)");
    }
    if (!(area > 0 && area <= 1)) {
      throw new IllegalArgumentException("area: " + area + " (expected: > 0 and <= 1)");
    }
    if (minDuration == null || minDuration.isNegative()) {
      throw new IllegalArgumentException("minDuration: " + minDuration + " (expected: >= 0)");
    }
    if (gap == null || gap.isNegative()) {
      throw new IllegalArgumentException("gap: " + gap + " (expected: >= 0)");
    }
    if (analysisWidth < 8) {
      throw new IllegalArgumentException("analysisWidth: " + analysisWidth + " (expected: >= 8)");
    }
    if (!(backgroundRate > 0 && backgroundRate <= 1)) {
      throw new IllegalArgumentException(
          "backgroundRate: " + backgroundRate + " (expected: > 0 and <= 1)");
    }
  }

  /**
   * The defaults: 5 frames a second, a change of 25 grey levels on 1% of the picture, for 0.5 s to
   * start and 3 s of stillness to end; frames compared at about 160 pixels wide; the background
   * takes in 5% of each frame (it follows slow light changes within seconds).
   */
  public static MotionSettings defaults() {
    return new MotionSettings(
        5, 25, 0.01, Duration.ofMillis(500), Duration.ofSeconds(3), 160, 0.05);
  }

  /** A builder holding the {@link #defaults()}. */
  public static Builder builder() {
    return new Builder();
  }

  /** Named values for a {@link MotionSettings}; {@link #build()} checks them. Not thread-safe. */
  public static final class Builder {
    private final MotionSettings defaults = defaults();
    private double fps = defaults.fps();
    private int threshold = defaults.threshold();
    private double area = defaults.area();
    private Duration minDuration = defaults.minDuration();
    private Duration gap = defaults.gap();
    private int analysisWidth = defaults.analysisWidth();
    private double backgroundRate = defaults.backgroundRate();

    private Builder() {}

    /** Frames analysed per second at most (default 5). */
    public Builder fps(double fps) {
      this.fps = fps;
      return this;
    }

    /** Grey levels (1-255) a pixel must change by to count as changed (default 25). */
    public Builder threshold(int threshold) {
      this.threshold = threshold;
      return this;
    }

    /** The fraction of pixels (0-1) that must change for a frame to move (default 0.01). */
    public Builder area(double area) {
      this.area = area;
      return this;
    }

    /** How long frames must keep moving before an event starts (default 0.5 s). */
    public Builder minDuration(Duration minDuration) {
      this.minDuration = minDuration;
      return this;
    }

    /** How long frames must stay still before the event ends (default 3 s). */
    public Builder gap(Duration gap) {
      this.gap = gap;
      return this;
    }

    /** The width frames are scaled down to before comparing (default 160). */
    public Builder analysisWidth(int analysisWidth) {
      this.analysisWidth = analysisWidth;
      return this;
    }

    /** The weight of each analysed frame in the background's running average (default 0.05). */
    public Builder backgroundRate(double backgroundRate) {
      this.backgroundRate = backgroundRate;
      return this;
    }

    /**
     * The settings.
     *
     * @throws IllegalArgumentException naming the first bad value and what was expected
     */
    public MotionSettings build() {
      return new MotionSettings(
          fps, threshold, area, minDuration, gap, analysisWidth, backgroundRate);
    }
  }
}
