package dev.socketkit.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * A client that misbehaves on purpose, on a real loopback socket (OkHttp's {@code SocketPolicy}
 * idea): it stalls after connecting, resets the connection, half-closes it, reads slowly or never,
 * or sends garbage. Tests use it to prove that one bad peer costs the server only that connection.
 *
 * <p>A peer connects in its factory method and is closed with try-with-resources. One thread drives
 * a peer at a time.
 */
public final class MisbehavingPeer implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;

  /**
   * The receive buffer a {@link #neverReading never-reading} peer asks for, so that the server's
   * writes fill it (and the kernel's send buffer) soon; the kernel rounds it up to its minimum.
   */
  static final int SMALL_RECEIVE_BUFFER = 4096;

  private final Socket socket;

  private MisbehavingPeer(Socket socket) {
    this.socket = socket;
  }

  /** Connects to {@code port} on the loopback address and then does nothing: a stalled peer. */
  public static MisbehavingPeer stalling(int port) throws IOException {
    return connect(port, 0);
  }

  /**
   * Connects to {@code port} with a small receive buffer and never reads: a peer whose window
   * closes as soon as the server writes a little.
   */
  public static MisbehavingPeer neverReading(int port) throws IOException {
    return connect(port, SMALL_RECEIVE_BUFFER);
  }

  private static MisbehavingPeer connect(int port, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    try {
      if (receiveBuffer > 0) {
        socket.setReceiveBufferSize(receiveBuffer); // before connect, so the window starts small
      }
      socket.connect(
          new InetSocketAddress(InetAddress.getLoopbackAddress(), port), CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(20_000);
      return new MisbehavingPeer(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The socket, for what this class does not cover. */
  public Socket socket() {
    return socket;
  }

  /** Sends {@code text} as ISO-8859-1 bytes, e.g. a partial request before stalling. */
  public MisbehavingPeer send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends {@code bytes} and flushes. */
  public MisbehavingPeer send(byte[] bytes) throws IOException {
    socket.getOutputStream().write(bytes);
    socket.getOutputStream().flush();
    return this;
  }

  /** Sends {@code count} bytes of noise, from a seeded generator so a failure can be replayed. */
  public MisbehavingPeer sendGarbage(int count, long seed) throws IOException {
    byte[] noise = new byte[count];
    new Random(seed).nextBytes(noise);
    return send(noise);
  }

  /** Shuts down the output only: the server reads end of stream, and may still answer. */
  public MisbehavingPeer halfClose() throws IOException {
    socket.shutdownOutput();
    return this;
  }

  /**
   * Resets the connection: SO_LINGER 0 and close, so the kernel sends RST instead of FIN and the
   * server's next read or write fails with "connection reset".
   */
  public void reset() throws IOException {
    socket.setSoLinger(true, 0);
    socket.close();
  }

  /**
   * Reads {@code total} bytes (fewer if the stream ends) at most {@code chunk} bytes at a time,
   * pausing {@code pauseMillis} between reads: a slow reader. The pause is the peer's pace, not
   * synchronisation.
   *
   * @return the number of bytes read
   */
  public long readSlowly(long total, int chunk, long pauseMillis)
      throws IOException, InterruptedException {
    InputStream in = socket.getInputStream();
    byte[] buffer = new byte[chunk];
    long read = 0;
    while (read < total) {
      int n = in.read(buffer, 0, (int) Math.min(chunk, total - read));
      if (n < 0) {
        break;
      }
      read += n;
      Thread.sleep(pauseMillis); // the slow reader's pace
    }
    return read;
  }

  /** Whether the server has closed or reset the connection (a read sees end of stream or fails). */
  public boolean closedByServer() {
    try {
      return socket.getInputStream().read() < 0;
    } catch (IOException e) {
      return !(e instanceof java.net.SocketTimeoutException);
    }
  }

  /** Closes the socket normally (FIN), if {@link #reset()} has not closed it already. */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
