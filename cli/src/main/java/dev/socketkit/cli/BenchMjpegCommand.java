package dev.socketkit.cli;

import dev.socketkit.loadgen.MjpegLoad;
import dev.socketkit.loadgen.MjpegOptions;
import picocli.CommandLine.Command;

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
final class BenchMjpegCommand extends BenchViewersCommand<MjpegOptions> {
  BenchMjpegCommand() {
    super("http://127.0.0.1:8000/stream.mjpg", MjpegOptions::new, MjpegLoad::run);
  }
}
