package dev.socketkit.loadgen.internal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/*
 * Design notes.
 *
 * A push parser: the caller hands it whatever a read returned, in any split, and it keeps its place
 * between calls. Header lines are gathered into a small per-viewer array (they are short); frame
 * bodies are never copied: with a Content-Length the body is skipped by advancing the buffer's
 * position, checking only its first and last two bytes (JPEG's SOI FF D8 and EOI FF D9); without
 * one, the body is scanned byte by byte for "\r\n--BOUNDARY" (RFC 2046 section 5.1.1: the CRLF
 * before the dash-boundary belongs to the delimiter). Because '\r' occurs only at the start of that
 * delimiter, a mismatch can restart the match at 0 or 1 without a KMP table.
 *
 * The lecture's picamera server writes, per frame:
 *   --FRAME\r\n Content-Type: image/jpeg\r\n Content-Length: N\r\n \r\n <N bytes> \r\n
 * and X-Timestamp (seconds since the epoch, as uStreamer sends it) is read when present.
 */

/**
 * Parses an HTTP response carrying {@code multipart/x-mixed-replace} JPEG parts, incrementally, and
 * reports each complete part to a {@link Listener}.
 *
 * <p>Not thread-safe: one scanner per stream, fed by one thread.
 */
public final class MultipartScanner {
  /** Receives each complete part; called on the feeding thread. */
  @FunctionalInterface
  public interface Listener {
    /**
     * A whole part arrived.
     *
     * @param length the part's body length in bytes
     * @param timestampMicros its {@code X-Timestamp} in microseconds since the epoch, or {@link
     *     Long#MIN_VALUE} when the part had none
     */
    void part(long length, long timestampMicros);
  }

  private static final int MAX_LINE =
      8192; // as CPython's http.client _MAXLINE is 65536; parts are small
  private static final byte[] CONTENT_TYPE = ascii("content-type");
  private static final byte[] CONTENT_LENGTH = ascii("content-length");
  private static final byte[] X_TIMESTAMP = ascii("x-timestamp");

  private enum State {
    STATUS,
    HEADERS,
    BOUNDARY,
    PART_HEADERS,
    BODY,
    BODY_SCAN,
    BOUNDARY_TAIL
  }

  private final Listener listener;
  private State state = State.STATUS;
  private byte[] line = new byte[128];
  private int lineLength;
  private byte[] dashBoundary; // "--" + boundary
  private byte[] delimiter; // "\r\n--" + boundary
  private long contentLength = -1;
  private long timestamp = Long.MIN_VALUE;
  private long remaining;
  private long bodyIndex;
  private int matched;
  private byte last1;
  private byte last2;

  /** A scanner that reports parts to {@code listener}. */
  public MultipartScanner(Listener listener) {
    this.listener = listener;
  }

  /**
   * Consumes every remaining byte of {@code in}, reporting each part completed on the way.
   *
   * @throws MalformedStreamException at the first byte that breaks the format; the scanner is then
   *     unusable
   */
  public void feed(ByteBuffer in) throws MalformedStreamException {
    while (in.hasRemaining()) {
      switch (state) {
        case BODY -> body(in);
        case BODY_SCAN -> scan(in);
        default -> {
          if (readLine(in)) {
            line();
            lineLength = 0;
          }
        }
      }
    }
  }

  private boolean readLine(ByteBuffer in) throws MalformedStreamException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (b == '\n') {
        if (lineLength > 0 && line[lineLength - 1] == '\r') {
          lineLength--;
        }
        return true;
      }
      if (lineLength == line.length) {
        if (line.length >= MAX_LINE) {
          throw new MalformedStreamException(
              "header line longer than " + MAX_LINE + " bytes in state " + state);
        }
        line = Arrays.copyOf(line, line.length * 2);
      }
      line[lineLength++] = b;
    }
    return false;
  }

  private void line() throws MalformedStreamException {
    switch (state) {
      case STATUS -> {
        String status = text(0);
        if (!status.startsWith("HTTP/1.") || status.length() < 12) {
          throw new MalformedStreamException("not an HTTP response: " + status);
        }
        if (!status.startsWith("200", 9)) {
          throw new MalformedStreamException("status is not 200: " + status);
        }
        state = State.HEADERS;
      }
      case HEADERS -> {
        if (lineLength == 0) {
          if (dashBoundary == null) {
            throw new MalformedStreamException(
                "not a multipart stream: no Content-Type with a boundary");
          }
          state = State.BOUNDARY;
        } else if (isHeader(CONTENT_TYPE)) {
          boundary(text(CONTENT_TYPE.length + 1).trim());
        }
      }
      case BOUNDARY -> {
        int length = trimmedLength();
        if (length == 0) {
          return; // the CRLF that ends a body, or a preamble's blank line
        }
        if (startsWith(dashBoundary) && length == dashBoundary.length) {
          startPart();
        } else if (startsWith(dashBoundary) && length == dashBoundary.length + 2) {
          throw new MalformedStreamException("the server ended the multipart stream");
        } else {
          throw new MalformedStreamException(
              "expected "
                  + new String(dashBoundary, StandardCharsets.ISO_8859_1)
                  + ", got: "
                  + abbreviated());
        }
      }
      case PART_HEADERS -> {
        if (lineLength == 0) {
          bodyIndex = 0;
          if (contentLength >= 0) {
            remaining = contentLength;
            state = State.BODY;
            if (remaining == 0) {
              throw new MalformedStreamException("empty part (Content-Length: 0)");
            }
          } else {
            matched = 0;
            state = State.BODY_SCAN;
          }
        } else if (isHeader(CONTENT_LENGTH)) {
          contentLength = number(CONTENT_LENGTH.length + 1);
        } else if (isHeader(X_TIMESTAMP)) {
          timestamp = timestampMicros(X_TIMESTAMP.length + 1);
        }
      }
      case BOUNDARY_TAIL -> {
        int length = trimmedLength();
        if (length == 0) {
          startPart();
        } else if (length == 2 && line[0] == '-' && line[1] == '-') {
          throw new MalformedStreamException("the server ended the multipart stream");
        } else {
          throw new MalformedStreamException("bad delimiter line: " + abbreviated());
        }
      }
      default -> throw new IllegalStateException(state.toString());
    }
  }

  private void startPart() {
    contentLength = -1;
    timestamp = Long.MIN_VALUE;
    state = State.PART_HEADERS;
  }

  private void body(ByteBuffer in) throws MalformedStreamException {
    int position = in.position();
    int n = (int) Math.min(remaining, in.remaining());
    for (int i = 0; i < n && bodyIndex + i < 2; i++) {
      checkStart(bodyIndex + i, in.get(position + i));
    }
    if (n >= 2) {
      last1 = in.get(position + n - 2);
      last2 = in.get(position + n - 1);
    } else {
      last1 = last2;
      last2 = in.get(position);
    }
    in.position(position + n);
    remaining -= n;
    bodyIndex += n;
    if (remaining == 0) {
      if (last1 != (byte) 0xFF || last2 != (byte) 0xD9) {
        throw new MalformedStreamException(
            "part of Content-Length " + contentLength + " does not end a JPEG (no FF D9)");
      }
      listener.part(contentLength, timestamp);
      state = State.BOUNDARY;
    }
  }

  private void scan(ByteBuffer in) throws MalformedStreamException {
    while (in.hasRemaining()) {
      byte b = in.get();
      if (bodyIndex < 2) {
        checkStart(bodyIndex, b);
      }
      bodyIndex++;
      if (b == delimiter[matched]) {
        if (++matched == delimiter.length) {
          listener.part(bodyIndex - delimiter.length, timestamp);
          state = State.BOUNDARY_TAIL;
          return;
        }
      } else {
        matched = b == '\r' ? 1 : 0;
      }
    }
  }

  private static void checkStart(long index, byte b) throws MalformedStreamException {
    if (b != (index == 0 ? (byte) 0xFF : (byte) 0xD8)) {
      throw new MalformedStreamException("part does not start a JPEG (no FF D8)");
    }
  }

  private void boundary(String contentType) throws MalformedStreamException {
    String lower = contentType.toLowerCase(Locale.ROOT);
    if (!lower.startsWith("multipart/")) {
      throw new MalformedStreamException("not a multipart stream: Content-Type: " + contentType);
    }
    int at = lower.indexOf("boundary=");
    if (at < 0) {
      throw new MalformedStreamException("no boundary in Content-Type: " + contentType);
    }
    String value = contentType.substring(at + "boundary=".length());
    int end = value.indexOf(';');
    value = (end < 0 ? value : value.substring(0, end)).trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    if (value.startsWith("--")) {
      value = value.substring(2); // some servers put the dashes in the parameter too
    }
    if (value.isEmpty()) {
      throw new MalformedStreamException("empty boundary in Content-Type: " + contentType);
    }
    dashBoundary = ascii("--" + value);
    delimiter = ascii("\r\n--" + value);
  }

  private boolean isHeader(byte[] lowerName) {
    if (lineLength <= lowerName.length || line[lowerName.length] != ':') {
      return false;
    }
    for (int i = 0; i < lowerName.length; i++) {
      byte b = line[i];
      if (b >= 'A' && b <= 'Z') {
        b = (byte) (b + ('a' - 'A'));
      }
      if (b != lowerName[i]) {
        return false;
      }
    }
    return true;
  }

  private long number(int from) throws MalformedStreamException {
    int i = skipSpaces(from);
    long value = 0;
    int digits = 0;
    for (; i < lineLength && line[i] >= '0' && line[i] <= '9'; i++, digits++) {
      value = value * 10 + (line[i] - '0');
      if (value > Integer.MAX_VALUE) {
        throw new MalformedStreamException("Content-Length too large: " + abbreviated());
      }
    }
    if (digits == 0 || skipSpaces(i) != lineLength) {
      throw new MalformedStreamException("bad Content-Length: " + abbreviated());
    }
    return value;
  }

  /**
   * X-Timestamp as microseconds since the epoch. Seconds with a fraction ({@code
   * 1764280000.123456}, as uStreamer sends it) are the documented form; a plain integer is read as
   * seconds, milliseconds or microseconds by its size.
   */
  private long timestampMicros(int from) throws MalformedStreamException {
    int i = skipSpaces(from);
    long whole = 0;
    int digits = 0;
    for (; i < lineLength && line[i] >= '0' && line[i] <= '9' && digits < 18; i++, digits++) {
      whole = whole * 10 + (line[i] - '0');
    }
    if (digits == 0) {
      throw new MalformedStreamException("bad X-Timestamp: " + abbreviated());
    }
    if (i < lineLength && line[i] == '.') {
      long fraction = 0;
      int places = 0;
      for (i++; i < lineLength && line[i] >= '0' && line[i] <= '9'; i++) {
        if (places < 6) {
          fraction = fraction * 10 + (line[i] - '0');
          places++;
        }
      }
      for (; places < 6; places++) {
        fraction *= 10;
      }
      return whole * 1_000_000 + fraction;
    }
    if (whole >= 100_000_000_000_000L) {
      return whole; // microseconds
    }
    if (whole >= 100_000_000_000L) {
      return whole * 1000; // milliseconds
    }
    return whole * 1_000_000;
  }

  private int skipSpaces(int from) {
    int i = from;
    while (i < lineLength && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return i;
  }

  private int trimmedLength() {
    int length = lineLength;
    while (length > 0 && (line[length - 1] == ' ' || line[length - 1] == '\t')) {
      length--;
    }
    return length;
  }

  private boolean startsWith(byte[] prefix) {
    if (lineLength < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (line[i] != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private String text(int from) {
    return new String(line, from, lineLength - from, StandardCharsets.ISO_8859_1);
  }

  private String abbreviated() {
    String text = text(0);
    return text.length() > 80 ? text.substring(0, 80) + "..." : text;
  }

  private static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
