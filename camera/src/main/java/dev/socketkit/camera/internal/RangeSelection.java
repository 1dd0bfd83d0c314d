package dev.socketkit.camera.internal;

/**
 * What a {@code Range} header selects of a file ({@link ByteRange#parse}): the whole file (no
 * header, a malformed one, several ranges or another unit: answer 200), nothing (answer 416), or
 * one {@link ByteRange} (answer 206). Immutable.
 */
public sealed interface RangeSelection permits ByteRange, RangeSelection.Whole {
  /** Send the whole file. */
  RangeSelection WHOLE = Whole.FILE;

  /** Answer 416: the range starts past the end, or asks for the last 0 bytes. */
  RangeSelection UNSATISFIABLE = Whole.UNSATISFIABLE;

  /** The two selections that are not a range. */
  enum Whole implements RangeSelection {
    /** Send the whole file. */
    FILE,
    /** Answer 416. */
    UNSATISFIABLE
  }
}
