package dev.socketkit.camera.internal.recording;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.RecordFormat;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import dev.socketkit.camera.internal.h264.Fragment;
import dev.socketkit.camera.internal.h264.FragmentHub;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design notes.
 *
 * Two formats, one recorder. AVI segments get the camera's JPEG frames through offer(); MP4
 * segments get the fragments of the camera's one H.264 stream (FragmentHub), subscribed at a
 * keyframe from start() to close(), which holds demand on the hub: the encoder runs while the
 * camera records. Both become Pictures in the same bounded queue, and the same code decides when
 * a segment starts and ends; the one difference is that an H.264 segment can only start at a
 * keyframe (every JPEG is one), so:
 *  - a segment longer than --segment is cut at the next keyframe (about a second later);
 *  - the pre-capture ring always starts at a keyframe: it is trimmed a whole group of pictures at
 *    a time, so it holds the pre-capture time or up to one group of pictures more;
 *  - a fragment lost to a full queue (its sequence number skips) breaks decoding until the next
 *    keyframe: the pictures in between are not written, and the segment goes on from there;
 *  - a new init segment (the encoder restarted) starts a new file.
 */

/**
 * Records the camera to disk as fragmented MP4 (H.264) or MJPEG AVI segments, continuously or
 * around motion events, and applies the retention limits.
 *
 * <p>Threading: {@link #offer} (AVI) is called on the frame publisher's thread, and the fragment
 * listener (MP4) on the fragment hub's producer thread; neither ever blocks: a picture goes into a
 * bounded queue, or is dropped (counted in {@link #framesDropped()}) when the disk cannot keep up,
 * so viewers are never slowed by the disk. One thread of its own ("socketkit recorder") takes the
 * pictures and owns every file. {@link #motionStarted} and {@link #motionEnded} may be called from
 * any thread.
 *
 * <p>Failure: the first write that fails (a full disk, a removed drive) stops recording with one
 * log message and {@link #failure()} set; the server goes on serving. Lifecycle: {@link #start()}
 * once, {@link #close()} once (it finishes the current segment properly, as SIGTERM should).
 */
public final class Recorder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(Recorder.class.getName());

  /** How often the segment's header is rewritten and forced to disk: what a crash can lose. */
  private static final long SYNC_MICROS = 1_000_000;

  /** Retention also runs this often, for days when no segment is finished (no motion). */
  private static final long RETENTION_NANOS = TimeUnit.HOURS.toNanos(1);

  /** A segment closes when no frame came for this long (a source that stopped). */
  private static final long IDLE_CLOSE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** Opens the file a segment is written to; tests inject failures here. */
  @FunctionalInterface
  interface ChannelOpener {
    SeekableByteChannel open(Path file) throws IOException;
  }

  private final RecordingSettings settings;
  private final String cameraName;
  private final double nominalFps;
  private final Segments segments;
  private final Retention retention;
  private final ChannelOpener opener;
  private final RecordFormat format;
  private final FragmentHub fragments;
  private final BlockingQueue<Picture> queue;
  private final Thread thread;
  private final AtomicLong dropped = new AtomicLong();
  private final AtomicLong written = new AtomicLong();
  private final AtomicLong bytesWritten = new AtomicLong();
  private final AtomicLong segmentsFinished = new AtomicLong();

  private volatile boolean running;
  private volatile String failure;
  private volatile boolean motionActive;
  private volatile long motionStartMicros = -1;
  private volatile long motionEndMicros = -1;
  private volatile String currentName;
  private volatile FrameHub.Subscription fragmentSubscription;
  private byte[] currentInit; // the fragment hub's producer thread alone

  // Owned by the recorder thread.
  private final Deque<Picture> ring = new ArrayDeque<>();
  private long ringBytes;
  private byte[] lastInit;
  private long lastSequence;
  private boolean needKeyframe;
  private SegmentWriter writer;
  private Path writerFile;
  private long segmentStartMicros;
  private long lastSyncMicros;
  private long lastFrameNanos;
  private long lastRetentionNanos = System.nanoTime();

  /**
   * A recorder of MJPEG AVI segments from the frames given to {@link #offer}; nothing happens until
   * {@link #start()}.
   *
   * @param cameraName the camera's name, the first part of every segment's file name
   * @param nominalFps the source's frame rate, written into a segment's header until it is finished
   */
  public Recorder(RecordingSettings settings, String cameraName, double nominalFps) {
    this(settings, cameraName, nominalFps, null, Recorder::openFile);
  }

  /**
   * A recorder of fragmented MP4 segments from the fragments of {@code fragments}, which it
   * subscribes to (at a keyframe) from {@link #start()} to {@link #close()}; {@link #offer} is then
   * ignored.
   *
   * @param cameraName the camera's name, the first part of every segment's file name
   * @param nominalFps the source's frame rate
   * @param fragments the camera's H.264 stream
   */
  public Recorder(
      RecordingSettings settings, String cameraName, double nominalFps, FragmentHub fragments) {
    this(settings, cameraName, nominalFps, Objects.requireNonNull(fragments), Recorder::openFile);
  }

  Recorder(RecordingSettings settings, String cameraName, double nominalFps, ChannelOpener opener) {
    this(settings, cameraName, nominalFps, null, opener);
  }

  Recorder(
      RecordingSettings settings,
      String cameraName,
      double nominalFps,
      FragmentHub fragments,
      ChannelOpener opener) {
    if (!(nominalFps > 0)) {
      throw new IllegalArgumentException("nominalFps: " + nominalFps + " (expected: > 0)");
    }
    this.settings = settings;
    this.cameraName = Objects.requireNonNull(cameraName, "cameraName");
    this.nominalFps = nominalFps;
    this.segments = new Segments(settings.directory());
    this.retention = new Retention(segments, settings.keepDays(), settings.maxDiskBytes());
    this.opener = opener;
    this.fragments = fragments;
    this.format = fragments != null ? RecordFormat.MP4 : RecordFormat.AVI;
    this.queue = new ArrayBlockingQueue<>(settings.queueFrames());
    this.thread = new Thread(this::run, "socketkit recorder");
    this.thread.setDaemon(true);
  }

  /** The segments this recorder writes, for listing and serving them. */
  public Segments segments() {
    return segments;
  }

  /** The settings it records with. */
  public RecordingSettings settings() {
    return settings;
  }

  /** The format of the segments it writes. */
  public RecordFormat format() {
    return format;
  }

  /**
   * Creates the directory, repairs segments a killed process left unfinished, applies retention,
   * and starts the recorder thread.
   *
   * @throws IOException if the directory cannot be created or read (a clear start-up failure)
   */
  public void start() throws IOException {
    Files.createDirectories(settings.directory());
    repairUnfinished(settings.directory());
    try {
      retention.apply(Instant.now(), null);
    } catch (IOException e) {
      LOG.log(Level.WARNING, "recording retention: " + e.getMessage());
    }
    running = true;
    thread.start();
    if (fragments != null && settings.mode() != RecordMode.OFF) {
      fragmentSubscription = fragments.subscribeAtKeyframe(new FragmentListener());
    }
  }

  /**
   * Puts the fragment hub's pictures into the queue; on the hub's producer thread, never blocks.
   */
  private final class FragmentListener implements FragmentHub.Listener {
    @Override
    public void onInit(byte[] initSegment) {
      currentInit = initSegment;
    }

    @Override
    public void onFragment(Fragment f) {
      byte[] init = currentInit;
      if (!running || failure != null || init == null) {
        return;
      }
      Picture picture =
          new Picture(
              f.bytes(),
              f.captureEpochMicros(),
              0,
              0,
              f.keyframe(),
              init,
              f.sequence(),
              f.decodeTime());
      if (!queue.offer(picture)) {
        dropped.incrementAndGet();
      }
    }

    @Override
    public void onReset() {
      currentInit = null;
    }
  }

  /**
   * Repairs every unfinished segment in {@code directory} (see {@link AviFile#repair} and {@link
   * Mp4File#repair}); a file too broken to repair is logged and left alone.
   *
   * @return how many were repaired
   */
  public static int repairUnfinished(Path directory) throws IOException {
    int repaired = 0;
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.{avi,mp4}")) {
      for (Path file : files) {
        try {
          int frames =
              file.getFileName().toString().endsWith(".mp4")
                  ? Mp4File.repair(file)
                  : AviFile.repair(file);
          if (frames >= 0) {
            repaired++;
            LOG.log(
                Level.INFO,
                "recording "
                    + file.getFileName()
                    + " was not finished; repaired, "
                    + frames
                    + " frames");
          }
        } catch (IOException e) {
          LOG.log(Level.WARNING, "cannot repair recording " + file + ": " + e.getMessage());
        }
      }
    }
    return repaired;
  }

  /**
   * Hands one frame to an AVI recorder. Never blocks: when the queue is full (the disk is slower
   * than the camera) the frame is dropped and counted. Does nothing when recording is off, stopped
   * or failed, or when it records MP4 (which takes the fragment hub's pictures instead).
   *
   * @param jpeg the encoded frame, not modified and not copied
   * @param captureMicros capture time, microseconds since the epoch
   */
  public void offer(byte[] jpeg, long captureMicros, int width, int height) {
    if (!running
        || failure != null
        || settings.mode() == RecordMode.OFF
        || format != RecordFormat.AVI) {
      return;
    }
    if (!queue.offer(Picture.jpeg(jpeg, captureMicros, width, height))) {
      dropped.incrementAndGet();
    }
  }

  /** Motion began at {@code startMicros} (the first moving frame); a motion segment opens. */
  public void motionStarted(long startMicros) {
    motionStartMicros = startMicros;
    motionActive = true;
  }

  /** The motion event ended at {@code endMicros}; the segment goes on for the post-capture time. */
  public void motionEnded(long endMicros) {
    motionEndMicros = endMicros;
    motionActive = false;
  }

  /** Frames (or fragments) dropped because the disk could not keep up. */
  public long framesDropped() {
    return dropped.get();
  }

  /** Frames written to segments. */
  public long framesWritten() {
    return written.get();
  }

  /** JPEG bytes of the frames written to segments since start (for {@code /metrics}). */
  public long bytesWritten() {
    return bytesWritten.get();
  }

  /** Segments finished (closed with their index) since start. */
  public long segmentsFinished() {
    return segmentsFinished.get();
  }

  /** The name of the segment being written, or null. */
  public String currentSegment() {
    return currentName;
  }

  /** Why recording stopped (one sentence), or null while it works. */
  public String failure() {
    return failure;
  }

  /**
   * Writes what is queued, finishes the current segment properly, and stops the thread. Waits for
   * it at most 10 seconds. Idempotent.
   */
  @Override
  public void close() {
    if (!running) {
      return;
    }
    unsubscribe();
    // No interrupt: an interrupt during FileChannel I/O closes the channel and would tear the
    // segment. The thread sees the flag within one poll.
    running = false;
    try {
      thread.join(TimeUnit.SECONDS.toMillis(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (running) {
        Picture item;
        try {
          item = queue.poll(200, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          break;
        }
        if (item == null) {
          idle();
        } else {
          handle(item);
        }
        if (System.nanoTime() - lastRetentionNanos > RETENTION_NANOS) {
          applyRetention();
        }
      }
      for (Picture item; (item = queue.poll()) != null; ) {
        handle(item);
      }
    } catch (RuntimeException e) {
      fail("recording stopped: " + e, e);
    } finally {
      finishSegment();
    }
  }

  private void idle() {
    if (writer != null && System.nanoTime() - lastFrameNanos > IDLE_CLOSE_NANOS && !motionActive) {
      finishSegment();
    }
  }

  private void handle(Picture item) {
    if (failure != null) {
      return;
    }
    lastFrameNanos = System.nanoTime();
    if (item.init() != null && !continues(item)) {
      return; // a fragment that cannot be decoded: one before it was lost
    }
    boolean record = wanted(item.micros());
    if (writer != null
        && (!record
            || (item.keyframe()
                && item.micros() - segmentStartMicros >= settings.segment().toNanos() / 1000)
            || !writer.accepts(item))) {
      finishSegment();
    }
    if (!record) {
      remember(item);
      return;
    }
    try {
      if (writer == null) {
        startSegment(item);
      } else {
        write(item);
      }
    } catch (IOException e) {
      fail(
          "recording stopped: cannot write "
              + writerFile
              + " ("
              + e.getMessage()
              + "); the camera keeps serving, but nothing more is recorded until it is restarted",
          e);
    }
  }

  /**
   * Whether fragment {@code item} follows the one before it in the same stream, or is a keyframe
   * that decodes alone. After a gap (a fragment dropped for a full queue, a new stream) the
   * pre-capture ring is useless and the fragments up to the next keyframe are skipped.
   */
  private boolean continues(Picture item) {
    boolean next = item.init() == lastInit && item.sequence() == lastSequence + 1;
    lastInit = item.init();
    lastSequence = item.sequence();
    if (!next) {
      clearRing();
      needKeyframe = true;
    }
    if (needKeyframe && !item.keyframe()) {
      return false;
    }
    needKeyframe = false;
    return true;
  }

  private boolean wanted(long micros) {
    return switch (settings.mode()) {
      case CONTINUOUS -> true;
      case MOTION ->
          motionStartMicros >= 0
              && micros >= motionStartMicros - settings.preCapture().toNanos() / 1000
              && (motionActive
                  || micros <= motionEndMicros + settings.postCapture().toNanos() / 1000);
      case OFF -> false;
    };
  }

  /** Keeps the picture in the pre-capture ring, bounded by time and bytes. */
  private void remember(Picture item) {
    if (settings.mode() != RecordMode.MOTION) {
      return;
    }
    ring.addLast(item);
    ringBytes += item.data().length;
    // The event is reported only after its minimum duration: keep that much beyond pre-capture.
    long keepMicros = settings.preCapture().toNanos() / 1000 + 10_000_000;
    trimRing(item.micros() - keepMicros);
    while (ringBytes > settings.preCaptureBytes()) {
      ringBytes -= ring.removeFirst().data().length;
      dropLeadingNonKeyframes();
    }
  }

  /**
   * Drops the oldest pictures of the ring that are not needed to show the pictures from {@code
   * from} on: it then starts at the last keyframe at or before {@code from}, or, when a picture
   * right after the first is a keyframe (as every JPEG is), at the first picture at or after it.
   */
  private void trimRing(long from) {
    while (!ring.isEmpty() && ring.peekFirst().micros() < from && laterStart(from)) {
      ringBytes -= ring.removeFirst().data().length;
    }
    dropLeadingNonKeyframes();
  }

  /**
   * Whether the ring may start after its first picture and still show everything from {@code from}.
   */
  private boolean laterStart(long from) {
    Iterator<Picture> pictures = ring.iterator();
    pictures.next();
    for (boolean second = true; pictures.hasNext(); second = false) {
      Picture p = pictures.next();
      if (p.keyframe()) {
        return second || p.micros() <= from;
      }
    }
    return false;
  }

  /** A ring starting with a picture that needs an earlier one would not decode: drop those. */
  private void dropLeadingNonKeyframes() {
    while (!ring.isEmpty() && !ring.peekFirst().keyframe()) {
      ringBytes -= ring.removeFirst().data().length;
    }
  }

  private void clearRing() {
    ring.clear();
    ringBytes = 0;
  }

  /**
   * Starts a segment with the pre-capture pictures wanted and {@code last}, from a keyframe; does
   * nothing (the pictures wait in the ring, or are dropped) while there is no keyframe to start at.
   */
  private void startSegment(Picture last) throws IOException {
    ring.addLast(last);
    ringBytes += last.data().length;
    long from =
        settings.mode() == RecordMode.MOTION
            ? motionStartMicros - settings.preCapture().toNanos() / 1000
            : last.micros();
    trimRing(from);
    if (ring.isEmpty()) {
      return; // an H.264 segment starts at a keyframe: wait for the next one
    }
    Picture first = ring.peekFirst();
    long startMicros = first.micros();
    Files.createDirectories(settings.directory());
    writerFile =
        segments.newFile(
            cameraName,
            Instant.ofEpochSecond(startMicros / 1_000_000, (startMicros % 1_000_000) * 1000),
            format.extension());
    // Named as in progress before the file exists, so a DELETE can never unlink the live segment.
    currentName = writerFile.getFileName().toString();
    SeekableByteChannel channel = null;
    try {
      channel = opener.open(writerFile);
      writer =
          format == RecordFormat.MP4
              ? new Mp4SegmentWriter(channel, first)
              : new AviSegment(new AviWriter(channel, first.width(), first.height(), nominalFps));
    } catch (IOException | RuntimeException e) {
      currentName = null;
      clearRing();
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
    segmentStartMicros = startMicros;
    lastSyncMicros = startMicros;
    for (Picture earlier; (earlier = ring.pollFirst()) != null; ) {
      if (writer.accepts(earlier)) {
        write(earlier);
      }
    }
    ringBytes = 0;
  }

  private void write(Picture item) throws IOException {
    writer.write(item);
    written.incrementAndGet();
    bytesWritten.addAndGet(item.data().length);
    if (item.micros() - lastSyncMicros >= SYNC_MICROS) {
      writer.sync();
      lastSyncMicros = item.micros();
    }
  }

  private void finishSegment() {
    if (writer == null) {
      return;
    }
    SegmentWriter finishing = writer;
    Path file = writerFile;
    writer = null;
    currentName = null;
    try {
      finishing.close();
      segmentsFinished.incrementAndGet();
    } catch (IOException e) {
      fail("recording stopped: cannot finish " + file + " (" + e.getMessage() + ")", e);
      return;
    }
    applyRetention();
  }

  private void applyRetention() {
    lastRetentionNanos = System.nanoTime();
    try {
      List<Path> deleted = retention.apply(Instant.now(), writer != null ? writerFile : null);
      for (Path gone : deleted) {
        LOG.log(Level.INFO, "retention deleted recording " + gone.getFileName());
      }
    } catch (IOException e) {
      LOG.log(Level.WARNING, "recording retention: " + e.getMessage());
    }
  }

  private void fail(String message, Throwable cause) {
    if (failure != null) {
      return;
    }
    failure = message;
    LOG.log(Level.ERROR, message); // one clear line; the stack trace only for debugging
    LOG.log(Level.DEBUG, "recording failure", cause);
    unsubscribe(); // the encoder need not run for a recorder that records nothing
    queue.clear();
    clearRing();
    if (writer != null) {
      SegmentWriter broken = writer;
      writer = null;
      currentName = null;
      try {
        broken.close(); // may work if only a frame failed; otherwise the next start repairs it
      } catch (IOException ignored) {
        // The failure is already reported; the file is repaired at the next start.
      }
    }
  }

  private void unsubscribe() {
    FrameHub.Subscription subscription = fragmentSubscription;
    fragmentSubscription = null;
    if (subscription != null) {
      subscription.close();
    }
  }

  private static SeekableByteChannel openFile(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }
}
