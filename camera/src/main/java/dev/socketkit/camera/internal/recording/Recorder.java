package dev.socketkit.camera.internal.recording;

import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
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
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Records the camera's frames to disk as MJPEG AVI segments, continuously or around motion events,
 * and applies the retention limits.
 *
 * <p>Threading: {@link #offer} is called on the frame publisher's thread and never blocks: it puts
 * the frame into a bounded queue, or drops it (counted in {@link #framesDropped()}) when the disk
 * cannot keep up, so viewers are never slowed by the disk. One thread of its own ("socketkit
 * recorder") takes the frames and owns every file. {@link #motionStarted} and {@link #motionEnded}
 * may be called from any thread.
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

  /** One frame on its way to the disk; {@code jpeg} is the hub's array, shared, never modified. */
  private static final class Item {
    private final byte[] jpeg;
    private final long micros;
    private final int width;
    private final int height;

    Item(byte[] jpeg, long micros, int width, int height) {
      this.jpeg = jpeg;
      this.micros = micros;
      this.width = width;
      this.height = height;
    }

    byte[] jpeg() {
      return jpeg;
    }

    long micros() {
      return micros;
    }

    int width() {
      return width;
    }

    int height() {
      return height;
    }
  }

  private final RecordingSettings settings;
  private final String cameraName;
  private final double nominalFps;
  private final Segments segments;
  private final Retention retention;
  private final ChannelOpener opener;
  private final BlockingQueue<Item> queue;
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

  // Owned by the recorder thread.
  private final Deque<Item> ring = new ArrayDeque<>();
  private long ringBytes;
  private AviWriter writer;
  private Path writerFile;
  private long segmentStartMicros;
  private long lastSyncMicros;
  private long lastFrameNanos;
  private long lastRetentionNanos = System.nanoTime();

  /**
   * A recorder with {@code settings}; nothing happens until {@link #start()}.
   *
   * @param cameraName the camera's name, the first part of every segment's file name
   * @param nominalFps the source's frame rate, written into a segment's header until it is finished
   */
  public Recorder(RecordingSettings settings, String cameraName, double nominalFps) {
    this(settings, cameraName, nominalFps, Recorder::openFile);
  }

  Recorder(RecordingSettings settings, String cameraName, double nominalFps, ChannelOpener opener) {
    if (!(nominalFps > 0)) {
      throw new IllegalArgumentException("nominalFps: " + nominalFps + " (expected: > 0)");
    }
    this.settings = settings;
    this.cameraName = Objects.requireNonNull(cameraName, "cameraName");
    this.nominalFps = nominalFps;
    this.segments = new Segments(settings.directory());
    this.retention = new Retention(segments, settings.keepDays(), settings.maxDiskBytes());
    this.opener = opener;
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
  }

  /**
   * Repairs every unfinished segment in {@code directory} (see {@link AviFile#repair}); a file too
   * broken to repair is logged and left alone.
   *
   * @return how many were repaired
   */
  public static int repairUnfinished(Path directory) throws IOException {
    int repaired = 0;
    if (!Files.isDirectory(directory)) {
      return 0;
    }
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory, "*.avi")) {
      for (Path file : files) {
        try {
          int frames = AviFile.repair(file);
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
   * Hands one frame to the recorder. Never blocks: when the queue is full (the disk is slower than
   * the camera) the frame is dropped and counted. Does nothing when recording is off, stopped or
   * failed.
   *
   * @param jpeg the encoded frame, not modified and not copied
   * @param captureMicros capture time, microseconds since the epoch
   */
  public void offer(byte[] jpeg, long captureMicros, int width, int height) {
    if (!running || failure != null || settings.mode() == RecordMode.OFF) {
      return;
    }
    if (!queue.offer(new Item(jpeg, captureMicros, width, height))) {
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

  /** Frames dropped because the disk could not keep up. */
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
        Item item;
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
      for (Item item; (item = queue.poll()) != null; ) {
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

  private void handle(Item item) {
    if (failure != null) {
      return;
    }
    lastFrameNanos = System.nanoTime();
    boolean record = wanted(item.micros());
    if (writer != null
        && (!record
            || item.micros() - segmentStartMicros >= settings.segment().toNanos() / 1000
            || writer.size() + item.jpeg().length > AviWriter.MAX_FILE_BYTES
            || item.width() != writer.width()
            || item.height() != writer.height())) {
      finishSegment();
    }
    if (!record) {
      remember(item);
      return;
    }
    try {
      if (writer == null) {
        startSegment(item);
      }
      write(item);
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

  /** Keeps the frame in the pre-capture ring, bounded by time and bytes. */
  private void remember(Item item) {
    if (settings.mode() != RecordMode.MOTION) {
      return;
    }
    ring.addLast(item);
    ringBytes += item.jpeg().length;
    // The event is reported only after its minimum duration: keep that much beyond pre-capture.
    long keepMicros = settings.preCapture().toNanos() / 1000 + 10_000_000;
    while (!ring.isEmpty()
        && (ring.peekFirst().micros() < item.micros() - keepMicros
            || ringBytes > settings.preCaptureBytes())) {
      ringBytes -= ring.removeFirst().jpeg().length;
    }
  }

  private void startSegment(Item first) throws IOException {
    long from =
        settings.mode() == RecordMode.MOTION
            ? motionStartMicros - settings.preCapture().toNanos() / 1000
            : first.micros();
    while (!ring.isEmpty() && ring.peekFirst().micros() < from) {
      ringBytes -= ring.removeFirst().jpeg().length;
    }
    long startMicros = ring.isEmpty() ? first.micros() : ring.peekFirst().micros();
    Files.createDirectories(settings.directory());
    writerFile =
        segments.newFile(
            cameraName,
            Instant.ofEpochSecond(startMicros / 1_000_000, (startMicros % 1_000_000) * 1000));
    // Named as in progress before the file exists, so a DELETE can never unlink the live segment.
    currentName = writerFile.getFileName().toString();
    SeekableByteChannel channel = null;
    try {
      channel = opener.open(writerFile);
      writer = new AviWriter(channel, first.width(), first.height(), nominalFps);
    } catch (IOException | RuntimeException e) {
      currentName = null;
      if (channel != null) {
        channel.close();
      }
      throw e;
    }
    segmentStartMicros = startMicros;
    lastSyncMicros = startMicros;
    for (Item earlier; (earlier = ring.pollFirst()) != null; ) {
      if (earlier.width() == first.width() && earlier.height() == first.height()) {
        write(earlier);
      }
    }
    ringBytes = 0;
  }

  private void write(Item item) throws IOException {
    writer.writeFrame(item.jpeg(), item.micros());
    written.incrementAndGet();
    bytesWritten.addAndGet(item.jpeg().length);
    if (item.micros() - lastSyncMicros >= SYNC_MICROS) {
      writer.sync();
      lastSyncMicros = item.micros();
    }
  }

  private void finishSegment() {
    if (writer == null) {
      return;
    }
    AviWriter finishing = writer;
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
    queue.clear();
    ring.clear();
    if (writer != null) {
      AviWriter broken = writer;
      writer = null;
      currentName = null;
      try {
        broken.close(); // may work if only a frame failed; otherwise the next start repairs it
      } catch (IOException ignored) {
        // The failure is already reported; the file is repaired at the next start.
      }
    }
  }

  private static SeekableByteChannel openFile(Path file) throws IOException {
    return FileChannel.open(
        file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE, StandardOpenOption.READ);
  }
}
