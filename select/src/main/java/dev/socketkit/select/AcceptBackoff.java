package dev.socketkit.select;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/*
 * Design notes.
 *
 * When accept() fails for a reason that persists (no file descriptors left: EMFILE), the listening
 * channel stays readable, and a loop that simply selects again spins at full CPU and floods its log.
 * Netty and Tomcat pause accepting instead; so does socketkit: for 100 ms after each failure the
 * loop leaves the listening channel out of its wait (the client stays queued in the kernel), and
 * it says so at most once every 10 s, with the number of failures so far. Warnings go to a
 * Consumer<String>, by default one line on standard error: not java.util.logging, whose formatter
 * opens files (the time-zone database) on first use, which fails exactly when the process is out
 * of file descriptors, the main reason to warn here.
 */

/**
 * The pause after a failed accept: while {@link #paused()}, a loop leaves its listening channel out
 * of the channels it waits on, and waits at most {@link #remainingNanos()}.
 *
 * <pre>{@code
 * try {
 *   client = server.accept();
 * } catch (IOException e) {
 *   backoff.failed("echo server: accepting a client", e); // pauses 100 ms, warns now and then
 * }
 * ...
 * if (!backoff.paused()) { reads.add(server); }
 * }</pre>
 *
 * <p>Threads: confined to the thread that runs the loop, except {@link #failures()}, which any
 * thread may read.
 */
public final class AcceptBackoff {
  /**
   * How long accepting pauses after a failure: long enough not to spin, short enough to recover.
   */
  public static final Duration PAUSE = Duration.ofMillis(100);

  /** The least time between two warnings: at most one line per 10 s, however often accept fails. */
  public static final Duration WARN_EVERY = Duration.ofSeconds(10);

  private final Consumer<String> warnings;
  private final LongSupplier nanoTime;
  private final AtomicLong failures = new AtomicLong();
  private long pausedUntil; // nanoTime when accepting resumes; meaningful while paused
  private boolean paused;
  private long lastWarning;
  private boolean warned;

  /** A backoff that warns with one line on standard error. */
  public AcceptBackoff() {
    this(
        line -> {
          System.err.println(line);
          System.err.flush();
        },
        System::nanoTime);
  }

  /**
   * A backoff that hands each warning, one line without line separator, to {@code warnings}.
   *
   * @param warnings receives the warnings on the loop's thread
   */
  public AcceptBackoff(Consumer<String> warnings) {
    this(warnings, System::nanoTime);
  }

  /** For tests: with a clock of their own. */
  AcceptBackoff(Consumer<String> warnings, LongSupplier nanoTime) {
    this.warnings = Objects.requireNonNull(warnings, "warnings");
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
  }

  /**
   * Records a failed accept: pauses accepting for {@link #PAUSE} from now and, unless it warned in
   * the last {@link #WARN_EVERY}, warns {@code WHAT failed (ERROR); pausing 100 ms (N failures so
   * far)}.
   *
   * @param what what failed, with the subject first, such as {@code socketkit server on
   *     /127.0.0.1:8000: taking a request}
   * @param error why it failed
   */
  public void failed(String what, IOException error) {
    long now = nanoTime.getAsLong();
    pausedUntil = now + PAUSE.toNanos();
    paused = true;
    long count = failures.incrementAndGet();
    if (!warned || now - lastWarning >= WARN_EVERY.toNanos()) {
      warned = true;
      lastWarning = now;
      warnings.accept(
          what
              + " failed ("
              + error
              + "); pausing "
              + PAUSE.toMillis()
              + " ms ("
              + count
              + (count == 1 ? " failure" : " failures")
              + " so far)");
    }
  }

  /** Whether accepting is paused now; it resumes by itself when the pause is over. */
  public boolean paused() {
    return remainingNanos() > 0;
  }

  /** How long the pause lasts from now, in nanoseconds; 0 when accepting. */
  public long remainingNanos() {
    if (!paused) {
      return 0;
    }
    long left = pausedUntil - nanoTime.getAsLong();
    if (left <= 0) {
      paused = false;
      return 0;
    }
    return left;
  }

  /** How many accepts have failed so far. Any thread. */
  public long failures() {
    return failures.get();
  }
}
