package dev.socketkit.loadgen;

import dev.socketkit.loadgen.internal.MjpegDriver;
import java.io.IOException;

/**
 * Attaches N viewers to an MJPEG stream ({@code multipart/x-mixed-replace}, as the lecture's
 * picamera server and socketkit's camera send it) and measures what each receives: distinct frames
 * per second (a part that repeats the previous part's {@code X-Timestamp} is reported as a repeat,
 * not a frame), bytes per second, and each frame's age on arrival from its {@code X-Timestamp}
 * header.
 *
 * <p>Everything runs on the calling thread, in one NIO selector loop, with one shared read buffer:
 * the parts are parsed as the bytes arrive (boundaries, {@code Content-Length}, {@code
 * X-Timestamp}), and frame bodies are counted and checked at their edges (a JPEG starts with FF D8
 * and, when its length is given, ends with FF D9), never copied. A viewer whose stream breaks the
 * format is counted as a protocol error and closed; viewers are not reconnected. All sockets are
 * closed before the call returns.
 */
public final class MjpegLoad {
  private MjpegLoad() {}

  /**
   * Runs the viewers described by {@code options} and returns what they received.
   *
   * @throws IOException if the selector cannot be opened; viewer failures are counted in the report
   */
  public static MjpegReport run(MjpegOptions options) throws IOException {
    return new MjpegDriver(options).run();
  }
}
