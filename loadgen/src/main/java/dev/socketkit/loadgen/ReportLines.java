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

  /**
   * The first lines of a viewer report: what ran, then the fps per viewer and the {@code count} of
   * {@code what} (such as {@code distinct frames}) the viewers received.
   */
  static String viewersHead(String bench, ViewerReport report, long count, String what) {
    ViewerOptions options = report.options();
    return String.format(
            Locale.ROOT,
            "bench %s %s: %d viewers, %.1f s counted after %.1f s warm-up%n",
            bench,
            options.url(),
            options.viewers(),
            report.seconds(),
            options.warmup().toMillis() / 1000.0)
        + String.format(
            Locale.ROOT,
            "fps per viewer: min %.1f median %.1f max %.1f (%d %s)%n",
            report.fpsMin(),
            report.fpsMedian(),
            report.fpsMax(),
            count,
            what);
  }

  /**
   * The last lines of a viewer report: the age of each {@code what} on arrival, or, when none
   * carried its capture time, that it was not measured and why ({@code unmeasured}); then the
   * errors and the CPU use.
   */
  static String viewersTail(ViewerReport report, String what, String unmeasured) {
    String age =
        report.p50Micros() < 0
            ? String.format(Locale.ROOT, "%s age ms: not measured (%s)%n", what, unmeasured)
            : millis(what + " age", report.p50Micros(), report.p99Micros(), report.maxMicros());
    String errors =
        String.format(
            Locale.ROOT,
            "errors: %d (connect %d, protocol %d, closed %d)%n",
            report.errors(),
            report.connectErrors(),
            report.protocolErrors(),
            report.closedErrors());
    String perViewer =
        String.format(
            Locale.ROOT,
            " (%.3f%% per viewer)",
            report.serverCpu() * 100 / report.options().viewers());
    return age + errors + cpu(report.generatorCpu(), report.serverCpu(), perViewer);
  }
}
