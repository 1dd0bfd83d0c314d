package dev.socketkit.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What {@link MjpegLoad#run} does: which stream, how many viewers, for how long.
 *
 * @param url the stream, {@code http://HOST:PORT/PATH} (for example the camera's {@code
 *     http://127.0.0.1:8000/stream.mjpg}); HTTPS is not supported
 * @param viewers concurrent viewers, at least 1
 * @param duration how long frames are counted
 * @param warmup how long viewers watch before counting starts (zero for none)
 * @param serverPid the server's process id, to report its CPU use over the counted window; 0 for
 *     none
 * @param maxConnecting most viewers that may be connecting or waiting for the first byte of their
 *     response at once; keep it below the server's listen backlog (Python's socketserver listens
 *     with 5) so that a burst of viewers does not overflow it into SYN retransmits
 */
public record MjpegOptions(
    URI url, int viewers, Duration duration, Duration warmup, long serverPid, int maxConnecting)
    implements ViewerOptions {
  /** Checks every value; throws {@link IllegalArgumentException} naming the one that is wrong. */
  public MjpegOptions {
    ViewerChecks.check(url, viewers, duration, warmup, serverPid, maxConnecting);
  }
}
