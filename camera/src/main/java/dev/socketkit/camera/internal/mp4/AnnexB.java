package dev.socketkit.camera.internal.mp4;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The H.264 Annex-B byte stream (ITU-T H.264 Annex B), as ffmpeg's {@code -f h264} writes it: NAL
 * units each preceded by a start code {@code 00 00 01} or {@code 00 00 00 01}.
 *
 * <p>NAL units are returned as they are in the stream, emulation prevention bytes ({@code 00 00
 * 03}) left in place: that is also how MP4 stores them ({@code mdat} and {@code avcC}); only the
 * parser of a parameter set ({@link Sps}) removes them. Stateless; any thread.
 */
public final class AnnexB {
  /** nal_unit_type of a non-IDR slice (H.264 Table 7-1). */
  public static final int NON_IDR_SLICE = 1;

  /** nal_unit_type of a slice of an IDR picture, a keyframe. */
  public static final int IDR_SLICE = 5;

  /** nal_unit_type of supplemental enhancement information. */
  public static final int SEI = 6;

  /** nal_unit_type of a sequence parameter set. */
  public static final int SPS = 7;

  /** nal_unit_type of a picture parameter set. */
  public static final int PPS = 8;

  /** nal_unit_type of an access unit delimiter. */
  public static final int AUD = 9;

  private AnnexB() {}

  /** The nal_unit_type (the low five bits of the first byte) of {@code nal}. */
  public static int type(byte[] nal) {
    return nal[0] & 0x1F;
  }

  /** Whether {@code nal} is a slice (nal_unit_type 1 to 5), that is, carries picture data. */
  public static boolean isSlice(byte[] nal) {
    int type = type(nal);
    return type >= 1 && type <= 5;
  }

  /**
   * The NAL units of a whole Annex-B buffer, without their start codes, in order. Bytes before the
   * first start code are skipped; the trailing zero bytes of a unit (the zero_byte of the next
   * four-byte start code, or trailing_zero_8bits) are not part of it.
   */
  public static List<byte[]> split(byte[] stream) {
    List<byte[]> units = new ArrayList<>();
    int start = -1;
    int i = 0;
    while (i + 2 < stream.length) {
      if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 1) {
        if (start >= 0) {
          addTrimmed(units, stream, start, i);
        }
        i += 3;
        start = i;
      } else {
        i++;
      }
    }
    if (start >= 0) {
      addTrimmed(units, stream, start, stream.length);
    }
    return units;
  }

  private static void addTrimmed(List<byte[]> units, byte[] stream, int from, int to) {
    int end = to;
    while (end > from && stream[end - 1] == 0) {
      end--;
    }
    if (end > from) {
      units.add(Arrays.copyOfRange(stream, from, end));
    }
  }

  /**
   * Whether {@code nal} begins a new access unit after one that already holds a slice (H.264
   * 7.4.1.2.3, simplified for one encoder's output without redundant pictures): an access unit
   * delimiter, a parameter set, SEI, or a slice whose first_mb_in_slice is 0 (a slice header that
   * starts with the exp-Golomb code {@code 1}).
   */
  static boolean startsAccessUnit(byte[] nal) {
    int type = type(nal);
    if (type == AUD || type == SPS || type == PPS || type == SEI) {
      return true;
    }
    if (type == NON_IDR_SLICE || type == IDR_SLICE) {
      return nal.length > 1 && (nal[1] & 0x80) != 0;
    }
    return type >= 14 && type <= 18; // reserved types that also open an access unit
  }
}
