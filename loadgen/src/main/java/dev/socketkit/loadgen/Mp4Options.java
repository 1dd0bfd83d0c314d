package dev.socketkit.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

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
    URI url, int viewers, Duration duration, Duration warmup, long serverPid, int maxConnecting) {
  /** Checks every value; throws {@link IllegalArgumentException} naming the one that is wrong. */
  public Mp4Options {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    if (!"http".equalsIgnoreCase(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException("url: " + url + " (expected: http://HOST[:PORT]/PATH)");
    }
    if (viewers < 1) {
      throw new IllegalArgumentException("viewers: " + viewers + " (expected: >= 1)");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
    }
    if (maxConnecting < 1) {
      throw new IllegalArgumentException("maxConnecting: " + maxConnecting + " (expected: >= 1)");
    }
    if (serverPid < 0) {
      throw new IllegalArgumentException("serverPid: " + serverPid + " (expected: >= 0)");
    }
  }
}
