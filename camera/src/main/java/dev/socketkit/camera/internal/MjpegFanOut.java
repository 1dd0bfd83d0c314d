package dev.socketkit.camera.internal;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
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
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/*
 * Design note. The fan-out runs on select's EventLoopThread, which owns the thread, the selector,
 * the task queue, the wake-ups and the timers; what is left here is the fan-out's own concern, all
 * confined to that loop's thread: the shared part buffers, each viewer's write position, the
 * skip-to-newest rule, the write deadline (a timer ten times a second while anyone watches, also
 * the watchdog of the TLS viewers' blocking writes), the frame-rate caps (a timer per waiting
 * viewer) and the statistics for /state. A new frame reaches the loop as one task (coalesced while
 * one is pending). The loop logs a RuntimeException and goes on; an Error (out of direct memory,
 * stack) is caught here instead, because then the viewers' state cannot be trusted: every viewer
 * is ended (their clients reconnect) and the loop goes on with fresh buffers.
 */
/**
 * Sends the MJPEG stream to every viewer from one thread: each frame's part (boundary, part
 * headers, JPEG, CRLF) is built once into a direct buffer, and every viewer writes from its own
 * read-only view of that same buffer.
 *
 * <p>Plain-TCP viewers ({@link #attach}): the request handler has sent the response headers; the
 * channel is switched to non-blocking mode and handed to the event loop ({@link EventLoopThread} on
 * the thread {@code camera-fanout}), whose thread alone touches the registrations, the part buffers
 * and the viewers' positions; other threads reach it with tasks. When a new frame arrives, an idle
 * viewer starts on it at once; a viewer still writing an older part finishes that part (the stream
 * must stay well-formed) and then jumps to the newest frame, counting the ones it skipped. Nothing
 * is ever queued: a viewer holds at most a reference to one shared part, so a stalled viewer costs
 * its socket's kernel buffer and a few objects. A viewer that accepts no byte for the write
 * deadline is disconnected. The loop owns the channel from {@code attach} on and closes it when the
 * viewer ends (client closed, error, deadline, or {@link #close()}), or closes the owner it was
 * given instead (a connection detached from the HTTP server and the viewer's slot). No thread waits
 * for a plain-TCP viewer: the request thread that attached it has returned.
 *
 * <p>TLS viewers ({@link #streamBlocking}) cannot share a plain buffer (each connection encrypts
 * its own bytes), so they stream with blocking writes on the handler's thread, from the same
 * per-frame part array; the loop thread is their watchdog: a write that has not finished by the
 * deadline gets the socket closed.
 *
 * <p>Demand: while any viewer is connected the fan-out holds a subscription on the hub (which also
 * hands the loop each new frame as a task) and checks write deadlines with a timer; with none, it
 * holds nothing, the loop sleeps in its selector, and the test source rests.
 */
// Each viewer's counters have one writer (the loop thread, or the viewer's own handler thread for
// TLS) and are volatile only so that /state can read them from other threads.
@SuppressWarnings("NonAtomicVolatileUpdate")
public final class MjpegFanOut implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(MjpegFanOut.class.getName());
  private static final long CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
  private static final int POOLED_BUFFERS = 4;

  private final FrameHub hub;
  private final long deadlineNanos;
  private final EventLoopThread loop;
  private final boolean ownsLoop;
  private final Set<Viewer> all = ConcurrentHashMap.newKeySet();
  private final ByteBuffer scratch = ByteBuffer.allocateDirect(4096);
  private final ArrayDeque<ByteBuffer> pool = new ArrayDeque<>(); // loop thread only
  private final List<Viewer> streaming = new ArrayList<>(); // non-blocking viewers, loop only
  private final AtomicBoolean framePending = new AtomicBoolean(); // a new-frame task is queued
  private EventLoopThread.Timer deadlineTimer; // loop thread only; armed while anyone watches
  private final Object demandLock = new Object();
  // What the viewers that left were sent, so that the totals never go back: guarded by demandLock.
  private long leftFramesSent;
  private long leftFramesDropped;
  private long leftBytesSent;
  private FrameHub.Subscription subscription; // guarded by demandLock
  private Part current; // loop thread only
  private volatile SharedPart shared; // the latest whole part, for TLS viewers

  @SuppressWarnings("ArrayRecordComponent") // private; the array is shared on purpose
  private record SharedPart(long sequence, byte[] bytes) {}

  private volatile boolean closed;

  /**
   * Creates the fan-out and starts its event loop on the daemon thread {@code camera-fanout}.
   *
   * @param writeDeadline how long a viewer may accept no byte before it is disconnected
   * @throws IOException if the loop's selector cannot be opened
   */
  public MjpegFanOut(FrameHub hub, Duration writeDeadline) throws IOException {
    this.hub = hub;
    this.deadlineNanos = writeDeadline.toNanos();
    this.loop = EventLoopThread.open();
    this.ownsLoop = true;
    loop.start("camera-fanout", true);
  }

  /**
   * Creates the fan-out on {@code loop}, a running loop it shares with other fan-outs (several
   * cameras' viewers on one thread); {@link #close()} ends this fan-out's viewers and leaves the
   * loop running.
   *
   * @param writeDeadline how long a viewer may accept no byte before it is disconnected
   */
  public MjpegFanOut(FrameHub hub, EventLoopThread loop, Duration writeDeadline) {
    this.hub = hub;
    this.deadlineNanos = writeDeadline.toNanos();
    this.loop = loop;
    this.ownsLoop = false;
  }

  /** A part shared by the viewers writing it; loop thread only. */
  private static final class Part {
    final long sequence;
    final ByteBuffer buffer;
    int users;
    boolean current = true;

    Part(long sequence, ByteBuffer buffer) {
      this.sequence = sequence;
      this.buffer = buffer;
    }
  }

  /** One connected viewer; its counters may be read from any thread. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // single writer, see the class comment
  public static final class Viewer {
    private final SocketAddress address;
    private final long minIntervalNanos;
    private final long connectedNanos = System.nanoTime();
    private final java.util.concurrent.CountDownLatch ended =
        new java.util.concurrent.CountDownLatch(1);
    private final Closeable closer;
    private volatile long framesSent;
    private volatile long framesDropped;
    private volatile long bytesSent;
    private volatile double fps;
    private volatile String endReason;
    // Loop thread only (or the handler thread for blocking viewers):
    private SocketChannel channel;
    private EventLoop.Registration registration;
    private EventLoopThread.Timer capTimer; // waiting for its frame-rate cap to allow a start
    private Part part;
    private ByteBuffer view;
    private long sentSequence;
    private long lastStartNanos = Long.MIN_VALUE / 2;
    private long lastProgressNanos;
    private long windowStartNanos = System.nanoTime();
    private long windowFrames;
    private volatile long writeStartedNanos; // blocking viewers: 0 when not writing

    Viewer(SocketAddress address, int maxFps, Closeable closer) {
      this.address = address;
      this.minIntervalNanos = maxFps > 0 ? 1_000_000_000L / maxFps : 0;
      this.closer = closer;
    }

    /** The viewer's address. */
    public SocketAddress address() {
      return address;
    }

    /** Frames sent whole so far. */
    public long framesSent() {
      return framesSent;
    }

    /** Frames skipped because the viewer was still busy with an older one. */
    public long framesDropped() {
      return framesDropped;
    }

    /** Bytes written to the viewer. */
    public long bytesSent() {
      return bytesSent;
    }

    /** Frames per second delivered over the last second or so (0 when nothing moves). */
    public double fps() {
      return System.nanoTime() - windowStartNanos > 2_500_000_000L ? 0 : fps;
    }

    /** Seconds since the viewer connected. */
    public double connectedSeconds() {
      return (System.nanoTime() - connectedNanos) / 1e9;
    }

    /** Why the viewer ended, or null while it is connected. */
    public String endReason() {
      return endReason;
    }

    /**
     * Waits at most {@code timeout} for the viewer to end; returns whether it did. For tests and
     * tools: the camera's request threads do not wait for their viewers.
     */
    public boolean awaitEnd(Duration timeout) throws InterruptedException {
      return ended.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void countSent(long now) {
      framesSent = framesSent + 1; // single writer
      windowFrames++;
      long elapsed = now - windowStartNanos;
      if (elapsed >= 1_000_000_000L) {
        fps = windowFrames * 1e9 / elapsed;
        windowFrames = 0;
        windowStartNanos = now;
      }
    }
  }

  /**
   * The event loop this fan-out runs on, for the other formats' fan-outs to share (one thread
   * serves every viewer); this fan-out shuts it down when it closes.
   */
  public EventLoopThread loop() {
    return loop;
  }

  /** The viewers connected now, in no particular order. Any thread. */
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
   * @param framesSent frames sent whole
   * @param framesDropped frames a viewer skipped because it was still writing an older one
   * @param bytesSent bytes written, part headers included
   */
  public record Totals(int viewers, long framesSent, long framesDropped, long bytesSent) {}

  /**
   * The totals now, for {@code /metrics}: the viewers that left plus those connected (their
   * counters read as they stand). Any thread; walks the connected viewers once.
   */
  public Totals totals() {
    synchronized (demandLock) {
      long frames = leftFramesSent;
      long dropped = leftFramesDropped;
      long bytes = leftBytesSent;
      for (Viewer viewer : all) {
        frames += viewer.framesSent;
        dropped += viewer.framesDropped;
        bytes += viewer.bytesSent;
      }
      return new Totals(all.size(), frames, dropped, bytes);
    }
  }

  /**
   * Hands a plain-TCP viewer to the loop. The caller has written the response headers and must not
   * touch the channel again: the loop switches it to non-blocking mode, streams to it, and closes
   * it when the viewer ends. The caller need not wait for the viewer.
   *
   * @param maxFps this viewer's frame-rate cap, or 0 for none
   * @throws IOException if the channel cannot be made non-blocking (it is closed then)
   */
  public Viewer attach(SocketChannel channel, SocketAddress address, int maxFps)
      throws IOException {
    return attach(channel, channel, address, maxFps);
  }

  /**
   * Hands a plain-TCP viewer to the loop, as {@link #attach(SocketChannel, SocketAddress, int)},
   * with {@code owner} closed (once, on whichever thread ends the viewer) instead of the channel
   * when the viewer ends: a connection detached from the HTTP server together with the viewer's
   * slot, say. Nobody waits for the viewer: the caller's thread may return at once.
   *
   * @param owner closes the channel and releases what was held for the viewer
   * @param maxFps this viewer's frame-rate cap, or 0 for none
   * @throws IOException if the channel cannot be made non-blocking ({@code owner} is closed then)
   */
  public Viewer attach(SocketChannel channel, Closeable owner, SocketAddress address, int maxFps)
      throws IOException {
    Viewer viewer = new Viewer(address, maxFps, once(owner));
    viewer.channel = channel;
    try {
      channel.configureBlocking(false);
    } catch (IOException e) {
      closeQuietly(viewer.closer);
      throw e;
    }
    addViewer(viewer);
    try {
      onLoop(() -> register(viewer)); // a fan-out closing meanwhile ends it there
    } catch (RejectedExecutionException e) {
      endLate(viewer); // the loop has ended and would never serve or end this viewer
    }
    return viewer;
  }

  /** Ends a viewer the loop will not serve, from the attaching thread. */
  private void endLate(Viewer viewer) {
    if (viewer.endReason == null) {
      viewer.endReason = "the server is closing";
    }
    closeQuietly(viewer.closer);
    removeViewer(viewer);
  }

  /** Runs {@code task} on the loop thread, as the fan-out's own tasks run; for tests. */
  void runOnLoop(Runnable task) {
    onLoop(task);
  }

  /**
   * Runs {@code work} on the loop's thread under the fan-out's guard.
   *
   * @throws RejectedExecutionException if the loop has ended
   */
  private void onLoop(Runnable work) {
    loop.execute(() -> guarded(work));
  }

  /**
   * Runs loop work; an {@link Error} ends every viewer, whose state it may have left half-changed,
   * and drops the buffers, and the loop goes on. A RuntimeException goes to the loop, which logs
   * it.
   */
  private void guarded(Runnable work) {
    try {
      work.run();
    } catch (Error e) {
      LOG.log(Level.ERROR, "fan-out loop failed; ending every viewer: " + e, e);
      for (Viewer viewer : new ArrayList<>(streaming)) {
        end(viewer, "the server failed: " + e);
      }
      current = null;
      pool.clear();
    }
  }

  /**
   * Streams to a viewer with blocking writes on the calling thread (for TLS), until the viewer ends
   * or the fan-out closes; returns the viewer, ended. The loop thread closes {@code closer} (the
   * connection) when one write takes longer than the write deadline; {@code out} is not closed
   * here.
   *
   * @param maxFps this viewer's frame-rate cap, or 0 for none
   * @throws InterruptedException if the calling thread is interrupted
   */
  public Viewer streamBlocking(
      OutputStream out, Closeable closer, SocketAddress address, int maxFps)
      throws InterruptedException {
    Viewer viewer = new Viewer(address, maxFps, closer);
    addViewer(viewer);
    String reason = "closed by the server";
    try {
      long sent = 0;
      while (!closed) {
        Frame frame = hub.awaitNewer(sent, Duration.ofMillis(500));
        if (frame == null) {
          continue;
        }
        long now = System.nanoTime();
        long wait = viewer.lastStartNanos + viewer.minIntervalNanos - now;
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
          frame = hub.latest();
          now = System.nanoTime();
        }
        if (sent > 0 && viewer.minIntervalNanos == 0) {
          viewer.framesDropped = viewer.framesDropped + Math.max(0, frame.sequence() - sent - 1);
        }
        byte[] part = sharedPart(frame);
        viewer.lastStartNanos = now;
        viewer.writeStartedNanos = now;
        try {
          out.write(part);
          out.flush();
        } finally {
          viewer.writeStartedNanos = 0;
        }
        viewer.bytesSent = viewer.bytesSent + part.length;
        viewer.countSent(System.nanoTime());
        sent = frame.sequence();
      }
    } catch (IOException e) {
      reason = viewer.endReason != null ? viewer.endReason : "write failed: " + e.getMessage();
    } finally {
      if (viewer.endReason == null) {
        viewer.endReason = reason;
      }
      removeViewer(viewer);
    }
    return viewer;
  }

  private byte[] sharedPart(Frame frame) {
    SharedPart last = shared;
    if (last != null && last.sequence() == frame.sequence()) {
      return last.bytes();
    }
    byte[] part = Parts.whole(frame);
    shared = new SharedPart(frame.sequence(), part);
    return part;
  }

  private void addViewer(Viewer viewer) {
    synchronized (demandLock) {
      all.add(viewer);
      if (subscription == null) {
        subscription = hub.subscribe(frame -> frameArrived());
      }
    }
    try {
      onLoop(this::armDeadlines);
    } catch (RejectedExecutionException ignored) {
      // Closed: attach ends the viewer; a blocking viewer sees closed at its next frame.
    }
  }

  /** On the source thread: one task tells the loop, however many frames come meanwhile. */
  private void frameArrived() {
    if (framePending.compareAndSet(false, true)) {
      try {
        onLoop(this::newFrame);
      } catch (RejectedExecutionException ignored) {
        // The fan-out has closed: nobody to send the frame to.
      }
    }
  }

  private void removeViewer(Viewer viewer) {
    synchronized (demandLock) {
      if (all.remove(viewer)) {
        leftFramesSent += viewer.framesSent;
        leftFramesDropped += viewer.framesDropped;
        leftBytesSent += viewer.bytesSent;
      }
      if (all.isEmpty() && subscription != null) {
        subscription.close();
        subscription = null;
      }
    }
    viewer.ended.countDown();
  }

  // ---- the loop thread ------------------------------------------------------------------------

  /** A new frame: builds its part once and starts it on every idle viewer. */
  private void newFrame() {
    framePending.set(false); // a frame published from now on queues a new task
    Frame frame = hub.latest();
    if (frame == null || (current != null && frame.sequence() <= current.sequence)) {
      return;
    }
    newPart(frame);
    long now = System.nanoTime();
    for (Viewer viewer : new ArrayList<>(streaming)) {
      if (viewer.part == null) {
        start(viewer, now);
      }
    }
  }

  /** What the loop runs when a viewer's channel is ready. */
  private void ready(Viewer viewer, int events) {
    guarded(
        () -> {
          try {
            if ((events & EventLoop.READ) != 0) {
              readAndDiscard(viewer);
            }
            if ((events & EventLoop.WRITE) != 0 && viewer.ended.getCount() != 0) {
              write(viewer, System.nanoTime());
            }
          } catch (IOException | CancelledKeyException e) {
            end(viewer, "connection closed: " + e.getMessage());
          }
        });
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
    start(viewer, System.nanoTime());
  }

  /** Checks the write deadlines ten times a second while anyone watches. */
  private void armDeadlines() {
    if (deadlineTimer == null && !all.isEmpty()) {
      deadlineTimer =
          loop.schedule(
              Duration.ofNanos(CHECK_NANOS),
              () ->
                  guarded(
                      () -> {
                        deadlineTimer = null;
                        try {
                          enforceDeadlines(System.nanoTime());
                        } finally {
                          armDeadlines();
                        }
                      }));
    }
  }

  private void newPart(Frame frame) {
    if (current != null) {
      current.current = false;
      release(current);
      current = null; // released once, even if what follows fails
    }
    byte[] head = Parts.head(frame);
    byte[] jpeg = frame.jpeg();
    int size = head.length + jpeg.length + 2;
    ByteBuffer buffer = null;
    for (Iterator<ByteBuffer> it = pool.iterator(); it.hasNext(); ) {
      ByteBuffer candidate = it.next();
      if (candidate.capacity() >= size) {
        it.remove();
        buffer = candidate;
        break;
      }
    }
    if (buffer == null) {
      buffer = ByteBuffer.allocateDirect(size + size / 4);
    }
    buffer.clear();
    buffer.put(head).put(jpeg).put((byte) '\r').put((byte) '\n').flip();
    current = new Part(frame.sequence(), buffer);
  }

  /** Returns a part's buffer to the pool when nobody writes it and it is no longer current. */
  private void release(Part part) {
    if (part.users == 0 && !part.current && pool.size() < POOLED_BUFFERS) {
      pool.add(part.buffer);
    }
  }

  /** Starts the newest part on an idle viewer, if its cap allows; then writes what it can. */
  private void start(Viewer viewer, long now) {
    Part part = current;
    if (part == null || part.sequence <= viewer.sentSequence || viewer.registration == null) {
      return;
    }
    long wait = viewer.lastStartNanos + viewer.minIntervalNanos - now;
    if (wait > 0) {
      if (viewer.capTimer == null) {
        viewer.capTimer =
            loop.schedule(
                Duration.ofNanos(wait),
                () ->
                    guarded(
                        () -> {
                          viewer.capTimer = null;
                          if (viewer.part == null && viewer.ended.getCount() != 0) {
                            start(viewer, System.nanoTime()); // the newest part by then
                          }
                        }));
      }
      return;
    }
    if (viewer.sentSequence > 0 && viewer.minIntervalNanos == 0) {
      viewer.framesDropped = viewer.framesDropped + (part.sequence - viewer.sentSequence - 1);
    }
    viewer.part = part;
    part.users++;
    viewer.view = part.buffer.asReadOnlyBuffer();
    viewer.sentSequence = part.sequence;
    viewer.lastStartNanos = now;
    viewer.lastProgressNanos = now;
    try {
      write(viewer, now);
    } catch (IOException | CancelledKeyException e) {
      end(viewer, "connection closed: " + e.getMessage());
    }
  }

  private void write(Viewer viewer, long now) throws IOException {
    ByteBuffer view = viewer.view;
    if (view == null) {
      loop.modify(viewer.registration, EventLoop.READ);
      return;
    }
    int n = viewer.channel.write(view);
    if (n > 0) {
      viewer.bytesSent = viewer.bytesSent + n;
      viewer.lastProgressNanos = now;
    }
    if (view.hasRemaining()) {
      loop.modify(viewer.registration, EventLoop.READ | EventLoop.WRITE);
      return;
    }
    Part done = viewer.part;
    viewer.part = null;
    viewer.view = null;
    done.users--;
    release(done);
    viewer.countSent(now);
    loop.modify(viewer.registration, EventLoop.READ);
    if (current != null && current.sequence > viewer.sentSequence) {
      start(viewer, now); // it missed frames while busy: jump to the newest
    }
  }

  private void readAndDiscard(Viewer viewer) throws IOException {
    scratch.clear();
    int n = viewer.channel.read(scratch);
    if (n < 0) {
      end(viewer, "closed by the viewer");
    }
  }

  private void enforceDeadlines(long now) {
    for (Viewer viewer : new ArrayList<>(streaming)) {
      if (viewer.view != null && now - viewer.lastProgressNanos > deadlineNanos) {
        end(viewer, "accepted nothing for " + TimeUnit.NANOSECONDS.toMillis(deadlineNanos) + " ms");
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
    if (viewer.capTimer != null) {
      viewer.capTimer.cancel();
      viewer.capTimer = null;
    }
    if (viewer.endReason == null) {
      viewer.endReason = reason;
    }
    if (viewer.part != null) {
      Part part = viewer.part;
      viewer.part = null;
      viewer.view = null;
      part.users--;
      release(part);
    }
    if (viewer.registration != null) {
      try {
        loop.unregister(viewer.registration);
      } catch (IOException | RuntimeException ignored) {
        // Closing the channel below deregisters it anyway.
      }
    }
    closeQuietly(viewer.closer);
    removeViewer(viewer);
    LOG.log(Level.DEBUG, "viewer " + viewer.address + " ended: " + viewer.endReason);
  }

  /** {@code closeable}, closed at most once however many threads end the viewer. */
  private static Closeable once(Closeable closeable) {
    java.util.concurrent.atomic.AtomicBoolean closed =
        new java.util.concurrent.atomic.AtomicBoolean();
    return () -> {
      if (closed.compareAndSet(false, true)) {
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
   * Disconnects every viewer (their handler threads return) and stops the loop thread if this
   * fan-out started it. Blocking (TLS) viewers end at their next frame or write.
   */
  @Override
  public void close() {
    closed = true;
    try {
      onLoop(
          () -> {
            for (Viewer viewer : new ArrayList<>(streaming)) {
              end(viewer, "the server is closing");
            }
          });
    } catch (RejectedExecutionException ignored) {
      // Closed before: the loop has ended its viewers already.
    }
    if (ownsLoop) {
      loop.shutdown(); // runs the tasks queued so far (late registrations end there), then stops
    }
    for (Viewer viewer : all) {
      if (viewer.channel == null) {
        closeQuietly(viewer.closer);
      }
    }
  }
}
