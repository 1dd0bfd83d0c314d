package dev.socketkit.loadgen;

import java.util.Locale;

/**
 * The outcome of one {@link EchoLoad#run}: counts and latencies over the counted window only (after
 * the warm-up).
 *
 * @param options what was run
 * @param seconds length of the counted window, in seconds
 * @param roundTrips messages whose whole echo arrived, checked, inside the window
 * @param p50Micros median round-trip latency, microseconds
 * @param p99Micros 99th percentile round-trip latency, microseconds
 * @param maxMicros longest round trip, microseconds
 * @param connectErrors connections that could not be opened
 * @param closedErrors connections the server closed or reset while they were in use
 * @param corruptErrors connections whose echo differed from what was sent (closed at the first
 *     wrong byte)
 * @param openAtEnd connections still open and echoing when the window ended
 * @param generatorCpu CPU time of the generator's process over the window, as a fraction of one
 *     core (1.0 = one core busy)
 * @param serverCpu the same for the server's process, or -1 when no server pid was given or it
 *     could not be read
 */
public record EchoReport(
    EchoOptions options,
    double seconds,
    long roundTrips,
    long p50Micros,
    long p99Micros,
    long maxMicros,
    long connectErrors,
    long closedErrors,
    long corruptErrors,
    int openAtEnd,
    double generatorCpu,
    double serverCpu) {

  /** Round trips per second over the counted window. */
  public double roundTripsPerSecond() {
    return seconds > 0 ? roundTrips / seconds : 0;
  }

  /** All errors: connect, closed and corrupt. */
  public long errors() {
    return connectErrors + closedErrors + corruptErrors;
  }

  /**
   * The report as the {@code socketkit bench echo} command prints it: five lines, each starting
   * with a fixed label that scripts may match ({@code round trips/s:}, {@code latency ms:}, {@code
   * errors:}, {@code cpu:}).
   */
  public String format() {
    StringBuilder text = new StringBuilder();
    text.append(
        String.format(
            Locale.ROOT,
            "bench echo %s:%d: %d connections, %d-byte messages%s, pipeline %d, %.1f s counted"
                + " after %.1f s warm-up%n",
            options.address().getHostString(),
            options.address().getPort(),
            options.connections(),
            options.size(),
            options.lines() ? " (lines)" : "",
            options.pipeline(),
            seconds,
            options.warmup().toMillis() / 1000.0));
    text.append(String.format(Locale.ROOT, "round trips/s: %.1f%n", roundTripsPerSecond()));
    text.append(ReportLines.millis("latency", p50Micros, p99Micros, maxMicros));
    text.append(
        String.format(
            Locale.ROOT,
            "errors: %d (connect %d, closed %d, corrupt %d); open at the end: %d of %d%n",
            errors(),
            connectErrors,
            closedErrors,
            corruptErrors,
            openAtEnd,
            options.connections()));
    text.append(ReportLines.cpu(generatorCpu, serverCpu, ""));
    return text.toString();
  }
}
