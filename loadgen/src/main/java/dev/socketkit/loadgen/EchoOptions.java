package dev.socketkit.loadgen;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Objects;

/**
 * What {@link EchoLoad#run} does: where to connect, how many connections, how big each message is,
 * how many messages each connection keeps in flight, and for how long.
 *
 * @param address the echo server
 * @param connections concurrent connections, at least 1
 * @param size bytes per message, at least 1
 * @param pipeline messages each connection keeps in flight, at least 1 (1: send, wait for the whole
 *     echo, send again)
 * @param duration how long round trips are counted
 * @param warmup how long the connections echo before counting starts (zero for none)
 * @param serverPid the server's process id, to report its CPU use over the counted window; 0 for
 *     none
 * @param lines end every message with a newline and keep newlines out of the rest, for echo servers
 *     that echo line by line (Python's {@code StreamRequestHandler.rfile.readline()})
 */
public record EchoOptions(
    InetSocketAddress address,
    int connections,
    int size,
    int pipeline,
    Duration duration,
    Duration warmup,
    long serverPid,
    boolean lines) {
  /** Checks every value; throws {@link IllegalArgumentException} naming the one that is wrong. */
  public EchoOptions {
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(duration, "duration");
    Objects.requireNonNull(warmup, "warmup");
    if (connections < 1) {
      throw new IllegalArgumentException("connections: " + connections + " (expected: >= 1)");
    }
    if (size < 1 || size > 1 << 24) {
      throw new IllegalArgumentException("size: " + size + " (expected: 1 to 16777216 bytes)");
    }
    if (pipeline < 1 || (long) pipeline * size > 1 << 26) {
      throw new IllegalArgumentException(
          "pipeline: " + pipeline + " (expected: >= 1, and pipeline x size <= 64 MiB)");
    }
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
    }
    if (warmup.isNegative()) {
      throw new IllegalArgumentException("warmup: " + warmup + " (expected: >= 0)");
    }
    if (serverPid < 0) {
      throw new IllegalArgumentException("serverPid: " + serverPid + " (expected: >= 0)");
    }
  }
}
