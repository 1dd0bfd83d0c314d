package dev.socketkit.camera.internal;

import dev.socketkit.camera.Frame;
import java.nio.charset.StandardCharsets;

/**
 * Builds one multipart part of the MJPEG stream from a frame, exactly as the lecture's handler
 * writes it: {@code --FRAME}, the part headers, a blank line, the JPEG, CRLF.
 */
public final class Parts {
  /** The multipart boundary, as in the lecture. */
  public static final String BOUNDARY = "FRAME";

  private Parts() {}

  /** The part's bytes before the JPEG: boundary line and part headers, ending in a blank line. */
  public static byte[] head(Frame frame) {
    return ("--"
            + BOUNDARY
            + "\r\n"
            + "Content-Type: image/jpeg\r\n"
            + "Content-Length: "
            + frame.jpeg().length
            + "\r\n"
            + "X-Timestamp: "
            + frame.timestamp()
            + "\r\n"
            + "\r\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** The whole part: head, JPEG, CRLF. A new array. */
  public static byte[] whole(Frame frame) {
    byte[] head = head(frame);
    byte[] jpeg = frame.jpeg();
    byte[] part = new byte[head.length + jpeg.length + 2];
    System.arraycopy(head, 0, part, 0, head.length);
    System.arraycopy(jpeg, 0, part, head.length, jpeg.length);
    part[part.length - 2] = '\r';
    part[part.length - 1] = '\n';
    return part;
  }
}
