package dev.socketkit.camera.internal;

/**
 * A picture's size in pixels. Immutable.
 *
 * @param width the width in pixels, 0 when unknown
 * @param height the height in pixels, 0 when unknown
 */
public record Size(int width, int height) {
  /** The size of a picture whose size could not be read. */
  public static final Size UNKNOWN = new Size(0, 0);

  /** Checks that neither side is negative. */
  public Size {
    if (width < 0 || height < 0) {
      throw new IllegalArgumentException(
          "size: " + width + "x" + height + " (expected: no side below 0)");
    }
  }

  /** Whether both sides are known (greater than 0). */
  public boolean known() {
    return width > 0 && height > 0;
  }

  /** {@code WIDTHxHEIGHT}, as the command line writes it. */
  @Override
  public String toString() {
    return width + "x" + height;
  }
}
