package dev.socketkit.cli;

import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The options every {@code socketkit bench} load shares: how long to count, how long to warm up
 * first, and whose CPU use to report. A picocli mixin; read on picocli's thread.
 */
final class BenchWindow {
  @Option(
      names = {"-d", "--duration"},
      defaultValue = "10",
      description = "Seconds of counted load, after the warm-up (default: ${DEFAULT-VALUE}).")
  double duration;

  @Option(
      names = "--warmup",
      defaultValue = "2",
      description =
          "Seconds of load before counting starts, for the JIT and the caches"
              + " (default: ${DEFAULT-VALUE}).")
  double warmup;

  @Option(
      names = "--server-pid",
      defaultValue = "0",
      description = "Also report this process's CPU use over the counted window (Linux).")
  long serverPid;

  /**
   * {@code --duration} as a Duration.
   *
   * @throws IllegalArgumentException if not 0 to 86400 s
   */
  Duration duration() {
    return seconds("--duration", duration);
  }

  /**
   * {@code --warmup} as a Duration.
   *
   * @throws IllegalArgumentException if not 0 to 86400 s
   */
  Duration warmup() {
    return seconds("--warmup", warmup);
  }

  private static Duration seconds(String option, double seconds) {
    if (Double.isNaN(seconds) || seconds < 0 || seconds > 86_400) {
      throw new IllegalArgumentException(option + ": " + seconds + " (expected: 0 to 86400 s)");
    }
    return Duration.ofNanos(Math.round(seconds * 1e9));
  }
}
