package dev.socketkit.camera.internal;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import dev.socketkit.camera.SourceState;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps a {@link FrameSource} running: runs it on its own thread, restarts it with back-off when it
 * fails, ends or stalls, and meanwhile publishes a NO SIGNAL frame every second so that connected
 * viewers stay connected and see why.
 *
 * <p>Back-off starts at {@code 0.5 s} and doubles to at most {@code 10 s}; a source that ran for 30
 * s before failing starts again from 0.5 s. A watchdog (checking four times a second) aborts a
 * source that published nothing for the stall timeout while someone wants frames.
 *
 * <p>Threads: {@code camera-source} runs the source and the back-off; {@code camera-watchdog}
 * watches for stalls. {@link #status()} may be called from any thread. {@link #close()} stops both
 * threads and waits for the source to release what it opened.
 */
public final class SourceSupervisor implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(SourceSupervisor.class.getName());
  private static final long FIRST_BACKOFF_MILLIS = 500;
  private static final long MAX_BACKOFF_MILLIS = 10_000;
  private static final long HEALTHY_RUN_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final FrameSource source;
  private final FrameHub hub;
  private final int width;
  private final int height;
  private final int quality;
  private final long stallNanos;
  private final Thread sourceThread;
  private final Thread watchdogThread;
  private volatile boolean closed;
  private volatile boolean stalled;
  private volatile SourceState state = SourceState.STARTING;
  private volatile String lastError;
  private volatile Instant lastErrorAt;
  private final AtomicInteger restarts = new AtomicInteger();
  private volatile long runningSinceNanos;
  private volatile long runningSinceMicros; // the same moment, on the frames' clock

  /**
   * Prepares to run {@code source} into {@code hub}; call {@link #start()}.
   *
   * @param width width of the NO SIGNAL frame (the last frame's width wins when there is one)
   * @param height height of the NO SIGNAL frame
   * @param quality JPEG quality of the NO SIGNAL frame
   * @param stallTimeout how long a wanted source may publish nothing before it is restarted
   */
  public SourceSupervisor(
      FrameSource source, FrameHub hub, int width, int height, int quality, Duration stallTimeout) {
    this.source = source;
    this.hub = hub;
    this.width = width;
    this.height = height;
    this.quality = quality;
    this.stallNanos = stallTimeout.toNanos();
    this.sourceThread = new Thread(this::superviseLoop, "camera-source");
    this.watchdogThread = new Thread(this::watchLoop, "camera-watchdog");
    sourceThread.setDaemon(true);
    watchdogThread.setDaemon(true);
  }

  /** Starts the source thread and the watchdog. Call once. */
  public void start() {
    sourceThread.start();
    watchdogThread.start();
  }

  /**
   * What the source is doing, for {@code /state}.
   *
   * @param source the source's description
   * @param state what the source is doing
   * @param lastError why the source last stopped, or null
   * @param lastErrorAt when, or null
   * @param restarts how many times it was restarted
   */
  public record Status(
      String source, SourceState state, String lastError, Instant lastErrorAt, int restarts) {}

  /** A snapshot of the supervisor's state. Any thread. */
  public Status status() {
    return new Status(source.describe(), state, lastError, lastErrorAt, restarts.get());
  }

  /**
   * Whether the source delivers frames: it is running, and the newest frame came from this run (not
   * a NO SIGNAL frame shown before it) at most {@code within} ago. Any thread.
   */
  public boolean delivering(Duration within) {
    if (state != SourceState.RUNNING) {
      return false;
    }
    Frame latest = hub.latest();
    if (latest == null) {
      return false;
    }
    long captured = latest.captureEpochMicros();
    return captured >= runningSinceMicros
        && FrameHub.nowMicros() - captured <= TimeUnit.NANOSECONDS.toMicros(within.toNanos());
  }

  private void superviseLoop() {
    try {
      superviseUntilClosed();
    } catch (RuntimeException | Error e) {
      // Outside the source's run (the NO SIGNAL frame, say): record why the camera stopped.
      lastError = "the supervisor failed: " + e;
      lastErrorAt = Instant.now();
      LOG.log(Level.ERROR, "camera supervisor failed", e);
      throw e;
    } finally {
      state = SourceState.STOPPED;
    }
  }

  private void superviseUntilClosed() {
    long backoff = FIRST_BACKOFF_MILLIS;
    while (!closed) {
      runningSinceMicros = FrameHub.nowMicros(); // before the state: delivering() reads both
      state = SourceState.RUNNING;
      stalled = false;
      runningSinceNanos = System.nanoTime();
      String why;
      try {
        source.run(hub);
        why = "the source ended";
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
        why = stalled ? stallMessage() : "the source was interrupted";
      } catch (RuntimeException e) {
        why = stalled ? stallMessage() : "the source failed: " + e;
        LOG.log(Level.WARNING, "camera source failed", e);
      } catch (Exception e) {
        why = stalled ? stallMessage() : String.valueOf(e.getMessage());
      } catch (Error e) {
        // A StackOverflowError in a parser or a direct-buffer OutOfMemoryError: the run is lost,
        // the thread is not; restart with back-off like any failure, instead of dying silently
        // while /state still says running.
        why = "the source failed: " + e;
        LOG.log(Level.ERROR, "camera source failed", e);
      }
      Thread.interrupted(); // an interrupt meant for the source run, not for the back-off
      if (closed) {
        break;
      }
      long ran = System.nanoTime() - runningSinceNanos;
      if (ran > HEALTHY_RUN_NANOS) {
        backoff = FIRST_BACKOFF_MILLIS;
      }
      lastError = why;
      lastErrorAt = Instant.now();
      restarts.incrementAndGet();
      state = SourceState.RESTARTING;
      LOG.log(
          Level.WARNING, "camera source stopped (" + why + "); restarting in " + backoff + " ms");
      try {
        showNoSignal(why, backoff);
      } catch (InterruptedException e) {
        if (closed) {
          break;
        }
      }
      backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
    }
  }

  private String stallMessage() {
    return "no frame for " + TimeUnit.NANOSECONDS.toSeconds(stallNanos) + " s (stalled)";
  }

  /** Publishes NO SIGNAL now and every second until {@code millis} have passed. */
  private void showNoSignal(String why, long millis) throws InterruptedException {
    long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
    Frame last = hub.latest();
    int w = last != null && last.width() > 0 ? last.width() : width;
    int h = last != null && last.height() > 0 ? last.height() : height;
    Pictures pictures = new Pictures(w, h);
    try (JpegEncoder encoder = new JpegEncoder(quality)) {
      while (true) {
        if (hub.hasDemand()) {
          try {
            hub.publish(
                encoder.encode(pictures.noSignal(why, Instant.now())), w, h, FrameHub.nowMicros());
          } catch (java.io.IOException e) {
            LOG.log(Level.WARNING, "cannot encode the NO SIGNAL frame: " + e);
          }
        }
        long left = end - System.nanoTime();
        if (left <= 0) {
          return;
        }
        TimeUnit.NANOSECONDS.sleep(Math.min(left, TimeUnit.SECONDS.toNanos(1)));
      }
    }
  }

  private void watchLoop() {
    long lastSequence = -1;
    long lastChange = System.nanoTime();
    while (!closed) {
      try {
        TimeUnit.MILLISECONDS.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      Frame frame = hub.latest();
      long sequence = frame == null ? 0 : frame.sequence();
      if (sequence != lastSequence || !hub.hasDemand() || state != SourceState.RUNNING) {
        lastSequence = sequence;
        lastChange = now;
        continue;
      }
      if (now - Math.max(lastChange, runningSinceNanos) > stallNanos) {
        stalled = true;
        LOG.log(Level.WARNING, "camera source stalled; restarting it");
        try {
          source.abort();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "aborting the stalled camera source failed", e);
        }
        sourceThread.interrupt();
        lastChange = now;
      }
    }
  }

  /** Stops the source and the watchdog and waits (up to 5 s) for the source thread to end. */
  @Override
  public void close() {
    closed = true;
    watchdogThread.interrupt();
    sourceThread.interrupt();
    source.abort();
    try {
      sourceThread.join(5000);
      watchdogThread.join(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
