package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.EchoOptions;
import dev.socketkit.loadgen.EchoReport;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Histogram;

/*
 * Design notes.
 *
 * One thread, one Selector, no allocation per message. Each connection owns a random payload of
 * `size` bytes and an outgoing buffer big enough for `pipeline` messages. Incoming bytes land in
 * one shared direct buffer and are compared in place against the payload at the connection's
 * current offset (ByteBuffer.mismatch, which the JDK vectorises), so a 4 KiB echo costs one read
 * and one compare, never a copy into a per-connection buffer.
 *
 * Send times sit in a ring of `pipeline` longs per connection; the latency of a message is taken
 * when its last byte has been checked. Time is read once per selector pass.
 *
 * Connects are paced: at most MAX_PENDING_CONNECTS are in flight, so a server's accept backlog
 * (50 in Java's default, 5 in the lecture's listen(5)) does not overflow into 1 s SYN retransmits
 * while 10,000 connections open.
 */

/** The event loop behind {@link dev.socketkit.loadgen.EchoLoad}; one use per instance. */
public final class EchoDriver {
  private static final int MAX_PENDING_CONNECTS = 64;
  private static final long CONNECT_PHASE_NANOS = TimeUnit.SECONDS.toNanos(60);
  private static final int READ_BUFFER = 256 * 1024;
  private static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  private final EchoOptions options;
  private final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
  private final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
  private final List<Connection> connections = new ArrayList<>();
  private final CpuClock selfCpu = CpuClock.self();
  private final CpuClock serverCpu;
  private Selector selector;
  private long now;
  private boolean counting;
  private boolean sending = true;
  private long roundTrips;
  private long connectErrors;
  private long closedErrors;
  private long corruptErrors;
  private int pendingConnects;
  private int started;
  private int alive;

  /** A driver for one run of {@code options}. */
  public EchoDriver(EchoOptions options) {
    this.options = options;
    this.serverCpu = CpuClock.of(options.serverPid());
  }

  /** Runs the load and returns the report; closes every socket before returning. */
  public EchoReport run() throws IOException {
    try (Selector opened = Selector.open()) {
      selector = opened;
      return loop();
    } finally {
      for (Connection connection : connections) {
        connection.close();
      }
    }
  }

  private EchoReport loop() throws IOException {
    now = System.nanoTime();
    long connectDeadline = now + CONNECT_PHASE_NANOS;
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MAX_VALUE;
    long countStart = 0;
    while (true) {
      while (pendingConnects < MAX_PENDING_CONNECTS && started < options.connections()) {
        startConnect();
      }
      if (windowStart == Long.MAX_VALUE
          && started == options.connections()
          && pendingConnects == 0) {
        windowStart = now + options.warmup().toNanos();
        windowEnd = windowStart + options.duration().toNanos();
      }
      if (windowStart == Long.MAX_VALUE && now >= connectDeadline) {
        abandonPendingConnects();
        continue;
      }
      if (!counting && now >= windowStart) {
        counting = true;
        latency.reset();
        roundTrips = 0;
        countStart = now;
        windowEnd = now + options.duration().toNanos(); // the counted window is never short
        selfCpu.start();
        serverCpu.start();
      }
      if (now >= windowEnd) {
        break;
      }
      if (windowStart != Long.MAX_VALUE && alive == 0) {
        break; // nothing connected, or everything failed: no point waiting out the window
      }
      long until =
          windowStart == Long.MAX_VALUE
              ? connectDeadline
              : (windowStart > now ? windowStart : windowEnd);
      long timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(until - now) + 1);
      selector.select(this::handle, timeoutMillis);
      now = System.nanoTime();
    }
    sending = false;
    double seconds = counting ? (now - countStart) / 1e9 : 0;
    double generator = selfCpu.fractionOfOneCore();
    double server = serverCpu.fractionOfOneCore();
    int open = 0;
    for (Connection connection : connections) {
      if (connection.channel.isOpen() && connection.established) {
        open++;
      }
    }
    boolean any = latency.getTotalCount() > 0;
    return new EchoReport(
        options,
        seconds,
        roundTrips,
        any ? latency.getValueAtPercentile(50) : 0,
        any ? latency.getValueAtPercentile(99) : 0,
        any ? latency.getMaxValue() : 0,
        connectErrors,
        closedErrors,
        corruptErrors,
        open,
        generator,
        server);
  }

  private void startConnect() {
    started++;
    Connection connection;
    try {
      connection = new Connection(started);
    } catch (IOException e) {
      connectErrors++; // typically "Too many open files": the fd limit is below --connections
      return;
    }
    connections.add(connection);
    try {
      SocketChannel channel = connection.channel;
      channel.configureBlocking(false);
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      if (channel.connect(options.address())) {
        connection.key = channel.register(selector, 0, connection);
        established(connection);
      } else {
        connection.key = channel.register(selector, SelectionKey.OP_CONNECT, connection);
        pendingConnects++;
      }
    } catch (IOException | RuntimeException e) {
      connectErrors++;
      connection.close();
    }
  }

  private void abandonPendingConnects() {
    for (Connection connection : connections) {
      if (!connection.established && connection.channel.isOpen()) {
        connectErrors++;
        pendingConnects--;
        connection.close();
      }
    }
    started = options.connections();
  }

  private void handle(SelectionKey key) {
    // Read the clock for each event: the time taken before select() waited belongs to the previous
    // pass, and a send or completion stamped with it would misplace this message's round trip.
    now = System.nanoTime();
    Connection connection = (Connection) key.attachment();
    try {
      if (key.isConnectable()) {
        pendingConnects--;
        try {
          connection.channel.finishConnect();
        } catch (IOException e) {
          connectErrors++;
          connection.close();
          return;
        }
        established(connection);
        return;
      }
      if (key.isReadable()) {
        read(connection);
      }
      if (connection.channel.isOpen() && key.isValid() && key.isWritable()) {
        flush(connection);
      }
    } catch (IOException e) {
      closedErrors++;
      connection.close();
    }
  }

  private void established(Connection connection) throws IOException {
    connection.established = true;
    alive++;
    for (int i = 0; i < options.pipeline(); i++) {
      connection.queueMessage(now);
    }
    flush(connection);
  }

  private void read(Connection connection) throws IOException {
    for (int reads = 0; reads < 4; reads++) {
      readBuffer.clear();
      int n = connection.channel.read(readBuffer);
      if (n < 0) {
        closedErrors++;
        connection.close();
        return;
      }
      if (n == 0) {
        break;
      }
      readBuffer.flip();
      if (!connection.check(readBuffer)) {
        corruptErrors++;
        connection.close();
        return;
      }
      if (n < READ_BUFFER) {
        break;
      }
    }
    flush(connection);
  }

  private void flush(Connection connection) throws IOException {
    ByteBuffer out = connection.out;
    if (out.position() > 0) {
      out.flip();
      connection.channel.write(out);
      out.compact();
    }
    int wanted =
        out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
    if (connection.key.interestOps() != wanted) {
      connection.key.interestOps(wanted);
    }
  }

  /** One connection's state; touched by the loop thread only. */
  private final class Connection {
    final SocketChannel channel;
    final byte[] payload;
    final ByteBuffer expected;
    final ByteBuffer out;
    final long[] sentAt;
    SelectionKey key;
    boolean established;
    int head;
    int tail;
    int offset;

    Connection(int id) throws IOException {
      channel = SocketChannel.open();
      payload = new byte[options.size()];
      new SplittableRandom(id * 0x9E3779B97F4A7C15L).nextBytes(payload);
      if (options.lines()) {
        for (int i = 0; i < payload.length; i++) {
          if (payload[i] == '\n') {
            payload[i] = ' ';
          }
        }
        payload[payload.length - 1] = '\n';
      }
      expected = ByteBuffer.wrap(payload);
      out = ByteBuffer.allocate(options.size() * options.pipeline());
      sentAt = new long[options.pipeline()];
    }

    void queueMessage(long time) {
      out.put(payload);
      sentAt[tail] = time;
      tail = (tail + 1) % sentAt.length;
    }

    /** Checks the received bytes against the payload; false at the first wrong byte. */
    boolean check(ByteBuffer in) {
      while (in.hasRemaining()) {
        int n = Math.min(in.remaining(), payload.length - offset);
        int limit = in.limit();
        in.limit(in.position() + n);
        expected.limit(offset + n).position(offset);
        boolean same = in.mismatch(expected) < 0;
        in.position(in.limit()).limit(limit);
        if (!same) {
          return false;
        }
        offset += n;
        if (offset == payload.length) {
          offset = 0;
          completed();
        }
      }
      return true;
    }

    private void completed() {
      long sent = sentAt[head];
      head = (head + 1) % sentAt.length;
      if (counting) {
        roundTrips++;
        latency.recordValue(Math.min(HIGHEST_MICROS, Math.max(1, (now - sent) / 1000)));
      }
      if (sending) {
        queueMessage(now);
      }
    }

    void close() {
      if (established && channel.isOpen()) {
        alive--;
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing a socket we are abandoning: nothing useful to do with the error.
      }
    }
  }
}
