package dev.socketkit.loadgen;

import java.util.Locale;

/**
 * The lines {@link EchoReport}, {@link MjpegReport} and {@link Mp4Report} print alike. Stateless;
 * any thread.
 */
final class ReportLines {
  private ReportLines() {}

  /** {@code LABEL ms: p50 P p99 P max M} and a line separator, from microseconds. */
  static String millis(String label, long p50Micros, long p99Micros, long maxMicros) {
    return String.format(
        Locale.ROOT,
        "%s ms: p50 %.3f p99 %.3f max %.3f%n",
        label,
        p50Micros / 1000.0,
        p99Micros / 1000.0,
        maxMicros / 1000.0);
  }

  /**
   * {@code cpu: load generator G% of one core; server S} and a line separator.
   *
   * @param serverDetail what follows {@code % of one core} for the server, such as {@code " (0.1%
   *     per viewer)"}, or empty
   */
  static String cpu(double generatorCpu, double serverCpu, String serverDetail) {
    return String.format(
        Locale.ROOT,
        "cpu: load generator %.1f%% of one core; server %s%n",
        generatorCpu * 100,
        serverCpu < 0
            ? "not measured (give --server-pid)"
            : String.format(Locale.ROOT, "%.1f%% of one core", serverCpu * 100) + serverDetail);
  }
}
