package dev.socketkit.server;

import dev.socketkit.server.internal.RequestThreads;
import dev.socketkit.server.internal.VirtualThreads;

/**
 * How a server runs its requests: in the serving thread, one new thread per request, or a bounded
 * pool. Python's {@code ThreadingMixIn} as a value instead of a mixin class.
 *
 * <p>Python composes {@code class ThreadingTCPServer(ThreadingMixIn, TCPServer)}; Java has no
 * mixins, so the threading is a choice made on the server with {@link
 * BaseServer#setThreading(Threading)}. The {@code Threading*} server classes are the ready-made
 * combinations, exactly as in Python.
 *
 * <p>Immutable and thread-safe.
 */
public final class Threading {
  private enum Kind {
    NONE,
    VIRTUAL,
    PLATFORM,
    POOL
  }

  private static final Threading NONE = new Threading(Kind.NONE, 0);
  private static final Threading VIRTUAL = new Threading(Kind.VIRTUAL, 0);
  private static final Threading PLATFORM = new Threading(Kind.PLATFORM, 0);

  private final Kind kind;
  private final int poolSize;

  private Threading(Kind kind, int poolSize) {
    this.kind = kind;
    this.poolSize = poolSize;
  }

  /**
   * Every request runs in the serving thread, one at a time: Python's plain {@code TCPServer} and
   * {@code UDPServer}. The default of {@link TcpServer}, {@link UdpServer} and {@link
   * UnixStreamServer}.
   */
  public static Threading none() {
    return NONE;
  }

  /**
   * A new thread per request, as Python's {@code ThreadingMixIn}: a virtual thread where the JDK
   * has them (21 and newer), otherwise a platform thread.
   */
  public static Threading threadPerRequest() {
    return VirtualThreads.available() ? VIRTUAL : PLATFORM;
  }

  /**
   * A new virtual thread per request.
   *
   * @throws UnsupportedOperationException on a JDK without virtual threads (before 21)
   */
  public static Threading virtualThreads() {
    if (!VirtualThreads.available()) {
      throw new UnsupportedOperationException(
          "virtual threads need JDK 21 or newer; this is JDK " + Runtime.version().feature());
    }
    return VIRTUAL;
  }

  /** A new platform thread per request; exactly Python's {@code ThreadingMixIn}. */
  public static Threading platformThreads() {
    return PLATFORM;
  }

  /**
   * A fixed pool of {@code threads} platform threads. When all are busy the serving thread waits
   * for one to become free before it accepts the next request, so further clients wait in the
   * kernel (listen backlog, receive buffer) rather than in an unbounded queue. Python has no such
   * mixin; it is the usual way to bound a Java server.
   *
   * @throws IllegalArgumentException if {@code threads} is less than 1
   */
  public static Threading pool(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads: " + threads + " (expected: >= 1)");
    }
    return new Threading(Kind.POOL, threads);
  }

  /** Whether this JDK has virtual threads (21 and newer). */
  public static boolean virtualThreadsAvailable() {
    return VirtualThreads.available();
  }

  /** Whether requests run in threads other than the serving thread. */
  public boolean isThreaded() {
    return kind != Kind.NONE;
  }

  /** Whether requests run in virtual threads. */
  public boolean isVirtual() {
    return kind == Kind.VIRTUAL;
  }

  /** The request threads this choice stands for, or null for {@link #none()}. */
  RequestThreads open(boolean daemonThreads) {
    return switch (kind) {
      case VIRTUAL -> RequestThreads.perRequest(true, true);
      case PLATFORM -> RequestThreads.perRequest(false, daemonThreads);
      case POOL -> RequestThreads.pool(poolSize, daemonThreads);
      case NONE -> null;
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Threading that && kind == that.kind && poolSize == that.poolSize;
  }

  @Override
  public int hashCode() {
    return kind.hashCode() * 31 + poolSize;
  }

  /** {@code none}, {@code virtual threads}, {@code platform threads} or {@code pool of N}. */
  @Override
  public String toString() {
    return switch (kind) {
      case NONE -> "none";
      case VIRTUAL -> "virtual threads";
      case PLATFORM -> "platform threads";
      case POOL -> "pool of " + poolSize;
    };
  }
}
