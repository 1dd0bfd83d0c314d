package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.MjpegOptions;
import dev.socketkit.loadgen.MjpegReport;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * NTP slews, as much as the 5 ms being measured over a 10 s run. Connects are paced as in
 * EchoDriver.
 */

/** The event loop behind {@link dev.socketkit.loadgen.MjpegLoad}; one use per instance. */
public final class MjpegDriver {
  private static final long CONNECT_PHASE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int READ_BUFFER = 256 * 1024;
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final MjpegOptions options;
  private final InetSocketAddress address;
  private final byte[] request;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
  private final Histogram age = new Histogram(HIGHEST_MICROS, 3);
  private final List<Viewer> viewers = new ArrayList<>();
  private final CpuClock selfCpu = CpuClock.self();
  private final CpuClock serverCpu;
  private Selector selector;
  private long now;
  private boolean counting;
  private long frames;
  private long bytes;
  private long connectErrors;
  private long protocolErrors;
  private long closedErrors;
  private int pendingConnects;
  private int started;
  private int alive;

  /** A driver for one run of {@code options}. */
  public MjpegDriver(MjpegOptions options) {
    this.options = options;
    this.serverCpu = CpuClock.of(options.serverPid());
    URI url = options.url();
    int port = url.getPort() < 0 ? 80 : url.getPort();
    this.address = new InetSocketAddress(url.getHost(), port);
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + port;
    this.request =
        ("GET "
                + path
                + " HTTP/1.0\r\nHost: "
                + hostHeader
                + "\r\nUser-Agent: socketkit-bench\r\nAccept: */*\r\n\r\n")
            .getBytes(StandardCharsets.ISO_8859_1);
  }

  /** Runs the viewers and returns the report; closes every socket before returning. */
  public MjpegReport run() throws IOException {
    try (Selector opened = Selector.open()) {
      selector = opened;
      return loop();
    } finally {
      for (Viewer viewer : viewers) {
        viewer.close();
      }
    }
  }

  private MjpegReport loop() throws IOException {
    now = System.nanoTime();
    long connectDeadline = now + CONNECT_PHASE_NANOS;
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MAX_VALUE;
    long countStart = 0;
    while (true) {
      while (pendingConnects < options.maxConnecting() && started < options.viewers()) {
        startConnect();
      }
      if (windowStart == Long.MAX_VALUE && started == options.viewers() && pendingConnects == 0) {
        windowStart = now + options.warmup().toNanos();
        windowEnd = windowStart + options.duration().toNanos();
      }
      if (windowStart == Long.MAX_VALUE && now >= connectDeadline) {
        abandonPendingConnects();
        continue;
      }
      if (!counting && now >= windowStart) {
        counting = true;
        age.reset();
        frames = 0;
        bytes = 0;
        for (Viewer viewer : viewers) {
          viewer.frames = 0;
        }
        countStart = now;
        windowEnd = now + options.duration().toNanos(); // the counted window is never short
        selfCpu.start();
        serverCpu.start();
      }
      if (now >= windowEnd) {
        break;
      }
      if (windowStart != Long.MAX_VALUE && alive == 0) {
        break; // nobody is watching any more
      }
      long until =
          windowStart == Long.MAX_VALUE
              ? connectDeadline
              : (windowStart > now ? windowStart : windowEnd);
      long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now) + 1);
      selector.select(this::handle, timeoutMillis);
      now = System.nanoTime();
    }
    double seconds = counting ? (now - countStart) / 1e9 : 0;
    double generator = selfCpu.fractionOfOneCore();
    double server = serverCpu.fractionOfOneCore();
    double[] fps = new double[options.viewers()];
    for (int i = 0; i < viewers.size(); i++) {
      fps[i] = seconds > 0 ? viewers.get(i).frames / seconds : 0;
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
        seconds > 0 ? bytes / seconds : 0,
        any ? age.getValueAtPercentile(50) : -1,
        any ? age.getValueAtPercentile(99) : -1,
        any ? age.getMaxValue() : -1,
        connectErrors,
        protocolErrors,
        closedErrors,
        generator,
        server);
  }

  private void startConnect() {
    started++;
    Viewer viewer;
    try {
      viewer = new Viewer();
    } catch (IOException e) {
      connectErrors++; // typically "Too many open files": the fd limit is below --viewers
      return;
    }
    viewers.add(viewer);
    pendingConnects++; // until the first byte of the response, or close
    try {
      SocketChannel channel = viewer.channel;
      channel.configureBlocking(false);
      if (channel.connect(address)) {
        viewer.key = channel.register(selector, 0, viewer);
        established(viewer);
      } else {
        viewer.key = channel.register(selector, SelectionKey.OP_CONNECT, viewer);
      }
    } catch (IOException | RuntimeException e) {
      connectErrors++;
      viewer.close();
    }
  }

  private void abandonPendingConnects() {
    for (Viewer viewer : viewers) {
      if (!viewer.answered && viewer.channel.isOpen()) {
        connectErrors++;
        viewer.close();
      }
    }
    started = options.viewers();
    pendingConnects = 0;
  }

  private void handle(SelectionKey key) {
    Viewer viewer = (Viewer) key.attachment();
    try {
      if (key.isConnectable()) {
        try {
          viewer.channel.finishConnect();
        } catch (IOException e) {
          connectErrors++;
          viewer.close();
          return;
        }
        established(viewer);
        return;
      }
      if (key.isReadable()) {
        read(viewer);
      }
      if (viewer.channel.isOpen() && key.isValid() && key.isWritable()) {
        sendRequest(viewer);
      }
    } catch (IOException e) {
      closedErrors++;
      viewer.close();
    }
  }

  private void established(Viewer viewer) throws IOException {
    viewer.established = true;
    alive++;
    sendRequest(viewer);
  }

  private void sendRequest(Viewer viewer) throws IOException {
    viewer.channel.write(viewer.request);
    viewer.key.interestOps(
        viewer.request.hasRemaining()
            ? SelectionKey.OP_READ | SelectionKey.OP_WRITE
            : SelectionKey.OP_READ);
  }

  private void read(Viewer viewer) throws IOException {
    for (int reads = 0; reads < 4; reads++) {
      readBuffer.clear();
      int n = viewer.channel.read(readBuffer);
      if (n < 0) {
        closedErrors++;
        viewer.close();
        return;
      }
      if (n == 0) {
        return;
      }
      if (!viewer.answered) {
        viewer.answered = true; // no longer connecting: let the next viewer in
        pendingConnects--;
      }
      if (counting) {
        bytes += n;
      }
      readBuffer.flip();
      try {
        viewer.scanner.feed(readBuffer);
      } catch (MalformedStreamException e) {
        protocolErrors++;
        viewer.close();
        return;
      }
      if (n < READ_BUFFER) {
        return;
      }
    }
  }

  /** One viewer's state; touched by the loop thread only. */
  private final class Viewer {
    final SocketChannel channel;
    final ByteBuffer request = ByteBuffer.wrap(MjpegDriver.this.request);
    final MultipartScanner scanner = new MultipartScanner(this::part);
    SelectionKey key;
    boolean established;
    boolean answered; // the server sent a first byte
    long frames;

    Viewer() throws IOException {
      channel = SocketChannel.open();
    }

    private void part(long length, long timestampMicros) {
      if (!counting) {
        return;
      }
      frames++;
      MjpegDriver.this.frames++;
      if (timestampMicros != Long.MIN_VALUE) {
        Instant wall = Instant.now();
        long epochMicros = wall.getEpochSecond() * 1_000_000 + wall.getNano() / 1000;
        age.recordValue(Math.min(HIGHEST_MICROS, Math.max(0, epochMicros - timestampMicros)));
      }
    }

    void close() {
      if (!answered) {
        pendingConnects--; // it will never answer now (NIO may have closed it already)
        answered = true;
      }
      if (established && channel.isOpen()) {
        alive--;
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing a viewer we are abandoning: nothing useful to do with the error.
      }
    }
  }
}
