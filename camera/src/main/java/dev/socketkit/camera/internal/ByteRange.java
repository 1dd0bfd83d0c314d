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
public record ByteRange(long first, long last) implements RangeSelection {
  /**
   * Reads one {@code Range} header (RFC 9110 section 14.1.2: {@code bytes=A-B}, {@code bytes=A-},
   * {@code bytes=-N}) against a file of {@code size} bytes. A malformed header is ignored (section
   * 14.2), and so are several ranges: the whole file is sent.
   *
   * @param header the header's value, or null when the request has none
   */
  public static RangeSelection parse(String header, long size) {
    if (header == null) {
      return RangeSelection.WHOLE;
    }
    String value = header.trim();
    if (!value.startsWith("bytes=") || value.indexOf(',') >= 0) {
      return RangeSelection.WHOLE;
    }
    String spec = value.substring("bytes=".length()).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return RangeSelection.WHOLE;
    }
    try {
      String a = spec.substring(0, dash).trim();
      String b = spec.substring(dash + 1).trim();
      if (a.isEmpty()) {
        long suffix = Long.parseLong(b);
        if (suffix <= 0 || size == 0) {
          return RangeSelection.UNSATISFIABLE;
        }
        return new ByteRange(Math.max(0, size - suffix), size - 1);
      }
      long first = Long.parseLong(a);
      long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
      if (first < 0 || first > last) {
        return first >= size ? RangeSelection.UNSATISFIABLE : RangeSelection.WHOLE;
      }
      return new ByteRange(first, last);
    } catch (NumberFormatException e) {
      return RangeSelection.WHOLE; // a malformed range is ignored (RFC 9110 section 14.2)
    }
  }

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
