package dev.socketkit.cli;

import dev.socketkit.loadgen.MjpegLoad;
import dev.socketkit.loadgen.MjpegOptions;
import dev.socketkit.loadgen.MjpegReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit bench mjpeg URL}: N viewers watch an MJPEG stream and the frames per second each
 * receives, the bytes per second and the frame age from {@code X-Timestamp} are printed.
 *
 * <p>The viewers run on picocli's thread in one NIO loop ({@link MjpegLoad}).
 */
@Command(
    name = "mjpeg",
    mixinStandardHelpOptions = true,
    description = {
      "Watch an MJPEG stream with many viewers from one thread. Prints fps per viewer"
          + " (min/median/max), bytes/s, frame age from X-Timestamp (p50/p99), errors, and CPU use."
    })
final class BenchMjpegCommand implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8000/stream.mjpg",
      description = "The stream (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(
      names = {"-n", "--viewers"},
      defaultValue = "100",
      description = "Concurrent viewers (default: ${DEFAULT-VALUE}).")
  int viewers;

  @Option(
      names = "--max-connecting",
      defaultValue = "64",
      description =
          "Most viewers connecting at once (until their response starts); keep it below the"
              + " server's listen backlog (default: ${DEFAULT-VALUE}).")
  int maxConnecting;

  @Mixin BenchWindow window;

  @Override
  public void run() {
    MjpegOptions options;
    try {
      options =
          new MjpegOptions(
              new URI(url),
              viewers,
              window.duration(),
              window.warmup(),
              window.serverPid,
              maxConnecting);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new CommandFailure("bad option: " + e.getMessage(), e);
    }
    MjpegReport report;
    try {
      report = MjpegLoad.run(options);
    } catch (IOException e) {
      throw new CommandFailure("cannot run the viewers: " + e.getMessage(), e);
    }
    if (report.connectErrors() == viewers) {
      throw new CommandFailure("cannot connect to " + url + " (is the server running?)");
    }
    PrintWriter out = spec.commandLine().getOut();
    out.print(report.format());
    out.flush();
  }
}
