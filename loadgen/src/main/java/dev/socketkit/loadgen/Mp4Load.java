package dev.socketkit.loadgen;

import dev.socketkit.loadgen.internal.Mp4Driver;
import java.io.IOException;

/**
 * Attaches N viewers to a live fragmented-MP4 stream (the camera's {@code /stream.mp4}) and
 * measures what each receives: fragments per second (one fragment, {@code moof} + {@code mdat}, per
 * picture on the live stream, so this is the frame rate), bytes per second, and each fragment's age
 * on arrival: the viewer's wall clock when the fragment's last byte arrived minus the capture time
 * in the {@code prft} box the camera writes before each {@code moof}.
 *
 * <p>Everything runs on the calling thread, in one NIO selector loop, with one shared read buffer:
 * the stream is parsed box by box as the bytes arrive (size and type; of a {@code prft} its time),
 * and box bodies are skipped, never copied. A viewer whose stream breaks the format (a status other
 * than 200, a Content-Type other than {@code video/mp4}, a box size or type that cannot be, a
 * stream that does not start with {@code ftyp}) is counted as a protocol error and closed; viewers
 * are not reconnected. All sockets are closed before the call returns.
 */
public final class Mp4Load {
  private Mp4Load() {}

  /**
   * Runs the viewers described by {@code options} and returns what they received.
   *
   * @throws IOException if the selector cannot be opened; viewer failures are counted in the report
   */
  public static Mp4Report run(Mp4Options options) throws IOException {
    return new Mp4Driver(options).run();
  }
}
