package dev.socketkit.camera.internal.hls;

import dev.socketkit.camera.internal.h264.Fragment;
import dev.socketkit.camera.internal.h264.FragmentHub;
import java.io.ByteArrayOutputStream;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Cuts a camera's one fragmented-MP4 stream into HLS segments and keeps a sliding window of them
 * and the playlist ({@link HlsPlaylist}) that lists them.
 *
 * <p>A segment is the fragments from one keyframe up to the next keyframe that comes once at least
 * {@link #MIN_SEGMENT} is collected, joined: no encoding, no copy beyond joining bytes. A source
 * whose keyframes are further apart than {@link #MAX_SEGMENT} gets a segment cut there anyway (the
 * playlist's target duration must never be exceeded nor change); the next segment then starts
 * without a keyframe. The window keeps the newest {@link #WINDOW} segments; older ones are gone
 * (404). A new init segment (the encoder restarted) or a gap in the decode times starts the next
 * segment with a discontinuity and, for a new init, a new {@code EXT-X-MAP} of its own name.
 *
 * <p>Demand: HLS clients poll, so {@link #touch()} (every {@code /hls/} request) subscribes this
 * segmenter to the fragment stream through the {@code subscribe} function (a subscription counts as
 * demand: the encoder runs) and a check every few seconds closes the subscription once no request
 * came for {@code idle}. Closing it empties the window (its segments would be stale when the
 * encoder starts again); media sequence numbers keep growing, so a name never returns other bytes.
 * Names carry a random run id too, so neither does a restarted camera's: every segment and init can
 * be cached as immutable.
 *
 * <p>Threading: {@link #onInit} and {@link #onFragment} come from the fragment producer's thread
 * and never block beyond a short lock; the request methods come from any connection's thread; the
 * idle check runs on the segmenter's own {@code camera-hls} thread. {@link #close()} ends the
 * subscription and that thread.
 */
public final class HlsSegmenter implements FragmentHub.Listener, AutoCloseable {
  private static final System.Logger LOG = System.getLogger(HlsSegmenter.class.getName());

  /** Units of the fragments' decode times and durations: 90 kHz, as the MP4 writer's. */
  public static final int TIMESCALE = 90_000;

  /** The playlist's {@code EXT-X-TARGETDURATION}: segments are 1 to 2 s (keyframes every ~1 s). */
  public static final int TARGET_SECONDS = 2;

  /**
   * A segment ends at the first keyframe after this much: 0.9 s, not 1 s, so keyframes exactly a
   * second apart on a clock that runs a little fast still give 1 s segments, not 2 s.
   */
  static final long MIN_SEGMENT = TIMESCALE * 9L / 10;

  /**
   * The longest segment: just under the target duration and a half, the most whose {@code EXTINF}
   * rounded to the nearest second does not exceed the target duration (RFC 8216 section 4.3.3.1).
   * Keyframes a second apart that a busy machine delays by a few hundred milliseconds still end
   * their segments, instead of a segment being cut between keyframes.
   */
  static final long MAX_SEGMENT = (long) TIMESCALE * TARGET_SECONDS + TIMESCALE / 2 - 1;

  /**
   * Segments in the playlist: 6, as Apple's authoring guide asks of live playlists, enough for a
   * player that starts three target durations from the end and for one that fell a little behind.
   */
  public static final int WINDOW = 6;

  /**
   * How long the segmenter holds the stream after the last request: 30 s, many reloads of a player
   * (one per target duration) and of a cache in front, so a viewer never restarts it.
   */
  public static final Duration DEFAULT_IDLE = Duration.ofSeconds(30);

  private final Function<FragmentHub.Listener, AutoCloseable> subscribe;
  private final LongSupplier nanoClock;
  private final long idleNanos;
  private final String run;
  private final ScheduledExecutorService scheduler;

  private final Object lock = new Object();
  private final ArrayDeque<HlsSegment> window = new ArrayDeque<>(); // guarded by lock
  private final Map<Integer, byte[]> inits = new HashMap<>(); // guarded by lock
  private final List<byte[]> pending = new ArrayList<>(); // guarded by lock
  private long pendingDuration; // guarded by lock
  private long pendingCapture = -1; // guarded by lock
  private boolean pendingKeyframe; // guarded by lock
  private boolean pendingDiscontinuity; // guarded by lock
  private int pendingInit; // guarded by lock
  private long nextDecodeTime = -1; // guarded by lock
  private boolean waitingForKeyframe = true; // guarded by lock
  private boolean discontinuityNext; // guarded by lock
  private int initId; // guarded by lock; 0 until the first init
  private long nextSequence; // guarded by lock
  private long discontinuitySequence; // guarded by lock
  private boolean published; // guarded by lock
  private long lastRequestNanos; // guarded by lock
  private boolean subscribing; // guarded by lock
  private AutoCloseable subscription; // guarded by lock
  private ScheduledFuture<?> idleCheck; // guarded by lock
  private boolean closed; // guarded by lock
  private long playlistRequests; // guarded by lock
  private long initRequests; // guarded by lock
  private long segmentRequests; // guarded by lock
  private long segmentsRequested; // guarded by lock: distinct segments asked for
  private long mostRequestsPerSegment; // guarded by lock
  private long bytesSent; // guarded by lock
  private final Map<Long, Integer> requestsPerSegment = new LinkedHashMap<>(); // guarded by lock

  /** How many segments' request counts are kept: far more than the window, a few KiB. */
  private static final int COUNTED_SEGMENTS = 256;

  /**
   * A segmenter that subscribes with {@code subscribe} while requests come, and lets go after
   * {@code idle} without one.
   *
   * @param subscribe subscribes a listener to the fragment stream, starting at its newest keyframe
   *     ({@code fragmentHub::subscribeAtKeyframe}), and returns what ends that subscription
   * @param idle how long after the last request the subscription is held, {@code > 0}
   */
  public HlsSegmenter(Function<FragmentHub.Listener, AutoCloseable> subscribe, Duration idle) {
    this(subscribe, idle, System::nanoTime, newRun());
  }

  HlsSegmenter(
      Function<FragmentHub.Listener, AutoCloseable> subscribe,
      Duration idle,
      LongSupplier nanoClock,
      String run) {
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException("idle: " + idle + " (expected: > 0)");
    }
    this.subscribe = Objects.requireNonNull(subscribe, "subscribe");
    this.idleNanos = idle.toNanos();
    this.nanoClock = nanoClock;
    this.run = run;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "camera-hls");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Six base-36 digits: a restarted camera's names never repeat an earlier run's. */
  private static String newRun() {
    return Long.toString(
        ThreadLocalRandom.current().nextLong(36L * 36 * 36 * 36 * 36, 36L * 36 * 36 * 36 * 36 * 36),
        36);
  }

  /** The random id every name of this segmenter carries. */
  public String run() {
    return run;
  }

  // --- The producer's side -------------------------------------------------------------------

  /**
   * A new init segment: the pictures from now on need it. The next segment starts at a keyframe,
   * after a discontinuity when segments came before. Producer thread.
   */
  @Override
  public void onInit(byte[] initSegment) {
    Objects.requireNonNull(initSegment, "initSegment");
    synchronized (lock) {
      if (!listening()) {
        return;
      }
      initId++;
      inits.put(initId, initSegment);
      breakStream();
    }
  }

  /**
   * The stream ended (the encoder stopped): the pictures collected become a segment, and what comes
   * next starts after a discontinuity, at a keyframe. Producer thread.
   */
  @Override
  public void onReset() {
    synchronized (lock) {
      if (listening()) {
        breakStream();
      }
    }
  }

  /**
   * One fragment ({@code moof} + {@code mdat}) of one picture; its bytes are kept, not copied.
   * Producer thread.
   */
  @Override
  public void onFragment(Fragment fragment) {
    byte[] bytes = fragment.bytes();
    boolean keyframe = fragment.keyframe();
    long decodeTime = fragment.decodeTime();
    int duration = fragment.duration();
    long captureEpochMicros = fragment.captureEpochMicros();
    synchronized (lock) {
      if (!listening() || initId == 0) {
        return;
      }
      if (nextDecodeTime >= 0 && decodeTime != nextDecodeTime) {
        breakStream(); // the timestamps jump: a player must be told (a discontinuity)
      }
      nextDecodeTime = decodeTime + duration;
      if (waitingForKeyframe) {
        if (!keyframe) {
          return; // a segment a player can start at begins with a keyframe
        }
        waitingForKeyframe = false;
      } else if (keyframe && pendingDuration >= MIN_SEGMENT) {
        cut();
      } else if (pendingDuration + duration > MAX_SEGMENT) {
        cut(); // keyframes too far apart: never exceed the target duration
      }
      if (pending.isEmpty()) {
        pendingCapture = captureEpochMicros;
        pendingKeyframe = keyframe;
        pendingInit = initId;
        pendingDiscontinuity = discontinuityNext;
        discontinuityNext = false;
      }
      pending.add(bytes);
      pendingDuration += duration;
    }
  }

  /**
   * The stream breaks (a new init, a jump in the decode times): the pictures collected become a
   * segment of their own, and the next segment waits for a keyframe and follows a discontinuity.
   * Under lock.
   */
  private void breakStream() {
    cut();
    nextDecodeTime = -1;
    waitingForKeyframe = true;
    discontinuityNext = published;
  }

  /** The pictures collected become the newest segment; the oldest may leave. Under lock. */
  private void cut() {
    if (pending.isEmpty()) {
      return;
    }
    ByteArrayOutputStream joined = new ByteArrayOutputStream(size(pending));
    for (byte[] fragment : pending) {
      joined.writeBytes(fragment);
    }
    window.addLast(
        new HlsSegment(
            nextSequence++,
            joined.toByteArray(),
            pendingDuration,
            pendingCapture,
            pendingInit,
            pendingDiscontinuity,
            pendingKeyframe));
    published = true;
    pending.clear();
    pendingDuration = 0;
    while (window.size() > WINDOW) {
      dropOldest();
    }
    lock.notifyAll(); // requests waiting for the first segment
  }

  private void dropOldest() {
    HlsSegment gone = window.removeFirst();
    if (gone.discontinuity()) {
      discontinuitySequence++; // RFC 8216 4.3.3.3: counts the tags that left the playlist
    }
    inits.keySet().removeIf(id -> id != initId && window.stream().noneMatch(s -> s.initId() == id));
  }

  private static int size(List<byte[]> parts) {
    long size = 0;
    for (byte[] part : parts) {
      size += part.length;
    }
    return (int) Math.min(size, Integer.MAX_VALUE - 8);
  }

  private boolean listening() {
    return !closed && (subscribing || subscription != null);
  }

  // --- The requests' side --------------------------------------------------------------------

  /**
   * A request for the playlist, the init or a segment came: holds the subscription (subscribing now
   * if none) for {@code idle} from now. Any thread.
   *
   * @throws RuntimeException what {@code subscribe} throws
   */
  public void touch() {
    synchronized (lock) {
      lastRequestNanos = nanoClock.getAsLong();
      if (closed || subscribing || subscription != null) {
        return;
      }
      subscribing = true;
    }
    // Outside the lock: subscribing may call onInit on this thread, or wait for the producer.
    AutoCloseable opened = null;
    try {
      opened = subscribe.apply(this);
    } finally {
      boolean keep;
      synchronized (lock) {
        subscribing = false;
        keep = opened != null && !closed;
        if (keep) {
          subscription = opened;
          long period = Math.max(idleNanos / 6, TimeUnit.MILLISECONDS.toNanos(100));
          idleCheck =
              scheduler.scheduleWithFixedDelay(
                  this::releaseIfIdle, period, period, TimeUnit.NANOSECONDS);
        }
      }
      if (!keep && opened != null) {
        closeQuietly(opened);
      }
    }
  }

  /**
   * Ends the subscription if no request came for {@code idle}, and empties the window. The idle
   * check's thread; tests call it with their own clock.
   */
  void releaseIfIdle() {
    AutoCloseable ending;
    synchronized (lock) {
      if (subscription == null || nanoClock.getAsLong() - lastRequestNanos < idleNanos) {
        return;
      }
      ending = subscription;
      subscription = null;
      if (idleCheck != null) {
        idleCheck.cancel(false);
        idleCheck = null;
      }
      pending.clear();
      pendingDuration = 0;
      while (!window.isEmpty()) {
        dropOldest();
      }
      breakStream();
    }
    closeQuietly(ending);
  }

  /** Whether the segmenter holds its subscription (and so the encoder runs). Any thread. */
  public boolean subscribed() {
    synchronized (lock) {
      return subscription != null;
    }
  }

  /**
   * The playlist, waiting up to {@code wait} for a first segment when there is none yet; null if
   * none came in time. Any thread.
   *
   * @param query appended to every URI in the playlist ({@code ?token=...}), or "" for nothing
   * @throws InterruptedException if interrupted while waiting
   */
  public String awaitPlaylist(Duration wait, String query) throws InterruptedException {
    HlsPlaylist.View view;
    long deadline = System.nanoTime() + wait.toNanos();
    synchronized (lock) {
      while (window.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (closed || left <= 0) {
          return null;
        }
        TimeUnit.NANOSECONDS.timedWait(lock, left);
      }
      playlistRequests++;
      view = new HlsPlaylist.View(run, List.copyOf(window), discontinuitySequence, TARGET_SECONDS);
    }
    return HlsPlaylist.render(view, query);
  }

  /** The segment named {@code name} ({@code RUN-SEQ.m4s}) if still in the window, else null. */
  public byte[] segment(String name) {
    long sequence = HlsPlaylist.segmentSequence(run, name);
    if (sequence < 0) {
      return null;
    }
    synchronized (lock) {
      for (HlsSegment segment : window) {
        if (segment.sequence() == sequence) {
          countRequest(sequence);
          return segment.bytes();
        }
      }
    }
    return null;
  }

  /** Counts one request of segment {@code sequence} (what a cache in front saves). Under lock. */
  private void countRequest(long sequence) {
    segmentRequests++;
    Integer before = requestsPerSegment.get(sequence);
    int now = before == null ? 1 : before + 1;
    if (before == null) {
      segmentsRequested++;
      if (requestsPerSegment.size() >= COUNTED_SEGMENTS) {
        requestsPerSegment.remove(requestsPerSegment.keySet().iterator().next());
      }
    }
    requestsPerSegment.put(sequence, now);
    mostRequestsPerSegment = Math.max(mostRequestsPerSegment, now);
  }

  /** Counts {@code bytes} of segments and inits sent to clients. Any thread. */
  public void sent(long bytes) {
    synchronized (lock) {
      bytesSent += bytes;
    }
  }

  /** Bytes of segments and inits sent to clients since start (for {@code /metrics}). Any thread. */
  public long bytesSent() {
    synchronized (lock) {
      return bytesSent;
    }
  }

  /**
   * What {@code /state} shows of HLS: whether the stream is held, the window, and the requests
   * answered (with a cache in front, about one per segment however many viewers). Any thread.
   */
  public Map<String, Object> state() {
    Map<String, Object> state = new LinkedHashMap<>();
    synchronized (lock) {
      state.put("subscribed", subscription != null);
      state.put("segments", window.size());
      state.put("mediaSequence", window.isEmpty() ? null : window.peekFirst().sequence());
      long bytes = 0;
      for (HlsSegment segment : window) {
        bytes += segment.bytes().length;
      }
      state.put("windowBytes", bytes);
      state.put("playlistRequests", playlistRequests);
      state.put("initRequests", initRequests);
      state.put("segmentRequests", segmentRequests);
      state.put("segmentsRequested", segmentsRequested);
      state.put("mostRequestsPerSegment", mostRequestsPerSegment);
      state.put("bytes", bytesSent);
    }
    return state;
  }

  /** The init segment named {@code name} ({@code init-RUN-ID.mp4}) if still used, else null. */
  public byte[] init(String name) {
    int id = HlsPlaylist.initId(run, name);
    if (id <= 0) {
      return null;
    }
    synchronized (lock) {
      byte[] init = inits.get(id);
      if (init != null) {
        initRequests++;
      }
      return init;
    }
  }

  /** The segments in the window now, oldest first. For tests and {@code /state}. */
  List<HlsSegment> window() {
    synchronized (lock) {
      return List.copyOf(window);
    }
  }

  /** Ends the subscription and the idle check's thread; requests waiting get null. Once or more. */
  @Override
  public void close() {
    AutoCloseable ending;
    synchronized (lock) {
      closed = true;
      ending = subscription;
      subscription = null;
      lock.notifyAll();
    }
    scheduler.shutdownNow();
    if (ending != null) {
      closeQuietly(ending);
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.log(Level.WARNING, "cannot end the HLS subscription: " + e);
    }
  }
}
