package dev.socketkit.camera.internal.motion;

import dev.socketkit.camera.MotionListener;
import dev.socketkit.camera.MotionSettings;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * Runs a {@link MotionDetector} on a thread of its own, on at most {@code --motion-fps} frames a
 * second, always the newest.
 *
 * <p>{@link #offer} is called on the frame publisher's thread and only swaps a reference: frames
 * that arrive while the detector is busy replace each other, so the viewers never wait for it and
 * it never falls behind. Lifecycle: {@link #start()} once, {@link #close()} once (it ends an event
 * going on).
 */
public final class MotionWatcher implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MotionWatcher.class.getName());

  /** A frame waiting for the detector; the array is the hub's, shared and never modified. */
  private static final class Pending {
    final byte[] jpeg;
    final long micros;

    Pending(byte[] jpeg, long micros) {
      this.jpeg = jpeg;
      this.micros = micros;
    }
  }

  private final MotionDetector detector;
  private final MotionSettings settings;
  private final AtomicReference<Pending> newest = new AtomicReference<>();
  private final AtomicLong analysed = new AtomicLong();
  private final Thread thread;
  private volatile boolean running;
  private final AtomicBoolean closed = new AtomicBoolean();
  private volatile String lastError;

  /** A watcher reporting events to {@code listener}; nothing happens until {@link #start()}. */
  public MotionWatcher(MotionSettings settings, MotionListener listener) {
    this.settings = settings;
    this.detector = new MotionDetector(settings, listener);
    this.thread = new Thread(this::run, "socketkit motion");
    this.thread.setDaemon(true);
  }

  /** Starts the detector's thread. */
  public void start() {
    running = true;
    thread.start();
  }

  /**
   * Offers a frame; never blocks. The frame is analysed if it is still the newest when the detector
   * is next ready.
   *
   * @param jpeg the encoded frame (not modified, not copied)
   * @param captureMicros its capture time, microseconds since the epoch
   */
  public void offer(byte[] jpeg, long captureMicros) {
    newest.set(new Pending(jpeg, captureMicros));
    LockSupport.unpark(thread);
  }

  /** Frames analysed so far. */
  public long framesAnalysed() {
    return analysed.get();
  }

  /** The score of the last analysed frame (fraction of changed pixels). */
  public double lastScore() {
    return detector.lastScore();
  }

  /** The last decoding error, or null. */
  public String lastError() {
    return lastError;
  }

  /**
   * Stops the thread, ending an event going on; waits for it at most 5 seconds. Frees the JPEG
   * decoder, also when {@link #start()} was never called. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (!running) {
      detector.close(); // never started: no thread will free the JPEG reader
      return;
    }
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long interval = (long) (1_000_000_000L / settings.fps());
    long gapNanos = settings.gap().toNanos();
    long lastFrameAt = System.nanoTime();
    try {
      while (running) {
        Pending frame = newest.getAndSet(null);
        if (frame == null) {
          if (detector.inEvent() && System.nanoTime() - lastFrameAt > gapNanos) {
            detector.finish(); // the source stopped sending: end the event
          }
          LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(200));
          continue;
        }
        long began = System.nanoTime();
        lastFrameAt = began;
        analyse(frame);
        // Pace to --motion-fps: wait out the rest of this frame's slot; the newest frame is
        // taken when it ends.
        long until = began + interval;
        for (long left; running && (left = until - System.nanoTime()) > 0; ) {
          LockSupport.parkNanos(this, left);
        }
      }
    } finally {
      detector.finish();
      detector.close();
    }
  }

  private void analyse(Pending frame) {
    try {
      detector.analyse(frame.jpeg, frame.micros);
      analysed.incrementAndGet();
      lastError = null;
    } catch (IOException e) {
      // Some decoders throw without a message: never let that end the detector's thread.
      String message = e.getMessage() != null ? e.getMessage() : e.toString();
      if (!Objects.equals(message, lastError)) {
        LOG.log(Level.WARNING, "motion detection skipped a frame: " + message);
      }
      lastError = message;
    } catch (RuntimeException | Error e) {
      // As the sources do: a decoder's OutOfMemoryError or StackOverflowError on one hostile frame
      // (or a listener's mistake) skips that frame; it must not end motion detection for good.
      LOG.log(Level.WARNING, "motion detection failed on a frame", e);
    }
  }
}
