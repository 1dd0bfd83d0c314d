package dev.socketkit.testkit;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;

/**
 * A loopback port whose connects are refused at once: a socket bound to port 0 that never listens.
 * While it stays open no one else can take the port, so unlike a port that was bound and closed, no
 * other test can start listening on it meanwhile.
 *
 * <p>Close it with try-with-resources. Not thread-safe; it holds no state after construction.
 */
public final class RefusingPort implements AutoCloseable {
  private final Socket reserved;

  private RefusingPort(Socket reserved) {
    this.reserved = reserved;
  }

  /** Binds a fresh loopback port that will refuse connects until {@link #close()}. */
  public static RefusingPort open() throws IOException {
    Socket reserved = new Socket();
    try {
      reserved.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusingPort(reserved);
    } catch (IOException | RuntimeException e) {
      reserved.close();
      throw e;
    }
  }

  /** The refusing port number. */
  public int port() {
    return reserved.getLocalPort();
  }

  /** The refusing loopback address and port. */
  public InetSocketAddress address() {
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), port());
  }

  /** Releases the port. */
  @Override
  public void close() throws IOException {
    reserved.close();
  }
}
