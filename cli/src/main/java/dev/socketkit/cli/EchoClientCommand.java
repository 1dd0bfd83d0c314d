package dev.socketkit.cli;

import dev.socketkit.echo.EchoClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lecture section 3: sends each line of stdin to an echo server and prints each line that comes
 * back; at the end of stdin waits (at most {@code --wait} seconds) for the echoes still
 * outstanding, then exits 0. A refused connection is one sentence and exit code 1.
 */
@Command(
    name = "echo-client",
    mixinStandardHelpOptions = true,
    description = "Send stdin's lines to an echo server and print the echoes (lecture section 3).")
final class EchoClientCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Server address; default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "2500",
      description = "Server port; default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--udp", description = "Send each line as one UDP datagram instead of over TCP.")
  boolean udp;

  @Option(
      names = "--unix",
      paramLabel = "PATH",
      description =
          "Connect to the Unix-domain socket at PATH instead of TCP (--host and --port are then"
              + " unused).")
  Path unix;

  @Option(
      names = "--wait",
      defaultValue = "5",
      paramLabel = "SECONDS",
      description =
          "How long to wait at the end of stdin for echoes still outstanding, at most 86400"
              + " (one day); default: ${DEFAULT-VALUE}.")
  double waitSeconds;

  /** The longest --wait: one day, far below where the deadline's nanoseconds would overflow. */
  static final long MAX_WAIT_SECONDS = 86_400;

  /** Where lines come from; stdin, replaced by tests. */
  InputStream input = System.in;

  @Override
  public Integer call() throws IOException {
    if (unix != null && udp) {
      throw new CommandFailure(
          "--udp cannot be used with --unix: the JDK has no Unix-domain datagram sockets");
    }
    if (port < 1 || port > 65_535) {
      throw new CommandFailure("bad port " + port + " (expected 1 to 65535)");
    }
    if (!(waitSeconds >= 0 && waitSeconds <= MAX_WAIT_SECONDS)) {
      throw new CommandFailure(
          "bad --wait " + waitSeconds + " (expected 0 to " + MAX_WAIT_SECONDS + " seconds)");
    }
    SocketAddress server =
        unix != null ? UnixDomainSocketAddress.of(unix) : new InetSocketAddress(host, port);
    String where = (udp ? "udp " : "") + Serving.format(server);
    PrintWriter out = spec.commandLine().getOut();
    EchoClient.Result result;
    try (EchoClient client = udp ? EchoClient.udp(server) : EchoClient.connect(server)) {
      result =
          client.run(
              input,
              line -> {
                out.println(line);
                out.flush();
              },
              Duration.ofMillis((long) (waitSeconds * 1000)));
    } catch (ConnectException | PortUnreachableException e) {
      throw new CommandFailure(
          "cannot reach an echo server at " + where + ": the connection was refused", e);
    } catch (SocketException e) {
      if (unix == null) {
        throw e;
      }
      // A Unix socket path with no server: "No such file or directory", "Connection refused".
      throw new CommandFailure(
          "cannot reach an echo server at " + where + ": " + e.getMessage(), e);
    }
    if (!result.complete()) {
      PrintWriter err = spec.commandLine().getErr();
      err.println(
          "socketkit echo-client: "
              + (result.sent() - result.received())
              + " of "
              + result.sent()
              + " echoes had not come back after "
              + waitSeconds
              + " s");
      err.flush();
    }
    return 0;
  }
}
