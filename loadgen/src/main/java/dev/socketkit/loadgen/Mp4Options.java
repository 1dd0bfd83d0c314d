package dev.socketkit.loadgen;

import java.net.URI;
import java.time.Duration;

/**
 * What {@link Mp4Load#run} does: which stream, how many viewers, for how long.
 *
 * @param url the stream, {@code http://HOST:PORT/PATH} (for example the camera's {@code
 *     http://127.0.0.1:8000/stream.mp4}, with {@code ?token=...} when the camera asks for one);
 *     HTTPS is not supported
 * @param viewers concurrent viewers, at least 1
 * @param duration how long fragments are counted
 * @param warmup how long viewers watch before counting starts (zero for none); a new viewer first
 *     gets the fragments since the newest keyframe at once, up to a second old, so keep it above a
 *     keyframe interval when the ages matter
 * @param serverPid the server's process id, to report its CPU use over the counted window; 0 for
 *     none
 * @param maxConnecting most viewers that may be connecting or waiting for the first byte of their
 *     response at once; keep it below the server's listen backlog
 */
public record Mp4Options(
    URI url, int viewers, Duration duration, Duration warmup, long serverPid, int maxConnecting)
    implements ViewerOptions {
  /** Checks every value; throws {@link IllegalArgumentException} naming the one that is wrong. */
  public Mp4Options {
    ViewerChecks.check(url, viewers, duration, warmup, serverPid, maxConnecting);
  }
}
