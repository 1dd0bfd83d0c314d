package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.Mp4Options;
import dev.socketkit.loadgen.Mp4Report;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.time.Instant;
import java.util.Arrays;
import org.HdrHistogram.Histogram;

/*
 * Design notes.
 *
 * The MJPEG driver's shape (LoadDriver's loop, one shared read buffer, paced connects, HTTP/1.0 so
 * that the body is never chunked) with an Mp4Scanner per viewer instead of a multipart one. A
 * fragment counts when its mdat's last byte has been parsed; its age is the wall clock then
 * (Instant.now(), the clock the camera stamps capture times with) minus the prft's capture time,
 * read per fragment rather than derived from nanoTime, for the reason MjpegDriver gives.
 *
 * Frames are fragments: the camera's /stream.mp4 sends one moof + mdat per picture. A viewer that
 * falls behind is skipped forward to a keyframe by the camera, which shows here as fewer fragments
 * per second, not as an error; the camera counts the skips in /state.
 */

/** The event loop behind {@link dev.socketkit.loadgen.Mp4Load}; one use per instance. */
public final class Mp4Driver extends LoadDriver<Mp4Report> {
  private final Mp4Options options;
  private final byte[] request;
  private final Histogram age = new Histogram(HIGHEST_MICROS, 3);
  private long fragments;
  private long untimed;
  private long bytes;
  private long protocolErrors;

  /** A driver for one run of {@code options}. */
  public Mp4Driver(Mp4Options options) {
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
  public Mp4Report run() throws IOException {
    return drive();
  }

  @Override
  Peer newPeer(int id) throws IOException {
    return new Viewer();
  }

  @Override
  void startCounting() {
    age.reset();
    fragments = 0;
    untimed = 0;
    bytes = 0;
    for (Peer viewer : peers) {
      ((Viewer) viewer).fragments = 0;
    }
  }

  @Override
  Mp4Report report(double seconds, double generatorCpu, double serverCpu) {
    double[] fps = new double[options.viewers()];
    for (int i = 0; i < peers.size(); i++) {
      fps[i] = seconds > 0 ? ((Viewer) peers.get(i)).fragments / seconds : 0;
    }
    Arrays.sort(fps);
    boolean any = age.getTotalCount() > 0;
    return new Mp4Report(
        options,
        seconds,
        fps[0],
        fps[fps.length / 2],
        fps[fps.length - 1],
        fragments,
        untimed,
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
    final ByteBuffer request = ByteBuffer.wrap(Mp4Driver.this.request);
    final Mp4Scanner scanner = new Mp4Scanner((size, capture) -> fragment(capture), true);
    long fragments; // in the window

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

    private void fragment(long captureEpochMicros) {
      if (!counting) {
        return;
      }
      fragments++;
      Mp4Driver.this.fragments++;
      if (captureEpochMicros == Long.MIN_VALUE) {
        untimed++;
        return;
      }
      Instant wall = Instant.now();
      long epochMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
      age.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, epochMicros - captureEpochMicros)));
    }
  }
}
