package dev.socketkit.camera.internal.h264;

import dev.socketkit.camera.FrameHub;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The camera's one fragmented-MP4 stream: the current init segment, the fragments since the newest
 * keyframe, and the listeners that get every new fragment.
 *
 * <p>Each frame becomes one {@link Fragment}, made once by the encoder side ({@link #publish}); the
 * same bytes go to every consumer ({@code /stream.mp4} viewers, the HLS segmenter, recordings). A
 * new consumer starts at the newest keyframe: {@link #initSegment()} then {@link
 * #sinceLastKeyframe()}, or both at once, without a gap or a duplicate, with {@link
 * #subscribeAtKeyframe}.
 *
 * <p>Init segments: {@link #publishInit} starts a new stream (the encoder started, or the SPS/PPS
 * changed). It drops the fragments kept so far (they decode only with the old parameter sets, and
 * their decode times start again at 0) and calls {@link Listener#onInit} on every listener; a
 * {@code /stream.mp4} viewer, which cannot change parameter sets mid-response, is ended then and
 * reconnects. {@link #reset} ends the stream (the encoder stopped): no init segment, no fragments
 * until the next {@link #publishInit}, and {@link Listener#onReset} on every listener.
 *
 * <p>Demand: the encoder runs only while someone wants H.264. A subscription and a held {@link
 * #demand()} count; {@link #awaitDemand} lets the encoder's supervisor sleep until then.
 *
 * <p>Bounds: the kept group of pictures is at most {@link #MAX_GOP_FRAGMENTS} fragments and {@link
 * #MAX_GOP_BYTES} bytes; a stream whose keyframes are further apart than that (a passthrough source
 * with a long GOP) keeps nothing until its next keyframe, and new consumers wait for it.
 *
 * <p>Threading: every method may be called from any thread. {@link #publishInit}, {@link #publish}
 * and {@link #reset} are called by one producer thread, in order; listeners run on that thread
 * while the hub's stream lock is held (so a subscriber never misses or repeats a fragment), must
 * return at once, never block and never wait for a thread that may be calling into this hub's
 * stream methods. Demand methods use a lock of their own, so they never wait for a listener. A
 * listener that throws is logged and stays subscribed.
 */
public final class FragmentHub {
  private static final System.Logger LOG = System.getLogger(FragmentHub.class.getName());

  /** The most fragments kept since the newest keyframe: 20 s at 30 fps. */
  public static final int MAX_GOP_FRAGMENTS = 600;

  /** The most bytes kept since the newest keyframe: 20 s at 6.7 Mbit/s. */
  public static final long MAX_GOP_BYTES = 16L << 20;

  /** What a consumer of the stream is told, on the producer thread; must return at once. */
  public interface Listener {
    /**
     * A new stream begins with this init segment ({@code ftyp} + {@code moov}); fragments from now
     * on decode with it and their decode times start again.
     */
    void onInit(byte[] initSegment);

    /** The next fragment of the current stream. */
    void onFragment(Fragment f);

    /** The stream ended (the encoder stopped); a new one may begin later with {@link #onInit}. */
    default void onReset() {}
  }

  private final Object streamLock = new Object();
  private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
  private byte[] init; // guarded by streamLock
  private String codecs; // guarded by streamLock
  private final ArrayList<Fragment> gop = new ArrayList<>(); // guarded by streamLock
  private long gopBytes; // guarded by streamLock
  private long nextSequence = 1; // guarded by streamLock
  private long publishedBytes; // guarded by streamLock

  private final Object demandLock = new Object();
  private int demand; // guarded by demandLock

  /**
   * Creates a hub with no stream yet: {@link #initSegment()} is null until {@link #publishInit}.
   */
  public FragmentHub() {}

  /** The current init segment ({@code ftyp} + {@code moov}), or null before the first SPS/PPS. */
  public byte[] initSegment() {
    synchronized (streamLock) {
      return init;
    }
  }

  /**
   * The current stream's codec as RFC 6381 names it for the MIME {@code codecs} parameter (e.g.
   * {@code avc1.64001f}), or null before the first init segment.
   */
  public String codecs() {
    synchronized (streamLock) {
      return codecs;
    }
  }

  /**
   * Waits until there is a stream (an init segment) or {@code timeout} passes, and returns its
   * codec string ({@link #codecs()}), or null on timeout. Hold {@link #demand()} meanwhile, or
   * nothing starts the encoder.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public String awaitCodecs(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (streamLock) {
      while (codecs == null) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return null;
        }
        streamLock.wait(Math.max(1, left / 1_000_000L), 0);
      }
      return codecs;
    }
  }

  /**
   * The fragments from the newest keyframe to now, oldest first, the first one a keyframe; empty
   * when there is no stream or it has no keyframe kept. A new viewer starts here.
   */
  public List<Fragment> sinceLastKeyframe() {
    synchronized (streamLock) {
      return List.copyOf(gop);
    }
  }

  /**
   * Calls {@code listener} with every fragment, init segment and reset from now on, on the producer
   * thread, until the returned subscription is closed. Counts as demand until closed. To start at
   * the newest keyframe, use {@link #subscribeAtKeyframe} instead.
   */
  public FrameHub.Subscription subscribe(Listener listener) {
    return subscribe(listener, false);
  }

  /**
   * Like {@link #subscribe}, but first, on the calling thread and before any newer fragment, calls
   * {@code listener.onInit} with the current init segment and {@code onFragment} with each fragment
   * since the newest keyframe (nothing when there is no stream yet: the first {@code onInit} then
   * comes from the producer). The listener sees the stream without a gap or a duplicate.
   */
  public FrameHub.Subscription subscribeAtKeyframe(Listener listener) {
    return subscribe(listener, true);
  }

  private FrameHub.Subscription subscribe(Listener listener, boolean replay) {
    if (listener == null) {
      throw new IllegalArgumentException("listener: null");
    }
    FrameHub.Subscription demandHeld = demand();
    synchronized (streamLock) {
      if (replay && init != null) {
        listener.onInit(init);
        for (Fragment f : gop) {
          listener.onFragment(f);
        }
      }
      listeners.add(listener);
    }
    return new FrameHub.Subscription() {
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
   * Registers demand without a listener (HLS holds one while its playlist is polled): the encoder
   * runs until every demand is closed. Closing twice is harmless.
   */
  public FrameHub.Subscription demand() {
    synchronized (demandLock) {
      demand++;
      demandLock.notifyAll();
    }
    return new FrameHub.Subscription() {
      private boolean closed;

      @Override
      public void close() {
        synchronized (demandLock) {
          if (!closed) {
            closed = true;
            demand--;
            demandLock.notifyAll();
          }
        }
      }
    };
  }

  /** Whether anyone wants the stream now (a subscription or a held demand). */
  public boolean hasDemand() {
    synchronized (demandLock) {
      return demand > 0;
    }
  }

  /** How many subscriptions and demands are held now. */
  public int demandCount() {
    synchronized (demandLock) {
      return demand;
    }
  }

  /**
   * Blocks until someone wants the stream or {@code timeout} passes; returns whether there is
   * demand.
   *
   * @throws InterruptedException if the calling thread is interrupted while waiting
   */
  public boolean awaitDemand(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (demandLock) {
      while (demand == 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        demandLock.wait(Math.max(1, left / 1_000_000L), 0);
      }
      return true;
    }
  }

  /**
   * Starts a new stream with this init segment: drops the kept fragments and calls {@link
   * Listener#onInit} on every listener. Called by the producer thread.
   *
   * @param initSegment {@code ftyp} + {@code moov}; kept and shared as it is, never changed after
   * @param codecs the RFC 6381 codec string of the track, e.g. {@code avc1.64001f}
   */
  public void publishInit(byte[] initSegment, String codecs) {
    if (initSegment == null || initSegment.length == 0) {
      throw new IllegalArgumentException("initSegment: empty (expected: ftyp + moov)");
    }
    if (codecs == null || codecs.isEmpty()) {
      throw new IllegalArgumentException("codecs: empty (expected: e.g. avc1.64001f)");
    }
    synchronized (streamLock) {
      init = initSegment;
      this.codecs = codecs;
      clearGop();
      streamLock.notifyAll(); // wakes awaitCodecs
      for (Listener listener : listeners) {
        try {
          listener.onInit(initSegment);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "fragment listener failed: " + e, e);
        }
      }
    }
  }

  /**
   * Publishes the next fragment of the current stream: numbers it, keeps it when it belongs to the
   * newest group of pictures, and calls {@link Listener#onFragment} on every listener. Called by
   * the producer thread.
   *
   * @param bytes the {@code prft}/{@code moof}/{@code mdat} bytes; shared as they are, never
   *     changed after
   * @param keyframe whether the fragment starts with an IDR picture
   * @param decodeTime its {@code tfdt}, 90 kHz units
   * @param duration its duration, 90 kHz units, {@code > 0}
   * @param captureEpochMicros its capture time, microseconds since the Unix epoch
   * @return the published fragment
   * @throws IllegalStateException before the first {@link #publishInit} or after {@link #reset}
   */
  public Fragment publish(
      byte[] bytes, boolean keyframe, long decodeTime, int duration, long captureEpochMicros) {
    synchronized (streamLock) {
      if (init == null) {
        throw new IllegalStateException("publish before publishInit: no init segment");
      }
      Fragment f =
          new Fragment(bytes, keyframe, nextSequence, decodeTime, duration, captureEpochMicros);
      nextSequence++;
      publishedBytes += bytes.length;
      if (keyframe) {
        clearGop();
      }
      if (!gop.isEmpty() || keyframe) {
        gop.add(f);
        gopBytes += bytes.length;
        if (gop.size() > MAX_GOP_FRAGMENTS || gopBytes > MAX_GOP_BYTES) {
          clearGop(); // too long a GOP to replay: new consumers wait for the next keyframe
        }
      }
      for (Listener listener : listeners) {
        try {
          listener.onFragment(f);
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "fragment listener failed: " + e, e);
        }
      }
      return f;
    }
  }

  /**
   * Ends the current stream (the encoder stopped): no init segment and no fragments until the next
   * {@link #publishInit}; calls {@link Listener#onReset} on every listener. Harmless when there is
   * no stream.
   */
  public void reset() {
    synchronized (streamLock) {
      if (init == null) {
        return;
      }
      init = null;
      codecs = null;
      clearGop();
      for (Listener listener : listeners) {
        try {
          listener.onReset();
        } catch (RuntimeException e) {
          LOG.log(Level.WARNING, "fragment listener failed: " + e, e);
        }
      }
    }
  }

  /** How many bytes of fragments were published since the hub was made. */
  public long publishedBytes() {
    synchronized (streamLock) {
      return publishedBytes;
    }
  }

  /** How many fragments were published since the hub was made. */
  public long publishedFragments() {
    synchronized (streamLock) {
      return nextSequence - 1;
    }
  }

  private void clearGop() {
    gop.clear();
    gopBytes = 0;
  }
}
