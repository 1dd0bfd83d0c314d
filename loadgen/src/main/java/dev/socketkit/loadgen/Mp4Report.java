package dev.socketkit.loadgen;

import java.util.Locale;

/**
 * The outcome of one {@link Mp4Load#run}, over the counted window only (after the warm-up).
 *
 * @param options what was run
 * @param seconds length of the counted window, in seconds
 * @param fpsMin fragments per second of the slowest viewer (a viewer that failed counts with what
 *     it received); on the camera's live stream one fragment is one picture
 * @param fpsMedian median fragments per second over the viewers
 * @param fpsMax fragments per second of the fastest viewer
 * @param fragments fragments ({@code moof} + {@code mdat}) received by all viewers in the window
 * @param untimed fragments in the window without a {@code prft} before their {@code moof}: counted
 *     in the fps, not in the age
 * @param bytesPerSecond bytes received per second by all viewers together
 * @param p50Micros median fragment age on arrival (the viewer's wall clock when the fragment's last
 *     byte arrived minus the {@code prft}'s capture time), microseconds; -1 when no fragment
 *     carried a {@code prft}
 * @param p99Micros 99th percentile fragment age, microseconds; -1 as above
 * @param maxMicros oldest fragment on arrival, microseconds; -1 as above
 * @param connectErrors viewers that could not connect
 * @param protocolErrors viewers closed because of a bad status or Content-Type, or a stream that is
 *     not fragmented MP4
 * @param closedErrors viewers whose stream the server ended or reset
 * @param generatorCpu CPU of the generator's process over the window, as a fraction of one core
 * @param serverCpu the same for the server's process, or -1 when not measured
 */
public record Mp4Report(
    Mp4Options options,
    double seconds,
    double fpsMin,
    double fpsMedian,
    double fpsMax,
    long fragments,
    long untimed,
    double bytesPerSecond,
    long p50Micros,
    long p99Micros,
    long maxMicros,
    long connectErrors,
    long protocolErrors,
    long closedErrors,
    double generatorCpu,
    double serverCpu)
    implements ViewerReport {

  /** Bytes per second received by one viewer, on average over all viewers. */
  public double bytesPerSecondPerViewer() {
    return bytesPerSecond / options.viewers();
  }

  /**
   * The report as {@code socketkit bench mp4} prints it: lines starting with fixed labels that
   * scripts may match ({@code fps per viewer:}, {@code untimed:}, {@code bytes/s:}, {@code fragment
   * age ms:}, {@code errors:}, {@code cpu:}), the same as {@code bench mjpeg}'s where they mean the
   * same.
   */
  @Override
  public String format() {
    return ReportLines.viewersHead("mp4", this, fragments, "fragments")
        + String.format(
            Locale.ROOT, "untimed: %d (fragments without a prft, not in the age)%n", untimed)
        + String.format(
            Locale.ROOT,
            "bytes/s: %.0f (per viewer %.0f, %.1f kbit/s)%n",
            bytesPerSecond,
            bytesPerSecondPerViewer(),
            bytesPerSecondPerViewer() * 8 / 1000)
        + ReportLines.viewersTail(this, "fragment", "no prft in the stream");
  }
}
