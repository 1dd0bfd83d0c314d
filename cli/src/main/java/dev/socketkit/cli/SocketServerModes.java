package dev.socketkit.cli;

import dev.socketkit.echo.EchoServer;
import dev.socketkit.echo.SocketServerEcho;
import dev.socketkit.server.BaseServer;
import dev.socketkit.server.Threading;
import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * The socketserver modes of {@code echo-server} (lecture sections 7 and 8): {@code tcp}, {@code
 * threading-tcp}, {@code udp}, {@code threading-udp}, over TCP/UDP or, for the stream modes, a
 * Unix-domain socket.
 *
 * <p>The command's thread runs {@code serveForever} (the lecture's server thread); request threads
 * are daemon threads and close does not wait for them, so Ctrl-C and SIGTERM stop the server at
 * once even while clients hold idle connections. The exit hook closes the server, which makes
 * serveForever return and removes a Unix socket file.
 */
final class SocketServerModes {
  private SocketServerModes() {}

  /**
   * Opens the server of {@code command.mode} on {@code address}, announces it, and serves until
   * Ctrl-C / SIGTERM; returns the exit code, 0.
   */
  static int serve(EchoServerCommand command, SocketAddress address) throws IOException {
    SocketServerEcho.Mode mode = mode(command.mode);
    Threading threading = mode.isThreading() ? threading(command.threads) : null;
    EchoServer.Listener listener = command.verbose ? command::print : null;
    BaseServer<?> server;
    try {
      server =
          SocketServerEcho.open(
              mode,
              address,
              threading,
              listener,
              command.maxConnections != null
                  ? command.maxConnections
                  : SocketServerEcho.DEFAULT_MAX_CONNECTIONS);
    } catch (UnsupportedOperationException e) {
      throw new CommandFailure(SocketServerEcho.NO_UNIX_DATAGRAMS, e);
    } catch (BindException e) {
      throw new CommandFailure(cannotListen(address, e), e);
    }
    server.setDaemonThreads(true);
    server.setBlockOnClose(false);
    try (server) {
      try {
        Serving.onExit(server::close);
      } catch (IllegalStateException shuttingDown) {
        return 0; // Ctrl-C or SIGTERM came before we were serving: nothing to stop
      }
      // Announced only once Ctrl-C / SIGTERM will stop it cleanly: a script that sees the line
      // may signal at once.
      Serving.announce(command.spec.commandLine().getOut(), server.serverAddress());
      try {
        server.serveForever();
      } catch (IllegalStateException closedBeforeServing) {
        return 0; // the shutdown hook closed the server between the announcement and here
      }
    }
    return 0;
  }

  private static String cannotListen(SocketAddress address, BindException e) {
    String where = Serving.format(address);
    if (address instanceof UnixDomainSocketAddress) {
      return "cannot listen on "
          + where
          + ": "
          + e.getMessage()
          + " (a file exists there: remove it if no server uses it)";
    }
    return "cannot listen on " + where + ": " + e.getMessage() + " (is another server using it?)";
  }

  private static SocketServerEcho.Mode mode(EchoServerCommand.Mode mode) {
    return switch (mode) {
      case TCP -> SocketServerEcho.Mode.TCP;
      case THREADING_TCP -> SocketServerEcho.Mode.THREADING_TCP;
      case UDP -> SocketServerEcho.Mode.UDP;
      case THREADING_UDP -> SocketServerEcho.Mode.THREADING_UDP;
      default -> throw new IllegalArgumentException("not a socketserver mode: " + mode);
    };
  }

  /** {@code --threads}: virtual (the default where available), platform, or a pool. */
  static Threading threading(EchoServerCommand.ThreadsChoice choice) {
    if (choice == null) {
      return Threading.threadPerRequest();
    }
    if (choice.poolSize() > 0) {
      return Threading.pool(choice.poolSize());
    }
    if (choice.label().equals("platform")) {
      return Threading.platformThreads();
    }
    if (!Threading.virtualThreadsAvailable()) {
      throw new CommandFailure(
          "--threads virtual needs JDK 21 or newer, and this is JDK "
              + Runtime.version().feature()
              + "; use --threads platform or a pool size");
    }
    return Threading.virtualThreads();
  }
}
