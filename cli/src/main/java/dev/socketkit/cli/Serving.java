package dev.socketkit.cli;

import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * What every server command does around its server: announce the address it listens on, and close
 * the server cleanly on Ctrl-C or SIGTERM.
 *
 * <p>Called from the command's thread (picocli's, the main thread).
 */
final class Serving {
  private Serving() {}

  /**
   * Prints the one line {@code listening on HOST:PORT} (or {@code listening on unix:PATH}) and
   * flushes, so that scripts and tests can wait for it. HOST is numeric; an IPv6 host is written in
   * brackets.
   */
  static void announce(PrintWriter out, SocketAddress address) {
    out.println("listening on " + format(address));
    out.flush();
  }

  /** {@code 127.0.0.1:8000}, {@code [::1]:8000} or {@code unix:/run/echo.sock}. */
  static String format(SocketAddress address) {
    if (address instanceof InetSocketAddress inet) {
      String host =
          inet.getAddress() == null ? inet.getHostString() : inet.getAddress().getHostAddress();
      return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
    }
    if (address instanceof UnixDomainSocketAddress unix) {
      return "unix:" + unix.getPath();
    }
    return String.valueOf(address);
  }

  /**
   * Runs {@code stop} once when the JVM is asked to exit (Ctrl-C, SIGTERM, {@code System.exit}),
   * and waits for it to finish before the JVM goes on exiting. Returns a latch that counts down
   * when the hook has run, for commands that block until then.
   */
  static CountDownLatch onExit(Runnable stop) {
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    stop.run();
                  } finally {
                    stopped.countDown();
                  }
                },
                "socketkit-shutdown"));
    return stopped;
  }
}
