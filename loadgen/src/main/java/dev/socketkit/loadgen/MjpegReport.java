package dev.socketkit.loadgen;

import java.util.Locale;

/**
 * The outcome of one {@link MjpegLoad#run}, over the counted window only (after the warm-up).
 *
 * @param options what was run
 * @param seconds length of the counted window, in seconds
 * @param fpsMin distinct frames per second of the slowest viewer (a viewer that failed counts with
 *     what it received)
 * @param fpsMedian median distinct frames per second over the viewers
 * @param fpsMax distinct frames per second of the fastest viewer
 * @param frames distinct frames received by all viewers in the window: per viewer, a part whose
 *     {@code X-Timestamp} differs from its previous part's (parts without one all count)
 * @param repeats parts received in the window whose {@code X-Timestamp} repeated the viewer's
 *     previous part's; not counted in the frames, the fps or the frame age
 * @param bytesPerSecond bytes received per second by all viewers together
 * @param p50Micros median frame age on arrival (the viewer's wall clock when the part's last byte
 *     arrived minus the part's {@code X-Timestamp}), microseconds; -1 when no part carried a
 *     timestamp
 * @param p99Micros 99th percentile frame age, microseconds; -1 as above
 * @param maxMicros oldest frame on arrival, microseconds; -1 as above
 * @param connectErrors viewers that could not connect
 * @param protocolErrors viewers closed because of a bad status, a bad multipart stream, a part that
 *     is not a JPEG, or a Content-Length that does not match
 * @param closedErrors viewers whose stream the server ended or reset
 * @param generatorCpu CPU of the generator's process over the window, as a fraction of one core
 * @param serverCpu the same for the server's process, or -1 when not measured
 */
public record MjpegReport(
    MjpegOptions options,
    double seconds,
    double fpsMin,
    double fpsMedian,
    double fpsMax,
    long frames,
    long repeats,
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

  /**
   * The report as {@code socketkit bench mjpeg} prints it: lines starting with fixed labels that
   * scripts may match ({@code fps per viewer:}, {@code repeats:}, {@code bytes/s:}, {@code frame
   * age ms:}, {@code errors:}, {@code cpu:}).
   */
  @Override
  public String format() {
    return ReportLines.viewersHead("mjpeg", this, frames, "distinct frames")
        + String.format(
            Locale.ROOT,
            "repeats: %d (parts that repeated the previous part's X-Timestamp, not counted)%n",
            repeats)
        + String.format(Locale.ROOT, "bytes/s: %.0f%n", bytesPerSecond)
        + ReportLines.viewersTail(this, "frame", "no X-Timestamp in the parts");
  }
}
