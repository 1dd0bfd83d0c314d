package dev.socketkit.camera.internal.mp4;

import java.io.ByteArrayOutputStream;
import java.util.Locale;

/**
 * What an H.264 sequence parameter set says about the pictures (H.264 7.3.2.1.1): profile, level,
 * chroma format and bit depth, and the displayed size after frame cropping.
 *
 * @param profileIdc profile_idc (66 baseline, 77 main, 100 high, ...)
 * @param constraintFlags the byte of constraint_set flags after profile_idc
 * @param levelIdc level_idc, ten times the level (31 is level 3.1)
 * @param chromaFormatIdc chroma_format_idc (1 is 4:2:0)
 * @param bitDepthLuma luma bits per sample
 * @param bitDepthChroma chroma bits per sample
 * @param width displayed width in pixels, after cropping
 * @param height displayed height in pixels, after cropping
 */
public record Sps(
    int profileIdc,
    int constraintFlags,
    int levelIdc,
    int chromaFormatIdc,
    int bitDepthLuma,
    int bitDepthChroma,
    int width,
    int height) {

  /**
   * Parses a sequence parameter set NAL unit as it is in the stream (with its header byte and its
   * emulation prevention bytes). Stateless; any thread.
   *
   * @throws IllegalArgumentException if {@code nal} is not an SPS or ends before the size fields
   */
  public static Sps parse(byte[] nal) {
    if (nal.length < 4 || AnnexB.type(nal) != AnnexB.SPS) {
      throw new IllegalArgumentException(
          "nal: not a sequence parameter set (type "
              + (nal.length == 0 ? "none" : AnnexB.type(nal))
              + ", expected: 7)");
    }
    Bits bits = new Bits(unescape(nal));
    bits.skip(8); // the NAL header
    int profile = bits.u(8);
    int constraints = bits.u(8);
    int level = bits.u(8);
    bits.ue(); // seq_parameter_set_id
    int chromaFormat = 1; // 4:2:0 unless a high profile says otherwise
    boolean separateColourPlanes = false;
    int bitDepthLuma = 8;
    int bitDepthChroma = 8;
    if (hasChromaInfo(profile)) {
      chromaFormat = bits.ue();
      if (chromaFormat == 3) {
        separateColourPlanes = bits.u(1) == 1;
      }
      bitDepthLuma = 8 + bits.ue();
      bitDepthChroma = 8 + bits.ue();
      bits.skip(1); // qpprime_y_zero_transform_bypass_flag
      if (bits.u(1) == 1) { // seq_scaling_matrix_present_flag
        int lists = chromaFormat != 3 ? 8 : 12;
        for (int i = 0; i < lists; i++) {
          if (bits.u(1) == 1) {
            skipScalingList(bits, i < 6 ? 16 : 64);
          }
        }
      }
    }
    bits.ue(); // log2_max_frame_num_minus4
    int pocType = bits.ue();
    if (pocType == 0) {
      bits.ue(); // log2_max_pic_order_cnt_lsb_minus4
    } else if (pocType == 1) {
      bits.skip(1); // delta_pic_order_always_zero_flag
      bits.se(); // offset_for_non_ref_pic
      bits.se(); // offset_for_top_to_bottom_field
      int cycle = bits.ue();
      for (int i = 0; i < cycle; i++) {
        bits.se();
      }
    }
    bits.ue(); // max_num_ref_frames
    bits.skip(1); // gaps_in_frame_num_value_allowed_flag
    int widthMbs = bits.ue() + 1;
    int heightMapUnits = bits.ue() + 1;
    int frameMbsOnly = bits.u(1);
    if (frameMbsOnly == 0) {
      bits.skip(1); // mb_adaptive_frame_field_flag
    }
    bits.skip(1); // direct_8x8_inference_flag
    int width = widthMbs * 16;
    int height = (2 - frameMbsOnly) * heightMapUnits * 16;
    if (bits.u(1) == 1) { // frame_cropping_flag; offsets in chroma units (7.4.2.1.1)
      int left = bits.ue();
      int right = bits.ue();
      int top = bits.ue();
      int bottom = bits.ue();
      int chromaArrayType = separateColourPlanes ? 0 : chromaFormat;
      int unitX = chromaArrayType == 0 || chromaArrayType == 3 ? 1 : 2;
      int unitY = (chromaArrayType == 1 ? 2 : 1) * (2 - frameMbsOnly);
      width -= (left + right) * unitX;
      height -= (top + bottom) * unitY;
    }
    if (width <= 0 || height <= 0) {
      throw new IllegalArgumentException("nal: SPS gives a size of " + width + "x" + height);
    }
    return new Sps(
        profile, constraints, level, chromaFormat, bitDepthLuma, bitDepthChroma, width, height);
  }

  /** The codec string for MSE and HLS ({@code avc1.PPCCLL}, RFC 6381), e.g. {@code avc1.64001f}. */
  public String codec() {
    return String.format(Locale.ROOT, "avc1.%02x%02x%02x", profileIdc, constraintFlags, levelIdc);
  }

  /** Whether the SPS of {@code profile} carries chroma format and bit depth (7.3.2.1.1). */
  static boolean hasChromaInfo(int profile) {
    return switch (profile) {
      case 100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135 -> true;
      default -> false;
    };
  }

  private static void skipScalingList(Bits bits, int size) {
    int last = 8;
    int next = 8;
    for (int j = 0; j < size; j++) {
      if (next != 0) {
        next = (last + bits.se() + 256) % 256;
      }
      last = next == 0 ? last : next;
    }
  }

  /** The RBSP of {@code nal}: every {@code 03} after {@code 00 00} removed (7.4.1). */
  static byte[] unescape(byte[] nal) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(nal.length);
    int zeros = 0;
    for (byte b : nal) {
      if (zeros >= 2 && b == 3) {
        zeros = 0;
        continue;
      }
      zeros = b == 0 ? zeros + 1 : 0;
      out.write(b);
    }
    return out.toByteArray();
  }

  /** A big-endian bit reader with exp-Golomb codes (9.1). */
  private static final class Bits {
    private final byte[] data;
    private long position; // in bits

    Bits(byte[] data) {
      this.data = data;
    }

    int u(int n) {
      int value = 0;
      for (int i = 0; i < n; i++) {
        value = (value << 1) | bit();
      }
      return value;
    }

    void skip(int n) {
      u(n);
    }

    int ue() {
      int zeros = 0;
      while (bit() == 0) {
        zeros++;
        if (zeros > 30) {
          throw new IllegalArgumentException("nal: exp-Golomb code longer than 31 bits");
        }
      }
      return (int) ((1L << zeros) - 1 + u(zeros));
    }

    int se() {
      int k = ue();
      return (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
    }

    private int bit() {
      int index = (int) (position >>> 3);
      if (index >= data.length) {
        throw new IllegalArgumentException("nal: SPS ends too soon");
      }
      int value = (data[index] >> (7 - (int) (position & 7))) & 1;
      position++;
      return value;
    }
  }
}
