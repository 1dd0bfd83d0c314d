package dev.socketkit.camera.internal;

/**
 * One satisfiable byte range of a file of known length, as a {@code Range: bytes=} header selects
 * it (RFC 9110 section 14.1.2): the first and the last byte, both inclusive. Immutable.
 *
 * <p>Parsing a header yields one of three answers, and a range is only the third: ignore the header
 * and send the whole file (malformed, several ranges), answer 416 (unsatisfiable), or send this
 * range with 206.
 *
 * @param first the offset of the first byte sent, {@code >= 0}
 * @param last the offset of the last byte sent, {@code >= first}
 */
public record ByteRange(long first, long last) {
  /** Checks {@code 0 <= first <= last}. */
  public ByteRange {
    if (first < 0 || last < first) {
      throw new IllegalArgumentException(
          "byte range: " + first + "-" + last + " (expected: 0 <= first <= last)");
    }
  }

  /** How many bytes the range holds. */
  public long length() {
    return last - first + 1;
  }

  /** The {@code Content-Range} value for this range of a file of {@code total} bytes. */
  public String contentRange(long total) {
    return "bytes " + first + "-" + last + "/" + total;
  }
}
