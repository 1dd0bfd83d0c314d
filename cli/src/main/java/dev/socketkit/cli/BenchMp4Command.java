package dev.socketkit.cli;

import dev.socketkit.loadgen.Mp4Load;
import dev.socketkit.loadgen.Mp4Options;
import dev.socketkit.loadgen.Mp4Report;
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
 * {@code socketkit bench mp4 URL}: N viewers watch a live fragmented-MP4 stream (the camera's
 * {@code /stream.mp4}) and the fragments per second each receives, the bytes per viewer and the
 * fragment age from the {@code prft} boxes are printed.
 *
 * <p>The viewers run on picocli's thread in one NIO loop ({@link Mp4Load}).
 */
@Command(
    name = "mp4",
    mixinStandardHelpOptions = true,
    description = {
      "Watch a live fragmented-MP4 stream (/stream.mp4) with many viewers from one thread. Prints"
          + " fragments (pictures) per second per viewer (min/median/max), bytes/s per viewer,"
          + " fragment age from the prft boxes (p50/p99), errors, and CPU use."
    })
final class BenchMp4Command implements Runnable {
  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "URL",
      defaultValue = "http://127.0.0.1:8000/stream.mp4",
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
    Mp4Options options;
    try {
      options =
          new Mp4Options(
              new URI(url),
              viewers,
              window.duration(),
              window.warmup(),
              window.serverPid,
              maxConnecting);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new CommandFailure("bad option: " + e.getMessage(), e);
    }
    Mp4Report report;
    try {
      report = Mp4Load.run(options);
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
