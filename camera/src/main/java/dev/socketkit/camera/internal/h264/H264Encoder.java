package dev.socketkit.camera.internal.h264;

import dev.socketkit.camera.Frame;
import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.internal.ChildProcess;
import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.AccessUnitReader;
import dev.socketkit.camera.internal.mp4.AnnexB;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design notes.
 *
 * One ffmpeg child per camera, only while the FragmentHub has demand. Its stdin gets the camera's
 * JPEG frames (image2pipe: each JPEG as it is), its stdout is Annex-B H.264 with access unit
 * delimiters. Two threads: "camera-h264" starts the child and reads its output (AccessUnitReader
 * -> Fmp4Writer -> FragmentHub), "camera-h264-in" writes the newest frame to its stdin. The writer
 * blocks on the pipe when ffmpeg is slow, never the source: it takes FrameHub's newest frame each
 * time, so it skips frames instead of queueing them.
 *
 * Capture times: with no B-frames and zerolatency (no lookahead, no frame threads), one JPEG in
 * gives one picture out, in order. The writer appends each frame's capture time to a FIFO before
 * writing it; the reader takes the head for each picture, and the picture's duration is the next
 * entry minus its own (the next frame is already written when the reader sees this picture end,
 * since a picture ends where the next one's delimiter begins), so tfdt follows wall time. ffmpeg
 * keeps at most a couple of frames in flight (its input parser holds one, the pipe one); more
 * than MAX_IN_FLIGHT entries means ffmpeg dropped a frame it could not decode, and the FIFO would
 * lag for ever: the oldest entries are dropped down to the usual depth (a picture may then carry
 * a capture time one or two frames off, never an order that goes backwards).
 *
 * Input flags: -probesize 32 -analyzeduration 0 so ffmpeg starts at the first frame; not -fflags
 * nobuffer, which in ffmpeg 5.1 loses the probed first frame and would shift every capture time.
 * -fps_mode passthrough: ffmpeg must neither duplicate nor drop frames to make a constant rate.
 *
 * Keyframes about every second, whatever the source does: -g counts pictures, and the NO SIGNAL
 * frame comes once a second, so fed only those, the keyframes would be fps seconds apart (a new
 * viewer would wait that long for a picture). So when no new frame came for PAD_AFTER (the source
 * is down or stalled), the writer sends the last frame again every 1/fps, stamped with the time it
 * is sent: ffmpeg gets fps pictures a second and -g fps stays a second. It costs a decode and an
 * encode per padded picture, only while the source is down and someone watches H.264. Stamping the
 * input with the wall clock and -force_key_frames by time was tried: in ffmpeg 5.1 the times its
 * expression sees from image2pipe with -use_wallclock_as_timestamps run fast, and keyframes came
 * every few pictures.
 *
 * A source that has H.264 of its own (an ffmpeg: input passed through, see H264Copy) fills the
 * FragmentHub itself; H264Owner hands the hub over: the encoder starts no child while the source
 * provides H.264, and stops its child when the source starts to (the writer polls it between
 * frames), resetting the hub before it lets go.
 */

/**
 * Encodes the camera's JPEG frames to H.264 once, with one supervised {@code ffmpeg} child
 * (libx264), while someone wants the fragmented-MP4 stream, and publishes each picture as a {@link
 * Fragment} into a {@link FragmentHub}.
 *
 * <p>Lifecycle: {@link #start()} starts the {@code camera-h264} thread, which sleeps until the
 * fragment hub has demand, then checks once that ffmpeg runs and has libx264 (if not, H.264 is
 * unavailable for the camera's life: {@link #unavailable()} says why, logged once), starts the
 * child, and stops it (its input closed, then SIGTERM, then a kill) {@code linger} after the last
 * demand ended; a child that dies is restarted after a second while demand lasts. Each child begins
 * a new stream ({@link FragmentHub#publishInit}); when it ends, {@link FragmentHub#reset}. {@link
 * #close()} stops everything.
 *
 * <p>Threading: all methods may be called from any thread.
 */
public final class H264Encoder implements AutoCloseable {
  private static final System.Logger LOG = System.getLogger(H264Encoder.class.getName());

  /**
   * Default bit rate, kbit/s: with the fragments' boxes the test pattern at 640x480, 30 fps comes
   * to about 1/10 of its MJPEG at quality 80 (5.4 Mbit/s); the issue asks for at most 1/8.
   */
  public static final int DEFAULT_BITRATE_KBPS = 500;

  /** How long the child keeps running after the last viewer left: a reload costs no restart. */
  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(3);

  /** How long ffmpeg may take to exit after SIGTERM before it is killed. */
  static final Duration GRACE = Duration.ofSeconds(2);

  /** More capture times than this waiting for their pictures means ffmpeg dropped a frame. */
  static final int MAX_IN_FLIGHT = 8;

  /** How many waiting capture times are kept when ffmpeg dropped frames (see the notes). */
  static final int USUAL_IN_FLIGHT = 2;

  /**
   * After this long without a new frame, the writer repeats the last one at the full rate, so that
   * -g keeps keyframes a second apart (see the notes): well above a frame interval at any rate
   * worth encoding, and below the NO SIGNAL frame's second.
   */
  static final Duration PAD_AFTER = Duration.ofMillis(400);

  /** How often an encoder waiting for a source that provides H.264 itself looks again. */
  static final Duration OWNER_POLL = Duration.ofMillis(200);

  private final FrameHub frames;
  private final FragmentHub fragments;
  private final String program;
  private final int fps;
  private final int bitrateKbps;
  private final Duration linger;
  private final Thread thread;
  private final CountDownLatch closed = new CountDownLatch(1);
  private volatile ChildProcess child;
  private volatile String unavailable;
  private boolean checked; // guarded by this
  private volatile boolean running;
  private final AtomicLong driftCorrections = new AtomicLong();
  private final AtomicLong children = new AtomicLong();
  private final AtomicLong padded = new AtomicLong();
  private final H264Owner owner;

  /**
   * An encoder from {@code frames} to {@code fragments}; nothing runs before {@link #start()}.
   *
   * @param frames the camera's frames
   * @param fragments where the pictures go; its demand starts and stops the child
   * @param program the ffmpeg to run (a path or a name on PATH)
   * @param fps the camera's frame rate: a keyframe every {@code fps} pictures (about a second;
   *     while no new frame comes, the last one is repeated at this rate to keep it so)
   * @param bitrateKbps the H.264 bit rate, kbit/s
   * @param linger how long the child outlives the last demand
   * @throws IllegalArgumentException if {@code fps} or {@code bitrateKbps} is not positive
   */
  public H264Encoder(
      FrameHub frames,
      FragmentHub fragments,
      String program,
      int fps,
      int bitrateKbps,
      Duration linger) {
    this(frames, fragments, program, fps, bitrateKbps, linger, new H264Owner());
  }

  /**
   * As {@link #H264Encoder(FrameHub, FragmentHub, String, int, int, Duration)}, sharing the
   * fragment hub with a source that passes its own H.264 through: while {@code owner} says the
   * source provides H.264, the encoder runs no child.
   */
  public H264Encoder(
      FrameHub frames,
      FragmentHub fragments,
      String program,
      int fps,
      int bitrateKbps,
      Duration linger,
      H264Owner owner) {
    if (fps < 1) {
      throw new IllegalArgumentException("fps: " + fps + " (expected: >= 1)");
    }
    if (bitrateKbps < 1) {
      throw new IllegalArgumentException("bitrateKbps: " + bitrateKbps + " (expected: >= 1)");
    }
    this.frames = frames;
    this.fragments = fragments;
    this.program = program;
    this.fps = fps;
    this.bitrateKbps = bitrateKbps;
    this.linger = linger;
    this.owner = owner;
    this.thread = new Thread(this::supervise, "camera-h264");
    thread.setDaemon(true);
  }

  /** Starts the supervising thread. Call once. */
  public void start() {
    thread.start();
  }

  /**
   * Why H.264 is unavailable (ffmpeg missing, or without libx264), as one sentence; null while it
   * is available or not yet checked (it is checked when first wanted). Never blocks.
   */
  public String unavailable() {
    return unavailable;
  }

  /**
   * Checks once, on the first call, that ffmpeg runs and has libx264 (a run of {@code ffmpeg
   * -encoders}, well under a second), logs the answer once when it is no, and returns it: null when
   * H.264 is available, else why not. Later calls return the same answer at once.
   *
   * @throws InterruptedException if interrupted while the check runs
   */
  public synchronized String checkAvailable() throws InterruptedException {
    if (!checked) {
      String why = probe();
      checked = true;
      if (why != null) {
        unavailable = why;
        LOG.log(Level.WARNING, why + " /stream.mp4 answers 503; MJPEG is unaffected.");
      }
    }
    return unavailable;
  }

  /** Whether the ffmpeg child runs now. */
  public boolean running() {
    return running;
  }

  /** How many pictures repeated the last frame because no new one came (see {@link #PAD_AFTER}). */
  public long padded() {
    return padded.get();
  }

  /** How many children were started since the camera started. */
  public long children() {
    return children.get();
  }

  /** How often capture times were dropped because ffmpeg dropped a frame (see the class notes). */
  public long driftCorrections() {
    return driftCorrections.get();
  }

  /** The child's command line. */
  List<String> command() {
    String rate = Integer.toString(fps);
    String bitrate = bitrateKbps + "k";
    return List.of(
        program,
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-probesize",
        "32",
        "-analyzeduration",
        "0",
        "-threads",
        "1", // the JPEG decoder: frame threads would hold frames back
        "-f",
        "image2pipe",
        "-c:v",
        "mjpeg",
        "-framerate",
        rate,
        "-i",
        "pipe:0",
        "-an",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-tune",
        "zerolatency",
        "-g",
        rate,
        "-keyint_min",
        rate,
        "-sc_threshold",
        "0",
        "-bf",
        "0",
        "-b:v",
        bitrate,
        "-maxrate",
        bitrate,
        "-bufsize",
        bitrate,
        "-pix_fmt",
        "yuv420p",
        "-fps_mode",
        "passthrough",
        "-bsf:v",
        "h264_metadata=aud=insert",
        "-flush_packets",
        "1",
        "-f",
        "h264",
        "pipe:1");
  }

  private void supervise() {
    try {
      while (closed.getCount() > 0) {
        if (!fragments.awaitDemand(Duration.ofSeconds(1))) {
          continue;
        }
        if (checkAvailable() != null) {
          return;
        }
        if (!owner.tryStartEncoder()) {
          // The source provides H.264 itself; look again soon: it may go down (NO SIGNAL).
          if (closed.await(OWNER_POLL.toMillis(), TimeUnit.MILLISECONDS)) {
            return;
          }
          continue;
        }
        try {
          runChild();
        } catch (IOException e) {
          if (closed.getCount() > 0) {
            LOG.log(Level.WARNING, "H.264 encoder: " + e.getMessage() + "; restarting");
          }
        } finally {
          fragments.reset(); // before letting go: a source may publish its own stream next
          running = false;
          owner.encoderStopped();
        }
        if (owner.sourceWants()) {
          continue; // handed over to the source: no pause
        }
        if (closed.await(1, TimeUnit.SECONDS)) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Null when ffmpeg runs and has libx264, else the sentence that says what is missing. */
  private String probe() throws InterruptedException {
    ChildProcess probe;
    try {
      probe =
          ChildProcess.start(
              List.of(program, "-hide_banner", "-loglevel", "error", "-encoders"),
              Map.of(),
              ProcessBuilder.Redirect.PIPE,
              null);
    } catch (IOException e) {
      return "H.264 is unavailable: cannot run "
          + program
          + " (is ffmpeg installed? Debian: apt-get install ffmpeg).";
    }
    try (InputStream out = probe.stdout()) {
      byte[] list = out.readNBytes(1 << 20);
      String encoders = new String(list, StandardCharsets.UTF_8);
      if (!encoders.contains(" libx264 ")) {
        return "H.264 is unavailable: " + program + " has no libx264 encoder.";
      }
      return null;
    } catch (IOException e) {
      return "H.264 is unavailable: cannot read " + program + "'s list of encoders.";
    } finally {
      probe.stop(GRACE);
    }
  }

  /** Runs one child until its output ends; called on the supervising thread. */
  private void runChild() throws IOException, InterruptedException {
    ChildProcess started;
    try {
      started =
          ChildProcess.startWithStdin(command(), Map.of(), ProcessBuilder.Redirect.PIPE, null);
    } catch (IOException e) {
      throw new IOException("cannot run " + program + ": " + e.getMessage(), e);
    }
    child = started;
    children.incrementAndGet();
    running = true;
    ArrayDeque<Long> captureTimes = new ArrayDeque<>(); // guarded by itself
    Thread writer = new Thread(() -> feed(started, captureTimes), "camera-h264-in");
    writer.setDaemon(true);
    writer.start();
    try (InputStream out = started.stdout()) {
      read(out, captureTimes);
      writer.join(1000); // it closed the input, so the output ended: give it time to return
      if (closed.getCount() > 0 && writer.isAlive()) {
        writer.interrupt();
        String tail = started.stderrTail();
        throw new IOException(program + " stopped encoding" + (tail.isEmpty() ? "" : ": " + tail));
      }
    } finally {
      writer.interrupt();
      started.stop(GRACE);
      writer.join(5000);
      child = null;
    }
  }

  /** Reads pictures until the child's output ends and publishes each as a fragment. */
  private void read(InputStream out, ArrayDeque<Long> captureTimes) throws IOException {
    AccessUnitReader reader = new AccessUnitReader(out);
    Fmp4Writer writer = null;
    byte[] sps = null;
    byte[] pps = null;
    long lastCapture = Long.MIN_VALUE;
    int nominal = Fmp4Writer.TIMESCALE / fps;
    AccessUnit picture;
    while ((picture = reader.next()) != null) {
      byte[] newSps = picture.find(AnnexB.SPS);
      byte[] newPps = picture.find(AnnexB.PPS);
      if (newSps != null
          && newPps != null
          && (!Arrays.equals(newSps, sps) || !Arrays.equals(newPps, pps))) {
        sps = newSps;
        pps = newPps;
        writer = new Fmp4Writer(sps, pps);
        fragments.publishInit(writer.initSegment(), writer.sps().codec());
      }
      long capture;
      Long next;
      synchronized (captureTimes) {
        Long own = captureTimes.poll();
        if (captureTimes.size() > MAX_IN_FLIGHT) {
          while (captureTimes.size() > USUAL_IN_FLIGHT) {
            own = captureTimes.poll();
          }
          driftCorrections.incrementAndGet();
          LOG.log(Level.DEBUG, "H.264 encoder: ffmpeg dropped frames; capture times realigned");
        }
        capture = own != null ? own : FrameHub.nowMicros();
        next = captureTimes.peek();
      }
      capture = Math.max(capture, lastCapture == Long.MIN_VALUE ? capture : lastCapture + 1);
      lastCapture = capture;
      if (writer == null) {
        continue; // no parameter sets yet: nothing a player could decode
      }
      int duration = nominal;
      if (next != null && next > capture) {
        long ticks = (next - capture) * Fmp4Writer.TIMESCALE / 1_000_000L;
        duration = (int) Math.max(1, Math.min(ticks, 10L * Fmp4Writer.TIMESCALE));
      }
      long decodeTime = writer.decodeTime();
      byte[] bytes = writer.fragment(List.of(new Fmp4Writer.Sample(picture, duration)), capture);
      fragments.publish(bytes, picture.isKeyframe(), decodeTime, duration, capture);
    }
  }

  /**
   * Writes the newest frame to the child's stdin, again and again, until demand has been gone for
   * {@code linger} or the child stops reading; then closes stdin, which ends the child's output.
   */
  private void feed(ChildProcess target, ArrayDeque<Long> captureTimes) {
    long lastSequence = 0;
    long demandSeen = System.nanoTime();
    long periodNanos = 1_000_000_000L / fps;
    long lastNewNanos = System.nanoTime();
    long lastWriteNanos = lastNewNanos;
    Frame lastWritten = null;
    boolean padding = false; // new frames are sparse: repeat between them too
    FrameHub.Subscription wanted = frames.demand(); // the source runs while we encode
    try (OutputStream in = target.stdin()) {
      while (!Thread.currentThread().isInterrupted()) {
        long now = System.nanoTime();
        if (owner.sourceWants()) {
          return; // the source provides H.264 again: stop and hand the hub over
        }
        if (fragments.hasDemand()) {
          demandSeen = now;
        } else if (now - demandSeen > linger.toNanos()) {
          return;
        }
        Frame frame =
            frames.awaitNewer(lastSequence, Duration.ofNanos(Math.min(periodNanos, 200_000_000L)));
        long capture;
        now = System.nanoTime();
        if (frame != null) {
          // Still sparse (NO SIGNAL's one a second): keep padding right after it.
          padding = padding && now - lastNewNanos >= PAD_AFTER.toNanos();
          lastSequence = frame.sequence();
          lastNewNanos = now;
          capture = frame.captureEpochMicros();
        } else if (lastWritten != null
            && (padding || now - lastNewNanos >= PAD_AFTER.toNanos())
            && now - lastWriteNanos >= periodNanos) {
          padding = true;
          frame = lastWritten; // the source is down or stalled: keep -g a second (see the notes)
          capture = FrameHub.nowMicros();
          padded.incrementAndGet();
        } else {
          continue;
        }
        synchronized (captureTimes) {
          captureTimes.add(capture);
        }
        in.write(frame.jpeg());
        in.flush();
        lastWritten = frame;
        lastWriteNanos = now;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "H.264 encoder input closed: " + e);
    } finally {
      wanted.close();
    }
  }

  /** Stops the child and the threads; waits for them briefly. Call once. */
  @Override
  public void close() {
    closed.countDown();
    ChildProcess current = child;
    if (current != null) {
      current.kill();
    }
    thread.interrupt();
    try {
      thread.join(5000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
