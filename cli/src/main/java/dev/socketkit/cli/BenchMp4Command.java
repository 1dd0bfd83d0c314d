package dev.socketkit.cli;

import dev.socketkit.loadgen.Mp4Load;
import dev.socketkit.loadgen.Mp4Options;
import picocli.CommandLine.Command;

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
final class BenchMp4Command extends BenchViewersCommand<Mp4Options> {
  BenchMp4Command() {
    super("http://127.0.0.1:8000/stream.mp4", Mp4Options::new, Mp4Load::run);
  }
}
