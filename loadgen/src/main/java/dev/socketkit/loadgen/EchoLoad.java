package dev.socketkit.loadgen;

import dev.socketkit.loadgen.internal.EchoDriver;
import java.io.IOException;

/**
 * Drives an echo server: each of N connections sends a message, waits for its whole echo (checked
 * byte for byte), and sends the next, for a fixed time; reports round trips per second, latency
 * percentiles and errors.
 *
 * <p>Everything runs on the calling thread, in one NIO selector loop; the call blocks for about the
 * connect time plus the warm-up plus the duration. Each connection sends its own random bytes, so
 * an echo sent to the wrong connection, a lost byte or a changed byte is caught as a corrupt
 * connection (counted, then closed). A connection the server closes or resets is counted and not
 * reopened. All sockets are closed before the call returns.
 */
public final class EchoLoad {
  private EchoLoad() {}

  /**
   * Runs the load described by {@code options} and returns what it measured.
   *
   * @throws IOException if the selector cannot be opened; connection failures are counted in the
   *     report, not thrown
   */
  public static EchoReport run(EchoOptions options) throws IOException {
    return new EchoDriver(options).run();
  }
}
