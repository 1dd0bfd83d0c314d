package dev.socketkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit bench}: the load generators, as subcommands {@code echo} and {@code mjpeg}.
 *
 * <p>Runs on picocli's thread (the main thread); has no state of its own.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load generators: drive an echo server or watch an MJPEG stream with many viewers.",
    subcommands = {BenchEchoCommand.class, BenchMjpegCommand.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(), "missing load generator: echo or mjpeg (see socketkit bench --help)");
  }
}
