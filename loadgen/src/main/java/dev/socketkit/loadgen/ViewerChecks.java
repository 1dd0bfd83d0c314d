package dev.socketkit.loadgen;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The checks {@link MjpegOptions} and {@link Mp4Options} make alike, for their constructors: a
 * record cannot inherit them. Stateless; any thread.
 */
final class ViewerChecks {
  private ViewerChecks() {}

  /** Throws {@link IllegalArgumentException} naming the first value that is wrong. */
  static void check(
      URI url, int viewers, Duration duration, Duration warmup, long serverPid, int maxConnecting) {
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
