package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.ViewerOptions;
import dev.socketkit.loadgen.ViewerReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Instant;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/*
 * Design notes.
 *
 * What the MJPEG and MP4 drivers share: viewers that send one request and then only read, each
 * parsing its stream with its format's scanner straight out of LoadDriver's shared read buffer, so
 * 3,000 viewers of a 30 fps stream cost 3,000 small parser states and no frame copies. The request
 * is HTTP/1.0 so that no server answers with chunked encoding. A viewer counts as connecting until
 * the first byte of its response arrives, and at most maxConnecting viewers connect at once: a
 * server that accepts slowly (a listen backlog of 5, as Python's socketserver) would otherwise see
 * its backlog overflow and the extra viewers wait seconds on SYN retransmits while appearing
 * connected.
 *
 * A frame's age is the wall-clock time (Instant.now(), the clock servers stamp capture times with)
 * read when the frame's last byte has been parsed, minus its capture time. It is read per frame,
 * not derived from nanoTime: the two clocks drift apart by up to 0.5 ms per second while NTP
 * slews, as much as the 5 ms being measured over a 10 s run.
 *
 * What a frame is, and what else a report counts beside the frames, is the format's: each viewer
 * has its subclass's parser, which calls the viewer's frame() and aside().
 */

/**
 * The event loop behind the stream viewer loads; one use per instance.
 *
 * @param <O> the options a run takes
 * @param <R> the report a run returns
 */
abstract class ViewerDriver<O extends ViewerOptions, R extends ViewerReport> extends LoadDriver<R> {
  /** A report's canonical constructor, such as {@code MjpegReport::new}. */
  @FunctionalInterface
  interface Reporter<O, R> {
    R report(
        O options,
        double seconds,
        double fpsMin,
        double fpsMedian,
        double fpsMax,
        long frames,
        long aside,
        double bytesPerSecond,
        long p50Micros,
        long p99Micros,
        long maxMicros,
        long connectErrors,
        long protocolErrors,
        long closedErrors,
        double generatorCpu,
        double serverCpu);
  }

  /** One viewer's parser: its format's scanner's {@code feed}. */
  @FunctionalInterface
  interface Parser {
    /**
     * Parses one read's bytes.
     *
     * @throws MalformedStreamException if the stream breaks the format
     */
    void feed(ByteBuffer in) throws MalformedStreamException;
  }

  private final O options;
  private final Reporter<O, R> reporter;
  private final byte[] request;
  private final Histogram age = new Histogram(HIGHEST_MICROS, 3);
  private long frames;
  private long bytes;
  private long protocolErrors;

  /**
   * What the report counts beside the frames, as the format defines it: MJPEG's repeated parts,
   * MP4's fragments without a capture time.
   */
  private long aside;

  ViewerDriver(O options, Reporter<O, R> reporter) {
    super(
        StreamRequest.addressOf(options.url()),
        options.viewers(),
        options.maxConnecting(),
        options.warmup(),
        options.duration(),
        options.serverPid());
    this.options = options;
    this.reporter = reporter;
    this.request = StreamRequest.of(options.url());
  }

  /** Runs the viewers and returns the report; closes every socket before returning. */
  public final R run() throws IOException {
    return drive();
  }

  /** The format's parser for a new viewer; it calls the viewer's frame() and aside(). */
  abstract Parser parser(Viewer viewer);

  @Override
  final Peer newPeer(int id) throws IOException {
    return new Viewer();
  }

  @Override
  final void startCounting() {
    age.reset();
    frames = 0;
    aside = 0;
    bytes = 0;
    for (Peer viewer : peers) {
      ((ViewerDriver<?, ?>.Viewer) viewer).frames = 0;
    }
  }

  @Override
  final R report(double seconds, double generatorCpu, double serverCpu) {
    double[] fps = new double[options.viewers()];
    for (int i = 0; i < peers.size(); i++) {
      fps[i] = seconds > 0 ? ((ViewerDriver<?, ?>.Viewer) peers.get(i)).frames / seconds : 0;
    }
    Arrays.sort(fps);
    boolean any = age.getTotalCount() > 0;
    return reporter.report(
        options,
        seconds,
        fps[0],
        fps[fps.length / 2],
        fps[fps.length - 1],
        frames,
        aside,
        seconds > 0 ? bytes / seconds : 0,
        any ? age.getValueAtPercentile(50) : -1,
        any ? age.getValueAtPercentile(99) : -1,
        any ? age.getMaxValue() : -1,
        connectErrors,
        protocolErrors,
        closedErrors,
        generatorCpu,
        serverCpu);
  }

  /** One viewer's state; touched by the loop thread only. */
  final class Viewer extends Peer {
    private final ByteBuffer request = ByteBuffer.wrap(ViewerDriver.this.request);
    private final Parser parser = parser(this);
    private long frames; // in the window

    private Viewer() throws IOException {}

    @Override
    void connected() throws IOException {
      sendRequest();
    }

    @Override
    void writable() throws IOException {
      sendRequest();
    }

    private void sendRequest() throws IOException {
      channel.write(request);
      key.interestOps(
          request.hasRemaining()
              ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
              : SelectionKey.OP_READ);
    }

    @Override
    void readable() throws IOException {
      readAvailable();
    }

    @Override
    boolean received(ByteBuffer in) {
      doneConnecting(); // the server answered: let the next viewer in
      if (counting) {
        bytes += in.remaining();
      }
      try {
        parser.feed(in);
      } catch (MalformedStreamException e) {
        protocolErrors++;
        close();
        return false;
      }
      return true;
    }

    /**
     * Counts a frame whose last byte has just been parsed, if in the window, and its age unless its
     * capture time is {@link Long#MIN_VALUE} (unknown).
     *
     * @param captureEpochMicros the frame's capture time in microseconds since the epoch
     */
    void frame(long captureEpochMicros) {
      if (!counting) {
        return;
      }
      frames++;
      ViewerDriver.this.frames++;
      if (captureEpochMicros != Long.MIN_VALUE) {
        Instant wall = Instant.now();
        long epochMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
        age.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, epochMicros - captureEpochMicros)));
      }
    }

    /** Counts, if in the window, one of what the report counts beside the frames. */
    void aside() {
      if (counting) {
        aside++;
      }
    }
  }
}
