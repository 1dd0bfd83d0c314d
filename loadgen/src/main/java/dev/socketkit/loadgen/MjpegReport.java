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
    double serverCpu) {

  /** All errors: connect, protocol and closed. */
  public long errors() {
    return connectErrors + protocolErrors + closedErrors;
  }

  /**
   * The report as {@code socketkit bench mjpeg} prints it: lines starting with fixed labels that
   * scripts may match ({@code fps per viewer:}, {@code repeats:}, {@code bytes/s:}, {@code frame
   * age ms:}, {@code errors:}, {@code cpu:}).
   */
  public String format() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "bench mjpeg %s: %d viewers, %.1f s counted after %.1f s warm-up%n",
            options.url(),
            options.viewers(),
            seconds,
            options.warmup().toMillis() / 1000.0));
    text.append(
        String.format(
            Locale.ROOT,
            "fps per viewer: min %.1f median %.1f max %.1f (%d distinct frames)%n",
            fpsMin,
            fpsMedian,
            fpsMax,
            frames));
    text.append(
        String.format(
            Locale.ROOT,
            "repeats: %d (parts that repeated the previous part's X-Timestamp, not counted)%n",
            repeats));
    text.append(String.format(Locale.ROOT, "bytes/s: %.0f%n", bytesPerSecond));
    if (p50Micros < 0) {
      text.append("frame age ms: not measured (no X-Timestamp in the parts)%n".formatted());
    } else {
      text.append(ReportLines.millis("frame age", p50Micros, p99Micros, maxMicros));
    }
    text.append(
        String.format(
            Locale.ROOT,
            "errors: %d (connect %d, protocol %d, closed %d)%n",
            errors(),
            connectErrors,
            protocolErrors,
            closedErrors));
    text.append(
        ReportLines.cpu(
            generatorCpu,
            serverCpu,
            String.format(
                Locale.ROOT, " (%.3f%% per viewer)", serverCpu * 100 / options.viewers())));
    return text.toString();
  }
}
