package dev.socketkit.loadgen;

/**
 * What {@link MjpegReport} and {@link Mp4Report} have alike, over the counted window only: the
 * frames per second each viewer received, the bytes, the age of what arrived, the errors and the
 * CPU use. Each report adds the counts its format defines.
 */
public sealed interface ViewerReport permits MjpegReport, Mp4Report {
  /** What was run. */
  ViewerOptions options();

  /** Length of the counted window, in seconds. */
  double seconds();

  /**
   * Frames per second of the slowest viewer (a viewer that failed counts with what it received).
   */
  double fpsMin();

  /** Median frames per second over the viewers. */
  double fpsMedian();

  /** Frames per second of the fastest viewer. */
  double fpsMax();

  /** Bytes received per second by all viewers together. */
  double bytesPerSecond();

  /** Median age of a frame on arrival, microseconds; -1 when no frame carried its capture time. */
  long p50Micros();

  /** 99th percentile frame age, microseconds; -1 as above. */
  long p99Micros();

  /** Oldest frame on arrival, microseconds; -1 as above. */
  long maxMicros();

  /** Viewers that could not connect. */
  long connectErrors();

  /** Viewers closed because their stream broke its format. */
  long protocolErrors();

  /** Viewers whose stream the server ended or reset. */
  long closedErrors();

  /** CPU of the generator's process over the window, as a fraction of one core. */
  double generatorCpu();

  /** The same for the server's process, or -1 when not measured. */
  double serverCpu();

  /** All errors: connect, protocol and closed. */
  default long errors() {
    return connectErrors() + protocolErrors() + closedErrors();
  }

  /**
   * The report as {@code socketkit bench} prints it: lines starting with fixed labels that scripts
   * may match, the same in both formats where they mean the same.
   */
  String format();
}
