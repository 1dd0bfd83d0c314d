package dev.socketkit.camera.internal;

/**
 * Reads what the camera needs from JPEG bytes: the image size, and whether the bytes look whole.
 */
public final class Jpeg {
  private Jpeg() {}

  /**
   * The size from the first start-of-frame segment, or {@link Size#UNKNOWN} when the bytes hold
   * none (a truncated or odd file).
   */
  public static Size size(byte[] jpeg) {
    int i = 2;
    while (i + 3 < jpeg.length) {
      if ((jpeg[i] & 0xFF) != 0xFF) {
        return Size.UNKNOWN;
      }
      int marker = jpeg[i + 1] & 0xFF;
      if (marker == 0xFF) {
        i++; // fill byte
        continue;
      }
      if (marker == 0xD8 || marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        i += 2; // markers without a length
        continue;
      }
      int length = ((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF);
      boolean startOfFrame =
          marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (startOfFrame && i + 8 < jpeg.length) {
        int height = ((jpeg[i + 5] & 0xFF) << 8) | (jpeg[i + 6] & 0xFF);
        int width = ((jpeg[i + 7] & 0xFF) << 8) | (jpeg[i + 8] & 0xFF);
        return new Size(width, height);
      }
      if (marker == 0xDA) {
        return Size.UNKNOWN; // start of scan before any frame header
      }
      i += 2 + length;
    }
    return Size.UNKNOWN;
  }

  /** Whether the bytes start with SOI ({@code FF D8}) and end with EOI ({@code FF D9}). */
  public static boolean looksWhole(byte[] jpeg) {
    int n = jpeg.length;
    return n >= 4
        && (jpeg[0] & 0xFF) == 0xFF
        && (jpeg[1] & 0xFF) == 0xD8
        && (jpeg[n - 2] & 0xFF) == 0xFF
        && (jpeg[n - 1] & 0xFF) == 0xD9;
  }
}
