package dev.socketkit.cli;

import dev.socketkit.loadgen.EchoLoad;
import dev.socketkit.loadgen.EchoOptions;
import dev.socketkit.loadgen.EchoReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit bench echo}: N connections echo messages through a server, checked byte for
 * byte, and the round trips per second, latency and errors are printed.
 *
 * <p>The load runs on picocli's thread in one NIO loop ({@link EchoLoad}).
 */
@Command(
    name = "echo",
    mixinStandardHelpOptions = true,
    description = {
      "Drive an echo server: each connection sends a message, waits for its whole echo"
          + " (checked byte for byte) and repeats. Prints round trips/s, latency p50/p99/max,"
          + " errors, and CPU use."
    })
final class BenchEchoCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Server host (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "2500",
      description = "Server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(
      names = {"-c", "--connections"},
      defaultValue = "100",
      description = "Concurrent connections (default: ${DEFAULT-VALUE}).")
  int connections;

  @Option(
      names = {"-s", "--size"},
      defaultValue = "64",
      description = "Bytes per message (default: ${DEFAULT-VALUE}).")
  int size;

  @Option(
      names = "--pipeline",
      defaultValue = "1",
      description = "Messages each connection keeps in flight (default: ${DEFAULT-VALUE}).")
  int pipeline;

  @Option(
      names = "--lines",
      description =
          "End each message with a newline and keep newlines out of the rest, for servers that"
              + " echo line by line (socketserver's StreamRequestHandler).")
  boolean lines;

  @Mixin BenchWindow window;

  @Override
  public void run() {
    EchoOptions options;
    try {
      options =
          new EchoOptions(
              new InetSocketAddress(host, port),
              connections,
              size,
              pipeline,
              window.duration(),
              window.warmup(),
              window.serverPid,
              lines);
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("bad option: " + e.getMessage(), e);
    }
    if (options.address().isUnresolved()) {
      throw new CommandFailure("unknown host: " + host);
    }
    EchoReport report;
    try {
      report = EchoLoad.run(options);
    } catch (IOException e) {
      throw new CommandFailure("cannot run the load: " + e.getMessage(), e);
    }
    if (report.connectErrors() == connections) {
      throw new CommandFailure(
          "cannot connect to " + host + ":" + port + " (is the echo server running?)");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.format());
    out.flush();
  }
}
