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
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/**
 * Lecture sections 2, 6, 7 and 8: an echo server on {@code --host} and {@code --port}, in the
 * {@code --mode} chosen.
 *
 * <p>Each mode is one {@link Mode} constant and one case of the switch in {@link #call()}.
 */
@Command(
    name = "echo-server",
    mixinStandardHelpOptions = true,
    description = "Run an echo server (lecture sections 2, 6, 7 and 8).")
final class EchoServerCommand implements Callable<Integer> {
  /** How the server is written: the lecture section it shows. */
  enum Mode {
    /** Section 2: Select.select on read events. */
    SELECT("select"),
    /** Section 6: Select.select with r_sock, w_sock and a queue per client. */
    QUEUE("queue"),
    /** Python's selectors: register once, O(ready) per wait; the fastest single-threaded mode. */
    SELECTORS("selectors"),
    /** Section 7: socketserver's TCPServer, one client at a time. */
    TCP("tcp"),
    /** Section 8: ThreadingTCPServer, a thread per client. */
    THREADING_TCP("threading-tcp"),
    /** Section 7: socketserver's UDPServer. */
    UDP("udp"),
    /** Section 8: ThreadingUDPServer, a thread per datagram. */
    THREADING_UDP("threading-udp");

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

  /** What {@code --threads} asked for. */
  record ThreadsChoice(String label, int poolSize) {
    @Override
    public String toString() {
      return label;
    }
  }

  /** Parses {@code --threads}: virtual, platform, or a pool size. */
  static final class ThreadsConverter implements ITypeConverter<ThreadsChoice> {
    @Override
    public ThreadsChoice convert(String value) {
      String v = value.trim().toLowerCase(Locale.ROOT);
      if (v.equals("virtual") || v.equals("platform")) {
        return new ThreadsChoice(v, 0);
      }
      try {
        int n = Integer.parseInt(v);
        if (n >= 1) {
          return new ThreadsChoice(v, n);
        }
      } catch (NumberFormatException ignored) {
        // Falls through to the one error sentence below.
      }
      throw new TypeConversionException(
          "bad --threads '" + value + "' (expected virtual, platform or a pool size >= 1)");
    }
  }

  @Spec CommandSpec spec;

  @Option(
      names = "--mode",
      converter = Mode.Converter.class,
      defaultValue = "select",
      description =
          "select (section 2), queue (section 6), selectors (registration-based, fastest),"
              + " tcp, udp (section 7: socketserver, one request at a time), threading-tcp or"
              + " threading-udp (section 8: a thread per request); default: ${DEFAULT-VALUE}.")
  Mode mode;

  /** What {@code Select.select} waits on in the select and queue modes. */
  enum SelectorChoice {
    /** The JDK's {@code poll(2)} selector: the lists go to the kernel on every call. */
    POLL,
    /** The JDK's default selector: epoll on Linux. */
    DEFAULT;

    /** Parses {@code --selector}: poll or default, case-insensitive. */
    static final class Converter implements ITypeConverter<SelectorChoice> {
      @Override
      public SelectorChoice convert(String value) {
        return EnumOption.parse(SelectorChoice.class, value, "poll or default");
      }
    }
  }

  @Option(
      names = "--selector",
      converter = SelectorChoice.Converter.class,
      paramLabel = "poll|default",
      description =
          "For select and queue: what Select.select waits on. poll hands the lists to the kernel"
              + " on every call, as Python's select.select does, so moving a socket in and out of"
              + " w_sock costs no system call (the default for queue); default is the JDK's own"
              + " selector, epoll on Linux (the default for select).")
  SelectorChoice selector;

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
      converter = ByteSizes.Positive.class,
      defaultValue = "1M",
      paramLabel = "BYTES",
      description =
          "Unsent echo one client may have before the server stops reading from it (K, M, G, T"
              + " suffixes); default: ${DEFAULT-VALUE}.")
  long maxPending;

  @Option(
      names = "--unix",
      paramLabel = "PATH",
      description =
          "Serve a Unix-domain socket at PATH instead of TCP (--mode tcp and threading-tcp;"
              + " --host and --port are then unused). The socket file is removed on exit.")
  Path unix;

  @Option(
      names = "--threads",
      converter = ThreadsConverter.class,
      paramLabel = "virtual|platform|N",
      description =
          "For threading-tcp and threading-udp: a virtual thread per request (the default on JDK"
              + " 21+), a platform thread per request (the default on JDK 17), or a pool of N"
              + " threads.")
  ThreadsChoice threads;

  @Option(
      names = "--max-connections",
      paramLabel = "N",
      description =
          "For threading-tcp: the most connections served at once, a thread each; one more is"
              + " closed at once, with a warning at most every 10 s (default: 1000, under the"
              + " usual limit of 1024 open files).")
  Integer maxConnections;

  @Option(
      names = "--verbose",
      description = "Print each message received, with its sender, as the lecture's server does.")
  boolean verbose;

  @Override
  public Integer call() throws IOException {
    if (port < 0 || port > 65_535) {
      throw new CommandFailure("bad port " + port + " (expected 0 to 65535)");
    }
    boolean socketServer = !EnumSet.of(Mode.SELECT, Mode.QUEUE, Mode.SELECTORS).contains(mode);
    if (unix != null && !socketServer) {
      throw new CommandFailure(
          "--unix works with --mode tcp and threading-tcp; the " + mode + " server listens on TCP");
    }
    if (threads != null && mode != Mode.THREADING_TCP && mode != Mode.THREADING_UDP) {
      throw new CommandFailure(
          "--threads applies to --mode threading-tcp and threading-udp, not " + mode);
    }
    if (maxConnections != null && mode != Mode.THREADING_TCP) {
      throw new CommandFailure(
          "--max-connections applies to --mode threading-tcp (a thread per connection), not "
              + mode);
    }
    if (selector != null && mode != Mode.SELECT && mode != Mode.QUEUE) {
      throw new CommandFailure("--selector applies to --mode select and queue, not " + mode);
    }
    if (maxConnections != null && maxConnections < 1) {
      throw new CommandFailure("bad --max-connections " + maxConnections + " (expected >= 1)");
    }
    // Before anything opens a channel: the JVM reads its choice of selector once.
    SelectorChoice waitOn =
        selector != null
            ? selector
            : mode == Mode.QUEUE ? SelectorChoice.POLL : SelectorChoice.DEFAULT;
    if (waitOn == SelectorChoice.POLL && !PollSelector.install()) {
      spec.commandLine()
          .getErr()
          .println(
              "socketkit echo-server: this JVM gives no poll selector; Select.select waits on its"
                  + " default one");
    }
    SocketAddress address =
        unix != null ? UnixDomainSocketAddress.of(unix) : new InetSocketAddress(host, port);
    // One case per mode; an expression switch, so a new Mode without its case does not compile.
    return switch (mode) {
      case SELECT -> serve(new SelectEchoServer(address, maxPending, listener()));
      case QUEUE -> serve(new QueueEchoServer(address, maxPending, listener()));
      case SELECTORS -> serve(new SelectorsEchoServer(address, maxPending, listener()));
      case TCP, THREADING_TCP, UDP, THREADING_UDP -> SocketServerModes.serve(this, address);
    };
  }

  /** The {@code --verbose} printer, or null. */
  private EchoServer.Listener listener() {
    return verbose ? this::print : null;
  }

  /** Announces, serves on this thread until Ctrl-C / SIGTERM, closes; returns the exit code. */
  private int serve(EchoServer server) throws IOException {
    try (server) {
      try {
        Serving.onExit(
            () -> {
              try {
                server.close();
              } catch (IOException e) {
                throw new UncheckedIOException(e);
              }
            });
      } catch (IllegalStateException shuttingDown) {
        return 0; // Ctrl-C or SIGTERM came before we were serving: nothing to stop
      }
      // Announced only once Ctrl-C / SIGTERM will stop it cleanly: a script that sees the line
      // may signal at once.
      Serving.announce(spec.commandLine().getOut(), server.localAddress());
      try {
        server.serveForever();
      } catch (IllegalStateException closedBeforeServing) {
        return 0; // the shutdown hook closed the server between the announcement and here
      }
    }
    return 0;
  }

  /** The lecture's {@code print(addr, data.decode())}, for {@code --verbose}. */
  void print(SocketAddress from, ByteBuffer data) {
    PrintWriter out = spec.commandLine().getOut();
    String text = StandardCharsets.UTF_8.decode(data).toString();
    out.println("received from " + Serving.format(from) + ": " + text.stripTrailing());
    out.flush();
  }
}
