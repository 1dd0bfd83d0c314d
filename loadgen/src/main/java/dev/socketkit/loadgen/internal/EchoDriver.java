package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.EchoOptions;
import dev.socketkit.loadgen.EchoReport;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.SplittableRandom;
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
 * when its last byte has been checked. Time is read once per event (see LoadDriver.handle).
 *
 * The selector loop, the pacing of connects (at most MAX_PENDING_CONNECTS in flight) and the
 * phases of a run are LoadDriver's; a connection is done connecting once TCP has connected.
 */

/** The event loop behind {@link dev.socketkit.loadgen.EchoLoad}; one use per instance. */
public final class EchoDriver extends LoadDriver<EchoReport> {
  private static final int MAX_PENDING_CONNECTS = 64;

  private final EchoOptions options;
  private final Histogram latency = new Histogram(HIGHEST_MICROS, 3);
  private boolean sending = true;
  private long roundTrips;
  private long corruptErrors;

  /** A driver for one run of {@code options}. */
  public EchoDriver(EchoOptions options) {
    super(
        options.address(),
        options.connections(),
        MAX_PENDING_CONNECTS,
        options.warmup(),
        options.duration(),
        options.serverPid());
    this.options = options;
  }

  /** Runs the load and returns the report; closes every socket before returning. */
  public EchoReport run() throws IOException {
    return drive();
  }

  @Override
  Peer newPeer(int id) throws IOException {
    return new Connection(id);
  }

  @Override
  void startCounting() {
    latency.reset();
    roundTrips = 0;
  }

  @Override
  void stopped() {
    sending = false;
  }

  @Override
  EchoReport report(double seconds, double generatorCpu, double serverCpu) {
    int open = 0;
    for (Peer connection : peers) {
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
        generatorCpu,
        serverCpu);
  }

  /** One connection's state; touched by the loop thread only. */
  private final class Connection extends Peer {
    final byte[] payload;
    final ByteBuffer expected;
    final ByteBuffer out;
    final long[] sentAt;
    int head;
    int tail;
    int offset;

    Connection(int id) throws IOException {
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
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

    @Override
    void connected() throws IOException {
      doneConnecting();
      for (int i = 0; i < options.pipeline(); i++) {
        queueMessage(now);
      }
      flush();
    }

    @Override
    void readable() throws IOException {
      if (readAvailable()) {
        flush();
      }
    }

    @Override
    boolean received(ByteBuffer bytes) {
      if (!check(bytes)) {
        corruptErrors++;
        close();
        return false;
      }
      return true;
    }

    @Override
    void writable() throws IOException {
      flush();
    }

    private void flush() throws IOException {
      if (out.position() > 0) {
        out.flip();
        channel.write(out);
        out.compact();
      }
      int wanted =
          out.position() > 0 ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ;
      if (key.interestOps() != wanted) {
        key.interestOps(wanted);
      }
    }
  }
}
