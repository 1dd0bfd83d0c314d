package dev.socketkit.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code socketkit bench}: the load generators, as subcommands {@code echo}, {@code mjpeg} and
 * {@code mp4}.
 *
 * <p>Runs on picocli's thread (the main thread); has no state of its own.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Load generators: drive an echo server, or watch an MJPEG or a live MP4 stream with many"
            + " viewers.",
    subcommands = {BenchEchoCommand.class, BenchMjpegCommand.class, BenchMp4Command.class})
final class BenchCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(
        spec.commandLine(),
        "missing load generator: echo, mjpeg or mp4 (see socketkit bench --help)");
  }
}
