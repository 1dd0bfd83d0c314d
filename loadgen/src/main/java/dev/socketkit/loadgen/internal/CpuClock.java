package dev.socketkit.loadgen.internal;

import java.time.Duration;
import java.util.Optional;

/**
 * CPU time of a process (this one, or another by pid), read at the start and end of a window.
 *
 * <p>{@link ProcessHandle.Info#totalCpuDuration()} reads {@code /proc/PID/stat} on Linux (user +
 * system time of all threads). Not thread-safe; used by the loop thread only.
 */
public final class CpuClock {
  private final ProcessHandle process;
  private long startNanos;
  private long startCpuNanos = -1;

  private CpuClock(ProcessHandle process) {
    this.process = process;
  }

  /** A clock for this JVM's own process. */
  public static CpuClock self() {
    return new CpuClock(ProcessHandle.current());
  }

  /** A clock for process {@code pid}, or one that reports -1 when pid is 0 or not found. */
  public static CpuClock of(long pid) {
    return new CpuClock(pid == 0 ? null : ProcessHandle.of(pid).orElse(null));
  }

  /** Starts the window now. */
  public void start() {
    startNanos = System.nanoTime();
    startCpuNanos = cpuNanos();
  }

  /**
   * CPU used since {@link #start}, as a fraction of one core (1.0 = one core busy the whole
   * window); -1 when the process cannot be read.
   */
  public double fractionOfOneCore() {
    long cpu = cpuNanos();
    long wall = System.nanoTime() - startNanos;
    if (cpu < 0 || startCpuNanos < 0 || wall <= 0) {
      return -1;
    }
    return (double) (cpu - startCpuNanos) / wall;
  }

  private long cpuNanos() {
    if (process == null) {
      return -1;
    }
    Optional<Duration> total = process.info().totalCpuDuration();
    return total.map(Duration::toNanos).orElse(-1L);
  }
}
