package dev.socketkit.camera;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * Where a frame source publishes its frames and every consumer picks up the newest one.
 *
 * <p>Each frame is encoded once and the same {@link Frame} (the same JPEG array) reaches every
 * consumer. The hub keeps only the newest frame: consumers that are slower than the source see
 * fewer frames, never a queue.
 *
 * <p>Demand: a source that costs CPU (the test pattern) produces frames only while someone wants
 * them. A subscription ({@link #subscribe}), a held {@link #demand()} (each viewer holds one), and
 * a thread blocked in {@link #awaitNewer} all count as demand.
 *
 * <p>Rate cap: a hub made with {@link #FrameHub(int)} publishes at most that many frames per
 * second, whatever the source: a frame that arrives sooner than its turn is dropped before any
 * consumer sees it (and counted, {@link #dropped()}), so the next one, the newest, goes out when
 * its turn comes; a frame that comes early after a late one still passes. This keeps an {@code
 * ffmpeg:} source without {@code -re} (a lavfi pattern, a file, which ffmpeg reads as fast as it
 * can) or a fast relay at the configured rate instead of hundreds of frames a second; sources that
 * pace themselves pass untouched.
 *
 * <p>Threading: every method may be called from any thread. {@link #publish} is called by the one
 * source thread; listeners run on that thread, must return at once and never block (a consumer
 * hands the frame to its own thread, keeping only the newest or a bounded queue). A listener that
 * throws is logged and stays subscribed; it never stops the source.
 */
public final class FrameHub {
  private static final System.Logger LOG = System.getLogger(FrameHub.class.getName());

  private final Object lock = new Object();
  private final CopyOnWriteArrayList<Consumer<Frame>> listeners = new CopyOnWriteArrayList<>();
  private volatile Frame latest; // written under lock
  private long nextSequence = 1; // guarded by lock
  private int demand; // guarded by lock
  private final long[] publishNanos = new long[64]; // ring, guarded by lock
  private long published; // guarded by lock
  private final RateCap cap; // null: no cap; guarded by lock
  private long dropped; // guarded by lock

  /**
   * Creates an empty hub without a rate cap: {@link #latest()} is null until the first frame is
   * published, and every published frame reaches the consumers.
   */
  public FrameHub() {
    this.cap = null;
  }

  /**
   * Creates an empty hub that publishes at most {@code maxFps} frames per second and drops the
   * frames that arrive sooner (see the class comment).
   *
   * @param maxFps the most frames per second, 1 to 1000
   * @throws IllegalArgumentException if {@code maxFps} is out of range
   */
  public FrameHub(int maxFps) {
    this.cap = new RateCap(maxFps);
  }

  /** The newest frame, or null before the first one. Never blocks. */
  public Frame latest() {
    return latest;
  }

  /**
   * Waits for a frame whose sequence is greater than {@code afterSequence} and returns the newest
   * such frame, or null when {@code timeout} passes first. Counts as demand while waiting. Pass 0
   * to take any frame (the current one if there is one).
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public Frame awaitNewer(long afterSequence, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      Frame frame = latest;
      if (frame != null && frame.sequence() > afterSequence) {
        return frame;
      }
      demand++;
      lock.notifyAll(); // wakes a source waiting for demand
      try {
        while (true) {
          frame = latest;
          if (frame != null && frame.sequence() > afterSequence) {
            return frame;
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return null;
          }
          lock.wait(Math.max(1, left / 1_000_000L), 0);
        }
      } finally {
        demand--;
      }
    }
  }

  /**
   * Calls {@code listener} with every frame published from now on, on the publishing thread, until
   * the returned subscription is closed. The listener must return at once and never block. Counts
   * as demand until closed.
   */
  public Subscription subscribe(Consumer<Frame> listener) {
    if (listener == null) {
      throw new IllegalArgumentException("listener: null");
    }
    listeners.add(listener);
    Subscription demandHeld = demand();
    return new Subscription() {
      private boolean closed;

      @Override
      public synchronized void close() {
        if (!closed) {
          closed = true;
          listeners.remove(listener);
          demandHeld.close();
        }
      }
    };
  }

  /**
   * Registers demand without a listener (each viewer holds one while it is connected): the test
   * source keeps producing until every demand is closed. Closing twice is harmless.
   */
  public Subscription demand() {
    synchronized (lock) {
      demand++;
      lock.notifyAll();
    }
    return new Subscription() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (lock) {
          if (!closed) {
            closed = true;
            demand--;
          }
        }
      }
    };
  }

  /** Whether anyone wants frames now (a subscription, a viewer, a waiting thread). */
  public boolean hasDemand() {
    synchronized (lock) {
      return demand > 0;
    }
  }

  /**
   * Blocks until someone wants frames or {@code timeout} passes; returns whether there is demand.
   * Sources call this between frames to stop working when nobody watches.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public boolean awaitDemand(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (lock) {
      while (demand == 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        lock.wait(Math.max(1, left / 1_000_000L), 0);
      }
      return true;
    }
  }

  /**
   * Publishes a newly captured frame: gives it the next sequence number, makes it the newest, wakes
   * waiting threads and calls the listeners on this thread. Called by the source's thread.
   *
   * @param jpeg the encoded image; the hub and its consumers keep it as it is, so the caller must
   *     not change it afterwards
   * @param width image width in pixels (0 if unknown)
   * @param height image height in pixels (0 if unknown)
   * @param captureEpochMicros capture time in microseconds since the Unix epoch
   * @return the published frame, or null when the rate cap dropped it
   */
  public Frame publish(byte[] jpeg, int width, int height, long captureEpochMicros) {
    Frame frame;
    synchronized (lock) {
      if (cap != null && !cap.admit(System.nanoTime())) {
        dropped++;
        return null;
      }
      frame = new Frame(jpeg, nextSequence++, captureEpochMicros, width, height);
      latest = frame;
      publishNanos[(int) (published++ % publishNanos.length)] = System.nanoTime();
      lock.notifyAll();
    }
    for (Consumer<Frame> listener : listeners) {
      try {
        listener.accept(frame);
      } catch (RuntimeException e) {
        LOG.log(Level.WARNING, "frame listener failed: " + e, e);
      }
    }
    return frame;
  }

  /** How many frames the rate cap dropped since the hub was made. Any thread. */
  public long dropped() {
    synchronized (lock) {
      return dropped;
    }
  }

  /**
   * The rate frames were published at over the last two seconds (at most the last 64 frames), in
   * frames per second; 0 when none were published in that time.
   */
  public double fps() {
    synchronized (lock) {
      long now = System.nanoTime();
      int count = 0;
      long oldest = now;
      long newest = now;
      int n = (int) Math.min(published, publishNanos.length);
      for (int i = 0; i < n; i++) {
        long t = publishNanos[(int) ((published - 1 - i) % publishNanos.length)];
        if (now - t > FPS_WINDOW_NANOS) {
          break;
        }
        if (count == 0) {
          newest = t;
        }
        count++;
        oldest = t;
      }
      return rate(count, oldest, newest, now);
    }
  }

  private static final long FPS_WINDOW_NANOS = 2_000_000_000L;

  /**
   * The frame rate of {@code count} frames published from {@code oldest} to {@code newest}
   * (nanoTime values), asked at {@code now}: the intervals between them, not the time since the
   * last one, so a steady 30 fps reads 30.0 whenever it is asked. A source that stopped (no frame
   * for more than two of its intervals) is measured up to {@code now} instead, so its rate falls.
   */
  static double rate(int count, long oldest, long newest, long now) {
    if (count < 2) {
      return count == 1 ? 0.5 : 0;
    }
    long span = Math.max(1, newest - oldest);
    if (now - newest > 2 * span / (count - 1)) {
      span = now - oldest;
    }
    return (count - 1) * 1e9 / span;
  }

  /** The current time in microseconds since the Unix epoch, as sources stamp their frames. */
  public static long nowMicros() {
    Instant now = Instant.now();
    return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000L;
  }

  /**
   * A registration (of a listener or of demand) that ends when closed; closing twice is harmless.
   */
  public interface Subscription extends AutoCloseable {
    /** Ends the registration. Never throws. */
    @Override
    void close();
  }
}
