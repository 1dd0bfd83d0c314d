package dev.socketkit.loadgen.internal;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/*
 * Design notes.
 *
 * What the echo and MJPEG drivers share: one thread, one Selector, one shared direct read buffer,
 * paced connects, and the phases of a run (connect everyone, warm up, count for the duration,
 * report). The protocol lives in the subclasses' Peer types, which the loop calls back on connect,
 * read and write readiness.
 *
 * Connects are paced: at most maxConnecting peers are "connecting" at once, so a server's accept
 * backlog (50 in Java's default, 5 in the lecture's listen(5)) does not overflow into 1 s SYN
 * retransmits while thousands of connections open. When a peer stops connecting is the
 * protocol's to say (doneConnecting): an echo connection once TCP connects, an MJPEG viewer once
 * the first byte of its response arrives. A peer that closes stops connecting too.
 */

/**
 * The selector loop both load drivers run on; one use per instance, on one thread.
 *
 * @param <R> the report a run returns
 */
abstract class LoadDriver<R> {
  /** How long all peers may take to connect before the stragglers are abandoned. */
  private static final long CONNECT_PHASE_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** The shared read buffer: one read takes at most this much. */
  static final int READ_BUFFER = 256 * 1024;

  /** The largest latency a histogram records; longer ones are recorded as this. */
  static final long HIGHEST_MICROS = TimeUnit.MINUTES.toMicros(10);

  final ByteBuffer readBuffer = ByteBuffer.allocateDirect(READ_BUFFER);
  final List<Peer> peers = new ArrayList<>();
  private final SocketAddress address;
  private final int target;
  private final int maxConnecting;
  private final Duration warmup;
  private final Duration duration;
  private final CpuClock selfCpu = CpuClock.self();
  private final CpuClock serverCpu;
  private Selector selector;
  long now;
  boolean counting;
  long connectErrors;
  long closedErrors;
  private int pendingConnects;
  private int started;
  private int alive;

  LoadDriver(
      SocketAddress address,
      int target,
      int maxConnecting,
      Duration warmup,
      Duration duration,
      long serverPid) {
    this.address = address;
    this.target = target;
    this.maxConnecting = maxConnecting;
    this.warmup = warmup;
    this.duration = duration;
    this.serverCpu = CpuClock.of(serverPid);
  }

  /** A new peer, its channel open and not yet connected; {@code id} counts from 1. */
  abstract Peer newPeer(int id) throws IOException;

  /** Called when the counted window starts: reset what the report counts. */
  abstract void startCounting();

  /** Called once the window has ended, before {@link #report}. */
  void stopped() {}

  /** The report over a counted window of {@code seconds}. */
  abstract R report(double seconds, double generatorCpu, double serverCpu);

  /** Runs the load and returns the report; closes every socket before returning. */
  final R drive() throws IOException {
    try (Selector opened = Selector.open()) {
      selector = opened;
      return loop();
    } finally {
      for (Peer peer : peers) {
        peer.close();
      }
    }
  }

  private R loop() throws IOException {
    now = System.nanoTime();
    long connectDeadline = now + CONNECT_PHASE_NANOS;
    long windowStart = Long.MAX_VALUE;
    long windowEnd = Long.MAX_VALUE;
    long countStart = 0;
    while (true) {
      while (pendingConnects < maxConnecting && started < target) {
        startConnect();
      }
      if (windowStart == Long.MAX_VALUE && started == target && pendingConnects == 0) {
        windowStart = now + warmup.toNanos();
        windowEnd = windowStart + duration.toNanos();
      }
      if (windowStart == Long.MAX_VALUE && now >= connectDeadline) {
        abandonPendingConnects();
        continue;
      }
      if (!counting && now >= windowStart) {
        counting = true;
        startCounting();
        countStart = now;
        windowEnd = now + duration.toNanos(); // the counted window is never short
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
    stopped();
    double seconds = counting ? (now - countStart) / 1e9 : 0;
    return report(seconds, selfCpu.fractionOfOneCore(), serverCpu.fractionOfOneCore());
  }

  private void startConnect() {
    started++;
    Peer peer;
    try {
      peer = newPeer(started);
    } catch (IOException e) {
      connectErrors++; // typically "Too many open files": the fd limit is below the peer count
      return;
    }
    peers.add(peer);
    pendingConnects++; // until the peer says it is done connecting, or closes
    try {
      SocketChannel channel = peer.channel;
      channel.configureBlocking(false);
      if (channel.connect(address)) {
        peer.key = channel.register(selector, 0, peer);
        established(peer);
      } else {
        peer.key = channel.register(selector, SelectionKey.OP_CONNECT, peer);
      }
    } catch (IOException | RuntimeException e) {
      connectErrors++;
      peer.close();
    }
  }

  private void abandonPendingConnects() {
    for (Peer peer : peers) {
      if (peer.connecting && peer.channel.isOpen()) {
        connectErrors++;
        peer.close();
      }
    }
    started = target;
  }

  private void handle(SelectionKey key) {
    // Read the clock for each event: the time taken before select() waited belongs to the previous
    // pass, and a send or completion stamped with it would misplace this message's round trip.
    now = System.nanoTime();
    LoadDriver<?>.Peer peer = (LoadDriver<?>.Peer) key.attachment(); // every key carries its peer
    try {
      if (key.isConnectable()) {
        try {
          peer.channel.finishConnect();
        } catch (IOException e) {
          connectErrors++;
          peer.close();
          return;
        }
        established(peer);
        return;
      }
      if (key.isReadable()) {
        peer.readable();
      }
      if (peer.channel.isOpen() && key.isValid() && key.isWritable()) {
        peer.writable();
      }
    } catch (IOException e) {
      closedErrors++;
      peer.close();
    }
  }

  private void established(LoadDriver<?>.Peer peer) throws IOException {
    peer.established = true;
    alive++;
    peer.connected();
  }

  /** One connection's state; touched by the loop thread only. */
  abstract class Peer {
    final SocketChannel channel;
    SelectionKey key;
    boolean established;
    private boolean connecting = true;

    Peer() throws IOException {
      channel = SocketChannel.open();
    }

    /** The connect completed: start talking. */
    abstract void connected() throws IOException;

    /** The channel is readable: typically {@link #readAvailable()}, then what follows. */
    abstract void readable() throws IOException;

    /**
     * Takes one read's bytes, in the shared read buffer (ready to be read from); returns false if
     * it closed the peer (a protocol error, say).
     */
    abstract boolean received(ByteBuffer bytes) throws IOException;

    /** The channel is writable (its key asked for it). */
    abstract void writable() throws IOException;

    /**
     * Reads what is waiting into the shared buffer, at most four buffers' worth so that one busy
     * peer cannot starve the others, and hands each read to {@link #received}. Closes the peer at
     * end of stream (a closed error).
     *
     * @return false if the peer was closed
     */
    final boolean readAvailable() throws IOException {
      for (int reads = 0; reads < 4; reads++) {
        readBuffer.clear();
        int n = channel.read(readBuffer);
        if (n < 0) {
          closedErrors++;
          close();
          return false;
        }
        if (n == 0) {
          break;
        }
        readBuffer.flip();
        if (!received(readBuffer)) {
          return false;
        }
        if (n < READ_BUFFER) {
          break;
        }
      }
      return true;
    }

    /** Lets the next peer start connecting: this one counts as connected from now on. */
    final void doneConnecting() {
      if (connecting) {
        connecting = false;
        pendingConnects--;
      }
    }

    /** Closes the channel, which also takes it out of the selector; idempotent. */
    final void close() {
      doneConnecting(); // it will never finish connecting now (NIO may have closed it already)
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
