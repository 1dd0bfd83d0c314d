package dev.socketkit.gui.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts the bytes a server sends into lines: the client sends {@code "ON\n"} and the echo may come
 * back in any number of TCP segments, or two echoes in one.
 *
 * <p>A line ends at {@code '\n'}; a {@code '\r'} before it is dropped. Lines are decoded as UTF-8,
 * malformed bytes becoming U+FFFD, so garbage from the network never throws. A run of more than
 * {@link #MAX_LINE} bytes without a newline is handed out as a line of its own (possibly splitting
 * a character) so that memory stays bounded and no byte is dropped. Not thread-safe.
 */
public final class LineFramer {
  /** Longest line kept whole: far more than a label can show, small enough to hold per client. */
  public static final int MAX_LINE = 4096;

  private final byte[] line = new byte[MAX_LINE];
  private int length;

  /** Creates a framer with nothing buffered. */
  public LineFramer() {}

  /**
   * Consumes every remaining byte of {@code bytes} and returns the lines it completed, oldest
   * first; an unfinished line stays buffered for the next call.
   */
  public List<String> feed(ByteBuffer bytes) {
    List<String> lines = new ArrayList<>();
    while (bytes.hasRemaining()) {
      byte b = bytes.get();
      if (b == '\n') {
        int end = length > 0 && line[length - 1] == '\r' ? length - 1 : length;
        lines.add(new String(line, 0, end, StandardCharsets.UTF_8));
        length = 0;
      } else {
        if (length == MAX_LINE) {
          lines.add(new String(line, 0, length, StandardCharsets.UTF_8));
          length = 0;
        }
        line[length++] = b;
      }
    }
    return lines;
  }

  /** Forgets an unfinished line; called when the connection it came from is gone. */
  public void clear() {
    length = 0;
  }
}
