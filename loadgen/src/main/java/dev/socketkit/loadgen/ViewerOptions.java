package dev.socketkit.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What {@link MjpegOptions} and {@link Mp4Options} have alike: the stream, how many viewers watch
 * it, for how long, and how fast they may connect. The two loads differ only in the stream format
 * their viewers parse.
 */
public sealed interface ViewerOptions permits MjpegOptions, Mp4Options {
  /** The stream, {@code http://HOST:PORT/PATH}. */
  URI url();

  /** Concurrent viewers, at least 1. */
  int viewers();

  /** How long what the viewers receive is counted. */
  Duration duration();

  /** How long viewers watch before counting starts (zero for none). */
  Duration warmup();

  /** The server's process id, to report its CPU use over the counted window; 0 for none. */
  long serverPid();

  /**
   * Most viewers that may be connecting or waiting for the first byte of their response at once.
   */
  int maxConnecting();
}
