package dev.socketkit.cli;

import dev.socketkit.loadgen.ViewerOptions;
import dev.socketkit.loadgen.ViewerReport;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.IDefaultValueProvider;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * What {@code socketkit bench mjpeg} and {@code bench mp4} share: the stream, how many viewers
 * watch it and how many may connect at once, the counted window, and how a run fails or is printed.
 * A subcommand gives its format's default URL, options and load.
 *
 * <p>The viewers run on picocli's thread in one NIO loop.
 */
@Command(defaultValueProvider = BenchViewersCommand.DefaultUrl.class)
abstract class BenchViewersCommand<O extends ViewerOptions> implements Runnable {
  /** A format's options constructor, such as {@code MjpegOptions::new}. */
  @FunctionalInterface
  interface NewOptions<O> {
    O of(
        URI url,
        int viewers,
        Duration duration,
        Duration warmup,
        long serverPid,
        int maxConnecting);
  }

  /** A format's load, such as {@code MjpegLoad::run}. */
  @FunctionalInterface
  interface Load<O> {
    ViewerReport run(O options) throws IOException;
  }

  /**
   * Gives the URL parameter its subcommand's default. A positional parameter's default must come
   * from its annotation or from a provider (with only an initial value picocli would require it),
   * and the annotation is shared by both subcommands.
   */
  static final class DefaultUrl implements IDefaultValueProvider {
    @Override
    public String defaultValue(ArgSpec argSpec) {
      return argSpec.isPositional()
              && argSpec.command().userObject() instanceof BenchViewersCommand<?> command
          ? command.defaultUrl
          : null;
    }
  }

  @Spec CommandSpec spec;

  @Parameters(
      index = "0",
      paramLabel = "URL",
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

  private final String defaultUrl;
  private final NewOptions<O> newOptions;
  private final Load<O> load;

  BenchViewersCommand(String defaultUrl, NewOptions<O> newOptions, Load<O> load) {
    this.defaultUrl = defaultUrl;
    this.newOptions = newOptions;
    this.load = load;
  }

  @Override
  public final void run() {
    O options;
    try {
      options =
          newOptions.of(
              new URI(url),
              viewers,
              window.duration(),
              window.warmup(),
              window.serverPid,
              maxConnecting);
    } catch (URISyntaxException | IllegalArgumentException e) {
      throw new CommandFailure("bad option: " + e.getMessage(), e);
    }
    ViewerReport report;
    try {
      report = load.run(options);
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
