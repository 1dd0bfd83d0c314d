package dev.socketkit.cli;

import dev.socketkit.echo.EchoServer;
import dev.socketkit.echo.QueueEchoServer;
import dev.socketkit.echo.SelectEchoServer;
import dev.socketkit.echo.SelectorsEchoServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Lecture sections 2 and 6 (and, in other modes, 7 and 8): an echo server on {@code --host} and
 * {@code --port}, in the {@code --mode} chosen.
 *
 * <p>Each mode is one {@link Mode} constant and one case of the switch in {@link #call()}.
 */
@Command(
    name = "echo-server",
    mixinStandardHelpOptions = true,
    description = "Run an echo server (lecture sections 2 and 6).")
final class EchoServerCommand implements Callable<Integer> {
  /** How the server is written: the lecture section it shows. */
  enum Mode {
    /** Section 2: Select.select on read events. */
    SELECT("select"),
    /** Section 6: Select.select with r_sock, w_sock and a queue per client. */
    QUEUE("queue"),
    /** Python's selectors: register once, O(ready) per wait; the fastest single-threaded mode. */
    SELECTORS("selectors");

    final String label;

    Mode(String label) {
      this.label = label;
    }

    @Override
    public String toString() {
      return label;
    }

    /** Parses {@code --mode}: a label, case-insensitive. */
    static final class Converter implements ITypeConverter<Mode> {
      @Override
      public Mode convert(String value) {
        for (Mode mode : Mode.values()) {
          if (mode.label.equalsIgnoreCase(value)) {
            return mode;
          }
        }
        throw new TypeConversionException(
            "unknown mode '" + value + "' (expected one of: " + labels() + ")");
      }
    }

    static String labels() {
      StringBuilder labels = new StringBuilder();
      for (Mode mode : Mode.values()) {
        labels.append(labels.length() == 0 ? "" : ", ").append(mode.label);
      }
      return labels.toString();
    }
  }

  /** Parses a byte count with an optional binary suffix: 65536, 64K, 1M, 2G. */
  static final class ByteSize implements ITypeConverter<Long> {
    @Override
    public Long convert(String value) {
      String v = value.trim().toUpperCase(Locale.ROOT);
      long unit = 1;
      if (v.endsWith("K") || v.endsWith("M") || v.endsWith("G")) {
        unit = v.endsWith("K") ? 1L << 10 : v.endsWith("M") ? 1L << 20 : 1L << 30;
        v = v.substring(0, v.length() - 1);
      }
      try {
        long n = Math.multiplyExact(Long.parseLong(v), unit);
        if (n < 1) {
          throw new NumberFormatException();
        }
        return n;
      } catch (NumberFormatException | ArithmeticException e) {
        throw new TypeConversionException(
            "bad size '" + value + "' (expected a positive number of bytes, e.g. 65536, 64K, 1M)");
      }
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--mode",
      converter = Mode.Converter.class,
      defaultValue = "select",
      description =
          "select (section 2), queue (section 6) or selectors (registration-based, fastest);"
              + " default: ${DEFAULT-VALUE}.")
  Mode mode;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Address to listen on; default: ${DEFAULT-VALUE}.")
  String host;

  @Option(
      names = "--port",
      defaultValue = "2500",
      description = "Port to listen on, 0 for any free port; default: ${DEFAULT-VALUE}.")
  int port;

  @Option(
      names = "--max-pending",
      converter = ByteSize.class,
      defaultValue = "1M",
      paramLabel = "BYTES",
      description =
          "Unsent echo one client may have before the server stops reading from it (K, M, G"
              + " suffixes); default: ${DEFAULT-VALUE}.")
  long maxPending;

  @Option(
      names = "--verbose",
      description = "Print each message received, with its sender, as the lecture's server does.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    if (port < 0 || port > 65_535) {
      throw new CommandFailure("bad port " + port + " (expected 0 to 65535)");
    }
    SocketAddress address = new InetSocketAddress(host, port);
    // One case per mode; an expression switch, so a new Mode without its case does not compile.
    return switch (mode) {
      case SELECT -> serve(new SelectEchoServer(address, maxPending, listener()));
      case QUEUE -> serve(new QueueEchoServer(address, maxPending, listener()));
      case SELECTORS -> serve(new SelectorsEchoServer(address, maxPending, listener()));
    };
  }

  /** The {@code --verbose} printer, or null. */
  private EchoServer.Listener listener() {
    return verbose ? this::print : null;
  }

  /** Announces, serves on this thread until Ctrl-C / SIGTERM, closes; returns the exit code. */
  private int serve(EchoServer server) throws IOException {
    try (server) {
      Serving.announce(spec.commandLine().getOut(), server.localAddress());
      Serving.onExit(
          () -> {
            try {
              server.close();
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
      server.serveForever();
    }
    return 0;
  }

  /** The lecture's {@code print(addr, data.decode())}, for {@code --verbose}. */
  private void print(SocketAddress from, ByteBuffer data) {
    PrintWriter out = spec.commandLine().getOut();
    String text = StandardCharsets.UTF_8.decode(data).toString();
    out.println("received from " + Serving.format(from) + ": " + text.stripTrailing());
    out.flush();
  }
}
