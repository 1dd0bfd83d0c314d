package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.MjpegOptions;
import dev.socketkit.loadgen.MjpegReport;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Instant;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/*
 * Design notes.
 *
 * One thread, one Selector, one shared 256 KiB read buffer: a viewer's bytes are parsed by its
 * MultipartScanner straight out of the shared buffer, so 3,000 viewers of a 30 fps stream cost 3,000
 * small parser states and no frame copies. The request is HTTP/1.0 so that no server answers with
 * chunked encoding. A viewer counts as connecting until the first byte of its response arrives,
 * and at most maxConnecting viewers connect at once: a server that accepts slowly (a listen
 * backlog of 5, as Python's socketserver) would otherwise see its backlog overflow and the extra
 * viewers wait seconds on SYN retransmits while appearing connected. Frame age is the wall-clock time (Instant.now(), the clock servers stamp
 * X-Timestamp with) read when a part's last byte has been parsed, minus its X-Timestamp. It is read
 * per part, not derived from nanoTime: the two clocks drift apart by up to 0.5 ms per second while
 * NTP slews, as much as the 5 ms being measured over a 10 s run. The selector loop, the pacing and
 * the phases of a run are LoadDriver's; a viewer is done connecting at the first byte of its
 * response.
 *
 * Frames are distinct X-Timestamp values per viewer, not parts: a server that sends a viewer the
 * same frame twice (to keep a stalled connection alive, or by a bug) would otherwise look faster
 * than its source. A part whose X-Timestamp equals the viewer's previous part's is a repeat: it is
 * counted as such and reported, and neither its fps nor its age is counted. Parts without an
 * X-Timestamp cannot be told apart and count as frames.
 */

/** The event loop behind {@link dev.socketkit.loadgen.MjpegLoad}; one use per instance. */
public final class MjpegDriver extends LoadDriver<MjpegReport> {
  private final MjpegOptions options;
  private final byte[] request;
  private final Histogram age = new Histogram(HIGHEST_MICROS, 3);
  private long frames;
  private long repeats;
  private long bytes;
  private long protocolErrors;

  /** A driver for one run of {@code options}. */
  public MjpegDriver(MjpegOptions options) {
    super(
        StreamRequest.addressOf(options.url()),
        options.viewers(),
        options.maxConnecting(),
        options.warmup(),
        options.duration(),
        options.serverPid());
    this.options = options;
    this.request = StreamRequest.of(options.url());
  }

  /** Runs the viewers and returns the report; closes every socket before returning. */
  public MjpegReport run() throws IOException {
    return drive();
  }

  @Override
  Peer newPeer(int id) throws IOException {
    return new Viewer();
  }

  @Override
  void startCounting() {
    age.reset();
    frames = 0;
    repeats = 0;
    bytes = 0;
    for (Peer viewer : peers) {
      ((Viewer) viewer).frames = 0;
    }
  }

  @Override
  MjpegReport report(double seconds, double generatorCpu, double serverCpu) {
    double[] fps = new double[options.viewers()];
    for (int i = 0; i < peers.size(); i++) {
      fps[i] = seconds > 0 ? ((Viewer) peers.get(i)).frames / seconds : 0;
    }
    Arrays.sort(fps);
    boolean any = age.getTotalCount() > 0;
    return new MjpegReport(
        options,
        seconds,
        fps[0],
        fps[fps.length / 2],
        fps[fps.length - 1],
        frames,
        repeats,
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
  private final class Viewer extends Peer {
    final ByteBuffer request = ByteBuffer.wrap(MjpegDriver.this.request);
    final MultipartScanner scanner = new MultipartScanner(this::part);
    long frames; // distinct frames in the window
    long lastTimestamp = Long.MIN_VALUE; // the previous part's, counted or not

    Viewer() throws IOException {}

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
        scanner.feed(in);
      } catch (MalformedStreamException e) {
        protocolErrors++;
        close();
        return false;
      }
      return true;
    }

    private void part(long length, long timestampMicros) {
      boolean repeat = timestampMicros != Long.MIN_VALUE && timestampMicros == lastTimestamp;
      lastTimestamp = timestampMicros;
      if (!counting) {
        return;
      }
      if (repeat) {
        repeats++;
        return;
      }
      frames++;
      MjpegDriver.this.frames++;
      if (timestampMicros != Long.MIN_VALUE) {
        // The viewer's wall clock when the part's last byte was parsed, in the unit of the
        // camera's X-Timestamp (epoch seconds with six decimals, read as microseconds).
        Instant wall = Instant.now();
        long epochMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
        age.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, epochMicros - timestampMicros)));
      }
    }
  }
}
