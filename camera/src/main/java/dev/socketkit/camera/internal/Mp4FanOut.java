package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.internal.h264.Fragment;
import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import dev.socketkit.select.EventLoop;
import dev.socketkit.select.EventLoopThread;
import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design note. The MJPEG fan-out's loop (one EventLoopThread for both formats: one thread wakes
 * for every viewer, whatever it watches) also runs this one; everything below marked "loop" is
 * confined to that thread. Each fragment reaches the loop as one task, in order, from the
 * FragmentHub's producer thread; the loop copies it once into a direct buffer, and every viewer
 * writes from its own read-only view of it. Unlike MJPEG, where any frame is a place to start,
 * H.264 pictures depend on the ones before, back to the keyframe: a viewer gets every fragment in
 * order (a short queue of shared buffers), and one that falls behind drops its queue only at a
 * keyframe, so what it decodes is never broken (see Backlog).
 *
 * The loop itself may fall behind: with thousands of viewers on a saturated core, writing one
 * fragment to all of them can take longer than a frame interval, and the fragments' tasks then wait
 * in the loop's queue, every viewer equally late, however fast each one reads. Each task carries
 * the time it was handed to the loop; one that waited over a second there puts the loop in
 * catch-up (LoopLag): fragments are dropped for every viewer, which costs nothing, until a keyframe
 * that waited little, where every viewer goes on (counted as a skip). The picture stays whole and
 * stays live, at a lower rate, instead of drifting seconds behind.
 */

/**
 * Sends the camera's fragmented-MP4 stream ({@code /stream.mp4}) to every viewer from the MJPEG
 * fan-out's event loop: the init segment, the fragments since the newest keyframe, then each new
 * fragment, one shared read-only copy per fragment for all viewers.
 *
 * <p>Plain-TCP viewers ({@link #attach}) are handed over after the response head, as for MJPEG; the
 * loop owns the channel from then on and closes the owner it was given when the viewer ends. TLS
 * viewers ({@link #streamBlocking}) write on their handler thread, watched by the loop's
 * write-deadline timer. A viewer that falls behind (more than {@link Backlog#LAG_TICKS} queued when
 * a keyframe comes, or more than {@link Backlog#MAX_TICKS} or {@link Backlog#MAX_BYTES} at any
 * time) drops what is queued and goes on at a keyframe ({@link #skips()}); one that accepts no byte
 * for the write deadline is disconnected; one that has started a stream is ended when the stream
 * ends or its parameter sets change (its player could not go on), and reconnects.
 *
 * <p>Demand: while any viewer is connected the fan-out holds a subscription on the {@link
 * FragmentHub}, which keeps the encoder running. Threads: any thread may call the public methods.
 */
// Each viewer's counters have one writer (the loop, or a TLS viewer's own thread) and are volatile
// only so that /state can read them.
@SuppressWarnings("NonAtomicVolatileUpdate")
public final class Mp4FanOut implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Mp4FanOut.class.getName());
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** The most fragments one write hands to the kernel. */
  static final int GATHER = 16;

  /** How long a viewer may wait for the encoder's first picture before it is ended. */
  static final long START_NANOS = TimeUnit.SECONDS.toNanos(15);

  private final FragmentHub hub;
  private final EventLoopThread loop;
  private final long deadlineNanos;
  private final Set<Viewer> all = ConcurrentHashMap.newKeySet();
  private final AtomicLong skips = new AtomicLong();
  private final LoopLag loopLag = new LoopLag(); // loop only
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(4096); // loop only
  private final List<Viewer> streaming = new ArrayList<>(); // loop only
  private final List<Viewer> toFlush = new ArrayList<>(); // loop only: idle viewers with news
  private boolean flushQueued; // loop only
  private Item init; // loop only: the current init segment, or null
  private final List<Item> gop = new ArrayList<>(); // loop only: since the newest keyframe
  private EventLoopThread.Timer deadlineTimer; // loop only
  private final Object demandLock = new Object();
  // What the viewers that left were sent, so that the totals never go back: guarded by demandLock.
  private long leftFragmentsSent;
  private long leftBytesSent;
  private FrameHub.Subscription subscription; // guarded by demandLock
  private volatile boolean closed;

  /**
   * A fan-out on {@code loop} (the MJPEG fan-out's, which owns and stops it).
   *
   * @param writeDeadline how long a viewer may accept no byte before it is disconnected
   */
  public Mp4FanOut(FragmentHub hub, EventLoopThread loop, Duration writeDeadline) {
    this.hub = hub;
    this.loop = loop;
    this.deadlineNanos = writeDeadline.toNanos();
  }

  /**
   * A fragment or the init segment, shared by every viewer: the bytes, and for plain-TCP viewers a
   * direct buffer made once, on the loop. An init segment counts as a keyframe of no duration.
   */
  @SuppressWarnings("ArrayRecordComponent") // never compared; the array is shared on purpose
  record Item(byte[] bytes, ByteBuffer buffer, boolean keyframe, int duration) {
    static Item of(byte[] bytes, boolean keyframe, int duration, boolean direct) {
      ByteBuffer buffer = null;
      if (direct) {
        buffer = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
      }
      return new Item(bytes, buffer, keyframe, duration);
    }
  }

  /**
   * Whether the loop is so far behind its own task queue that it should drop fragments until a
   * keyframe that reached it in time. Not thread-safe: the loop's.
   */
  static final class LoopLag {
    /** A fragment that waited this long for the loop puts it in catch-up. */
    static final long BEHIND_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** A keyframe that waited at most this long ends the catch-up. */
    static final long CAUGHT_UP_NANOS = TimeUnit.MILLISECONDS.toNanos(250);

    private boolean behind;

    /**
     * Whether to send a fragment the loop runs {@code queuedNanos} after it was handed to it; false
     * drops it for every viewer.
     */
    boolean admit(boolean keyframe, long queuedNanos) {
      if (!behind && queuedNanos > BEHIND_NANOS) {
        behind = true;
      }
      if (behind && keyframe && queuedNanos <= CAUGHT_UP_NANOS) {
        behind = false;
      }
      return !behind;
    }

    boolean behind() {
      return behind;
    }
  }

  /**
   * A viewer's queue of fragments not yet written, with the rule that keeps a slow viewer's picture
   * whole: what is dropped is dropped up to a keyframe. Not thread-safe: one owner.
   */
  static final class Backlog {
    /** A viewer this far behind (90 kHz ticks, one second) when a keyframe comes jumps to it. */
    static final long LAG_TICKS = Fmp4Writer.TIMESCALE;

    /** A viewer this far behind drops its queue and waits for the next keyframe (3 s). */
    static final long MAX_TICKS = 3L * Fmp4Writer.TIMESCALE;

    /** ... or this many bytes behind (a stream with keyframes far apart). */
    static final long MAX_BYTES = 8L << 20;

    private final ArrayDeque<Item> items = new ArrayDeque<>();
    private long ticks;
    private long bytes;
    private boolean waitingForKeyframe;

    /** Queues {@code item}, or drops it; returns 1 when this made the viewer skip, else 0. */
    int offer(Item item) {
      int skipped = 0;
      if (waitingForKeyframe) {
        if (!item.keyframe()) {
          return 0;
        }
        waitingForKeyframe = false;
      } else if (item.keyframe() && ticks > LAG_TICKS) {
        clear();
        skipped = 1;
      }
      items.add(item);
      ticks += item.duration();
      bytes += item.bytes().length;
      if (ticks > MAX_TICKS || bytes > MAX_BYTES) {
        clear();
        waitingForKeyframe = true;
        skipped = 1;
      }
      return skipped;
    }

    /** The next item to write, or null. */
    Item poll() {
      Item item = items.poll();
      if (item != null) {
        ticks -= item.duration();
        bytes -= item.bytes().length;
      }
      return item;
    }

    boolean isEmpty() {
      return items.isEmpty();
    }

    long ticks() {
      return ticks;
    }

    private void clear() {
      items.clear();
      ticks = 0;
      bytes = 0;
    }
  }

  /** One connected viewer; its counters may be read from any thread. */
  public static final class Viewer {
    private final SocketAddress address;
    private final Closeable closer;
    private final long connectedNanos = System.nanoTime();
    private final CountDownLatch ended = new CountDownLatch(1);
    private volatile long fragmentsSent;
    private volatile long bytesSent;
    private volatile long skips;
    private volatile String endReason;
    private volatile long writeStartedNanos; // TLS viewers: 0 when not writing
    // Loop only (or the viewer's own thread and the hub's producer, under the viewer, for TLS):
    private final Backlog backlog = new Backlog();
    private boolean started; // it has the init segment: it cannot take another
    private SocketChannel channel;
    private EventLoop.Registration registration;
    // What is being written: pending[from, to), the init segment first when it is there.
    private final ByteBuffer[] pending = new ByteBuffer[GATHER];
    private int from;
    private int to;
    private boolean initPending;
    private boolean flushing; // in toFlush
    private long lastProgressNanos = System.nanoTime();

    Viewer(SocketAddress address, Closeable closer) {
      this.address = address;
      this.closer = closer;
    }

    /** Whether a write is under way: bytes handed to the loop and not yet all in the socket. */
    private boolean writing() {
      return from < to;
    }

    /** The viewer's address. */
    public SocketAddress address() {
      return address;
    }

    /** Fragments written whole so far. */
    public long fragmentsSent() {
      return fragmentsSent;
    }

    /** Bytes written to the viewer, the init segment too. */
    public long bytesSent() {
      return bytesSent;
    }

    /** How often the viewer fell behind and skipped to a keyframe. */
    public long skips() {
      return skips;
    }

    /** Seconds since the viewer connected. */
    public double connectedSeconds() {
      return (System.nanoTime() - connectedNanos) / 1e9;
    }

    /** Why the viewer ended, or null while it is connected. */
    public String endReason() {
      return endReason;
    }

    /** Waits at most {@code timeout} for the viewer to end; returns whether it did. For tests. */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
      return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  /** The viewers connected now. Any thread. */
  public List<Viewer> viewers() {
    return List.copyOf(all);
  }

  /** How many viewers are connected. Any thread. */
  public int viewerCount() {
    return all.size();
  }

  /**
   * What every viewer, connected or gone, was sent since the fan-out was made.
   *
   * @param viewers the viewers connected now
   * @param fragmentsSent media fragments sent
   * @param bytesSent bytes written, init segments included
   */
  public record Totals(int viewers, long fragmentsSent, long bytesSent) {}

  /**
   * The totals now, for {@code /metrics}: the viewers that left plus those connected. Any thread;
   * walks the connected viewers once.
   */
  public Totals totals() {
    synchronized (demandLock) {
      long fragments = leftFragmentsSent;
      long bytes = leftBytesSent;
      for (Viewer viewer : all) {
        fragments += viewer.fragmentsSent;
        bytes += viewer.bytesSent;
      }
      return new Totals(all.size(), fragments, bytes);
    }
  }

  /** How often a viewer skipped to a keyframe since the camera started. Any thread. */
  public long skips() {
    return skips.get();
  }

  /**
   * Hands a plain-TCP viewer whose response head is written to the loop, which from now on owns the
   * channel and closes {@code owner} (once) when the viewer ends. Returns at once.
   *
   * @throws IOException if the channel cannot be made non-blocking ({@code owner} is closed then)
   */
  public Viewer attach(SocketChannel channel, Closeable owner, SocketAddress address)
      throws IOException {
    Viewer viewer = new Viewer(address, once(owner));
    viewer.channel = channel;
    try {
      channel.configureBlocking(false);
    } catch (IOException e) {
      closeQuietly(viewer.closer);
      throw e;
    }
    addViewer(viewer);
    try {
      loop.execute(() -> register(viewer));
    } catch (RejectedExecutionException e) {
      viewer.endReason = "the server is closing";
      closeQuietly(viewer.closer);
      removeViewer(viewer);
    }
    return viewer;
  }

  /**
   * Streams to a TLS viewer with blocking writes on the calling thread, until the viewer ends or
   * the fan-out closes; returns the viewer, ended. The loop closes {@code closer} when one write
   * takes longer than the write deadline; {@code out} is not closed here.
   *
   * @throws InterruptedException if the calling thread is interrupted
   */
  public Viewer streamBlocking(OutputStream out, Closeable closer, SocketAddress address)
      throws InterruptedException {
    Viewer viewer = new Viewer(address, closer);
    addViewer(viewer);
    BlockingFeed feed = new BlockingFeed(viewer);
    FrameHub.Subscription fed = hub.subscribeAtKeyframe(feed);
    String reason = "closed by the server";
    try {
      while (!closed) {
        Item item = feed.take(Duration.ofMillis(500));
        if (item == null) {
          if (feed.finished != null) {
            reason = feed.finished;
            break;
          }
          continue;
        }
        viewer.writeStartedNanos = System.nanoTime();
        try {
          out.write(item.bytes());
          out.flush();
        } finally {
          viewer.writeStartedNanos = 0;
        }
        viewer.bytesSent = viewer.bytesSent + item.bytes().length;
        if (item.duration() > 0) {
          viewer.fragmentsSent = viewer.fragmentsSent + 1;
        }
      }
    } catch (IOException e) {
      reason = viewer.endReason != null ? viewer.endReason : "write failed: " + e.getMessage();
    } finally {
      fed.close();
      if (viewer.endReason == null) {
        viewer.endReason = reason;
      }
      removeViewer(viewer);
    }
    return viewer;
  }

  /** A TLS viewer's queue, filled on the hub's producer thread, taken on the viewer's. */
  private final class BlockingFeed implements FragmentHub.Listener {
    private final Viewer viewer;
    private volatile String finished;

    BlockingFeed(Viewer viewer) {
      this.viewer = viewer;
    }

    @Override
    public void onInit(byte[] initSegment) {
      synchronized (viewer) {
        if (viewer.started) {
          finished = "the stream restarted";
        } else {
          viewer.started = true;
          viewer.backlog.offer(Item.of(initSegment, true, 0, false));
        }
        viewer.notifyAll();
      }
    }

    @Override
    public void onFragment(Fragment f) {
      synchronized (viewer) {
        if (viewer.started) {
          skipped(
              viewer, viewer.backlog.offer(Item.of(f.bytes(), f.keyframe(), f.duration(), false)));
          viewer.notifyAll();
        }
      }
    }

    @Override
    public void onReset() {
      synchronized (viewer) {
        if (viewer.started) {
          finished = "the stream ended";
          viewer.notifyAll();
        }
      }
    }

    Item take(Duration timeout) throws InterruptedException {
      synchronized (viewer) {
        if (viewer.backlog.isEmpty() && finished == null) {
          viewer.wait(timeout.toMillis());
        }
        return finished != null ? null : viewer.backlog.poll();
      }
    }
  }

  private void skipped(Viewer viewer, int count) {
    if (count > 0) {
      viewer.skips = viewer.skips + count;
      skips.addAndGet(count);
    }
  }

  private void addViewer(Viewer viewer) {
    synchronized (demandLock) {
      all.add(viewer);
      if (subscription == null) {
        subscription = hub.subscribeAtKeyframe(new LoopFeed());
      }
    }
    try {
      loop.execute(this::armDeadlines);
    } catch (RejectedExecutionException ignored) {
      // Closed: the viewer is ended by whoever added it.
    }
  }

  private void removeViewer(Viewer viewer) {
    synchronized (demandLock) {
      if (all.remove(viewer)) {
        leftFragmentsSent += viewer.fragmentsSent;
        leftBytesSent += viewer.bytesSent;
      }
      if (all.isEmpty() && subscription != null) {
        subscription.close();
        subscription = null;
        try {
          loop.execute(this::forgetStream); // the next subscription replays it again
        } catch (RejectedExecutionException ignored) {
          // Closed: nothing to forget for.
        }
      }
    }
    viewer.ended.countDown();
  }

  /** Hands the hub's events to the loop, in order, on the producer thread. */
  private final class LoopFeed implements FragmentHub.Listener {
    @Override
    public void onInit(byte[] initSegment) {
      onLoop(() -> newInit(initSegment));
    }

    @Override
    public void onFragment(Fragment f) {
      long handed = System.nanoTime();
      onLoop(() -> newFragment(f, handed));
    }

    @Override
    public void onReset() {
      onLoop(() -> streamEnded());
    }

    private void onLoop(Runnable task) {
      try {
        loop.execute(task);
      } catch (RejectedExecutionException ignored) {
        // The fan-out has closed: nobody to send to.
      }
    }
  }

  // ---- the loop thread ------------------------------------------------------------------------

  private void forgetStream() {
    if (all.isEmpty()) {
      init = null;
      gop.clear();
    }
  }

  private void newInit(byte[] bytes) {
    init = Item.of(bytes, true, 0, true);
    gop.clear();
    for (Viewer viewer : new ArrayList<>(streaming)) {
      if (viewer.started) {
        end(viewer, "the stream restarted with new parameter sets");
      } else {
        begin(viewer);
      }
    }
  }

  private void streamEnded() {
    init = null;
    gop.clear();
    for (Viewer viewer : new ArrayList<>(streaming)) {
      if (viewer.started) {
        end(viewer, "the stream ended");
      }
    }
  }

  private void newFragment(Fragment f, long handedNanos) {
    if (init == null) {
      return; // a fragment of a stream this loop did not see begin
    }
    boolean wasBehind = loopLag.behind();
    if (!loopLag.admit(f.keyframe(), System.nanoTime() - handedNanos)) {
      gop.clear(); // a new viewer must not start on a group with holes
      return;
    }
    if (wasBehind) {
      for (Viewer viewer : streaming) {
        if (viewer.started) {
          skipped(viewer, 1); // every viewer jumps to this keyframe
        }
      }
    }
    Item item = Item.of(f.bytes(), f.keyframe(), f.duration(), true);
    if (f.keyframe()) {
      gop.clear();
    }
    if (f.keyframe() || !gop.isEmpty()) {
      gop.add(item);
      if (gop.size() > FragmentHub.MAX_GOP_FRAGMENTS) {
        gop.clear();
      }
    }
    for (Viewer viewer : streaming) {
      if (viewer.started) {
        skipped(viewer, viewer.backlog.offer(item));
        if (!viewer.writing() && !viewer.flushing) {
          viewer.flushing = true;
          toFlush.add(viewer);
        }
      }
    }
    if (!flushQueued && !toFlush.isEmpty()) {
      // One task after the ones already queued, not a write per fragment: when the loop is behind,
      // the fragments waiting in its queue reach each viewer in one write instead of one each.
      flushQueued = true;
      loop.execute(this::flush);
    }
  }

  /** Writes to every idle viewer that has fragments queued since the last flush. */
  private void flush() {
    flushQueued = false;
    long now = System.nanoTime();
    for (Viewer viewer : toFlush) {
      viewer.flushing = false;
      if (viewer.ended.getCount() != 0 && !viewer.writing()) {
        viewer.lastProgressNanos = now;
        write(viewer, now);
      }
    }
    toFlush.clear();
  }

  private void register(Viewer viewer) {
    if (closed) {
      end(viewer, "the server is closing");
      return;
    }
    try {
      viewer.registration =
          loop.register(
              viewer.channel, EventLoop.READ, (registration, events) -> ready(viewer, events));
    } catch (IOException | RuntimeException e) {
      end(viewer, "cannot register: " + e.getMessage());
      return;
    }
    streaming.add(viewer);
    if (init != null) {
      begin(viewer);
    }
  }

  /** Starts a viewer on the init segment and the fragments since the newest keyframe. */
  private void begin(Viewer viewer) {
    viewer.started = true;
    for (Item item : gop) {
      viewer.backlog.offer(item);
    }
    viewer.pending[0] = init.buffer().asReadOnlyBuffer();
    viewer.from = 0;
    viewer.to = 1;
    viewer.initPending = true;
    viewer.lastProgressNanos = System.nanoTime();
    write(viewer, viewer.lastProgressNanos);
  }

  private void ready(Viewer viewer, int events) {
    try {
      if ((events & EventLoop.READ) != 0) {
        scratch.clear();
        if (viewer.channel.read(scratch) < 0) {
          end(viewer, "closed by the viewer");
          return;
        }
      }
      if ((events & EventLoop.WRITE) != 0 && viewer.ended.getCount() != 0) {
        write(viewer, System.nanoTime());
      }
    } catch (IOException | CancelledKeyException e) {
      end(viewer, "connection closed: " + e.getMessage());
    }
  }

  /**
   * Writes what the viewer has pending and then its queue, up to {@link #GATHER} fragments in one
   * gathering write, until everything is written or the socket is full (then it waits for the
   * loop's write event).
   */
  private void write(Viewer viewer, long now) {
    try {
      while (true) {
        if (viewer.from == viewer.to) {
          viewer.from = 0;
          viewer.to = 0;
        }
        Item item;
        while (viewer.to < GATHER && (item = viewer.backlog.poll()) != null) {
          viewer.pending[viewer.to++] = item.buffer().asReadOnlyBuffer();
        }
        if (viewer.from == viewer.to) {
          loop.modify(viewer.registration, EventLoop.READ);
          return;
        }
        long n = viewer.channel.write(viewer.pending, viewer.from, viewer.to - viewer.from);
        if (n > 0) {
          viewer.bytesSent = viewer.bytesSent + n;
          viewer.lastProgressNanos = now;
        }
        while (viewer.from < viewer.to && !viewer.pending[viewer.from].hasRemaining()) {
          viewer.pending[viewer.from++] = null;
          if (viewer.initPending) {
            viewer.initPending = false; // the init segment is not a fragment
          } else {
            viewer.fragmentsSent = viewer.fragmentsSent + 1;
          }
        }
        if (viewer.from < viewer.to) {
          loop.modify(viewer.registration, EventLoop.READ | EventLoop.WRITE);
          return;
        }
      }
    } catch (IOException | CancelledKeyException e) {
      end(viewer, "connection closed: " + e.getMessage());
    }
  }

  private void armDeadlines() {
    if (deadlineTimer == null && !all.isEmpty()) {
      deadlineTimer =
          loop.schedule(
              Duration.ofNanos(CHECK_NANOS),
              () -> {
                deadlineTimer = null;
                try {
                  enforceDeadlines(System.nanoTime());
                } finally {
                  armDeadlines();
                }
              });
    }
  }

  private void enforceDeadlines(long now) {
    for (Viewer viewer : new ArrayList<>(streaming)) {
      if (viewer.writing() && now - viewer.lastProgressNanos > deadlineNanos) {
        end(viewer, "accepted nothing for " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms");
      } else if (!viewer.started && now - viewer.connectedNanos > START_NANOS) {
        end(viewer, "the H.264 encoder sent no picture");
      }
    }
    for (Viewer viewer : all) {
      long started = viewer.writeStartedNanos;
      if (viewer.channel == null && started != 0 && now - started > deadlineNanos) {
        viewer.endReason =
            "accepted nothing for " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms";
        closeQuietly(viewer.closer);
      }
    }
  }

  private void end(Viewer viewer, String reason) {
    if (viewer.ended.getCount() == 0) {
      return;
    }
    streaming.remove(viewer);
    if (viewer.endReason == null) {
      viewer.endReason = reason;
    }
    Arrays.fill(viewer.pending, null);
    viewer.from = 0;
    viewer.to = 0;
    if (viewer.registration != null) {
      try {
        loop.unregister(viewer.registration);
      } catch (IOException | RuntimeException ignored) {
        // Closing the channel below deregisters it anyway.
      }
    }
    closeQuietly(viewer.closer);
    removeViewer(viewer);
    LOG.log(Level.DEBUG, "mp4 viewer " + viewer.address + " ended: " + viewer.endReason);
  }

  private static Closeable once(Closeable closeable) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        closeable.close();
      }
    };
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException ignored) {
      // the connection is being dropped; nothing more to tell it
    }
  }

  /**
   * Disconnects every viewer; TLS viewers end at their next fragment or within half a second. Call
   * before the MJPEG fan-out closes the loop.
   */
  @Override
  public void close() {
    closed = true;
    try {
      loop.execute(
          () -> {
            for (Viewer viewer : new ArrayList<>(streaming)) {
              end(viewer, "the server is closing");
            }
          });
    } catch (RejectedExecutionException ignored) {
      // The loop has ended: its viewers' channels were closed with it.
    }
  }
}
