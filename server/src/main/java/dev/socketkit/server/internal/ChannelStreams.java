package dev.socketkit.server.internal;

import dev.socketkit.select.Select;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/*
 * Why not Channels.newInputStream/newOutputStream: on JDK 17 both hold the channel's blockingLock
 * while they block, so a thread writing would wait for a thread blocked in a read.
 *
 * A TCP channel's socket adapter streams call the channel's own blocking read and write, honour
 * SO_TIMEOUT without a selector, and let one thread read while another writes. Unix-domain
 * channels have no socket adapter: their streams read and write the channel directly, and wait
 * with Select (the calling thread's selector) only when a timeout is set.
 *
 * Closing these streams never closes the channel, as closing Python's makefile() objects never
 * closes the socket: the server closes the request.
 */

/** The {@code rfile} / {@code wfile} streams over an accepted stream channel. */
public final class ChannelStreams {
  private ChannelStreams() {}

  /**
   * A stream reading {@code channel}; reads throw {@link SocketTimeoutException} after {@code
   * timeout} without data (null: wait forever).
   */
  public static InputStream input(SocketChannel channel, Duration timeout) throws IOException {
    if (channel.getLocalAddress() instanceof InetSocketAddress && channel.isBlocking()) {
      Socket socket = channel.socket();
      socket.setSoTimeout(timeout == null ? 0 : millis(timeout));
      return new FilterInputStream(socket.getInputStream()) {
        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          return in.read(b, off, len); // FilterInputStream's default is fine; skip its checks
        }

        @Override
        public void close() {
          // Leaves the channel open: the server closes the request.
        }
      };
    }
    return new DirectInput(channel, timeout);
  }

  /** A stream writing {@code channel}; each write goes out whole before it returns. */
  public static OutputStream output(SocketChannel channel, Duration timeout) throws IOException {
    if (channel.getLocalAddress() instanceof InetSocketAddress && channel.isBlocking()) {
      return new FilterOutputStream(channel.socket().getOutputStream()) {
        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          out.write(b, off, len); // whole, not byte by byte as FilterOutputStream would
        }

        @Override
        public void close() {
          // Leaves the channel open: the server closes the request.
        }
      };
    }
    return new DirectOutput(channel, timeout);
  }

  private static int millis(Duration timeout) {
    long ms = Math.max(1, timeout.toMillis());
    return (int) Math.min(Integer.MAX_VALUE, ms);
  }

  /** Waits with the calling thread's Select until {@code channel} is ready, or throws. */
  private static void await(SocketChannel channel, boolean write, Duration timeout)
      throws IOException {
    List<SocketChannel> it = List.of(channel);
    Select.Ready<SocketChannel> ready =
        write
            ? Select.select(List.of(), it, List.of(), timeout)
            : Select.select(it, List.of(), List.of(), timeout);
    if (ready.isEmpty()) {
      throw new SocketTimeoutException((write ? "write" : "read") + " timed out after " + timeout);
    }
  }

  private static final class DirectInput extends InputStream {
    private final SocketChannel channel;
    private final Duration timeout;
    private boolean selected;

    DirectInput(SocketChannel channel, Duration timeout) {
      this.channel = channel;
      this.timeout = timeout;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return 0;
      }
      ByteBuffer target = ByteBuffer.wrap(b, off, len);
      while (true) {
        if (timeout != null) {
          selected = true;
          await(channel, false, timeout);
        }
        int n = channel.read(target);
        if (n != 0) {
          return n;
        }
        if (timeout == null) {
          selected = true; // non-blocking after all (someone selected it): wait for data
          await(channel, false, null);
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (selected) {
        Select.forget(channel);
      }
    }
  }

  private static final class DirectOutput extends OutputStream {
    private final SocketChannel channel;
    private final Duration timeout;
    private boolean selected;

    DirectOutput(SocketChannel channel, Duration timeout) {
      this.channel = channel;
      this.timeout = timeout;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      Objects.checkFromIndexSize(off, len, b.length);
      ByteBuffer source = ByteBuffer.wrap(b, off, len);
      while (source.hasRemaining()) {
        if (channel.write(source) == 0 && source.hasRemaining()) {
          selected = true;
          await(channel, true, timeout);
        }
      }
    }

    @Override
    public void close() throws IOException {
      if (selected) {
        Select.forget(channel);
      }
    }
  }
}
