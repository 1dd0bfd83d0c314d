package dev.socketkit.camera.internal.mp4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class SpsTest {
  /*
   * Real SPS NAL units, emulation prevention bytes (00 00 03) included, as ffmpeg 5.1 with libx264
   * wrote them for one frame of testsrc:
   *   ffmpeg -f lavfi -i testsrc=size=WxH:rate=30 -frames:v 1 -c:v libx264 -pix_fmt yuv420p \
   *       [-profile:v baseline] -f h264 out.h264
   * and the bytes between the first and second start codes.
   */
  static final byte[] HIGH_1920X1080 =
      HexFormat.of().parseHex("67640028acd940780227e5c044000003000400000300f03c60c658");
  static final byte[] HIGH_330X250 =
      HexFormat.of().parseHex("6764000dacd9415087924c0440000003004000000f03c50a6580");
  static final byte[] BASELINE_176X144 =
      HexFormat.of().parseHex("6742c00bd902c4ec0440000003004000000f03c50a92");
  static final byte[] PPS = HexFormat.of().parseHex("68cb83cb20");

  @Test
  void readsHighProfile1080pWithItsEightCroppedRows() {
    Sps sps = Sps.parse(HIGH_1920X1080);
    assertThat(sps.width()).isEqualTo(1920);
    assertThat(sps.height()).isEqualTo(1080); // 68 macroblock rows = 1088, cropped by 8
    assertThat(sps.profileIdc()).isEqualTo(100);
    assertThat(sps.levelIdc()).isEqualTo(40);
    assertThat(sps.chromaFormatIdc()).isEqualTo(1);
    assertThat(sps.bitDepthLuma()).isEqualTo(8);
    assertThat(sps.codec()).isEqualTo("avc1.640028");
  }

  @Test
  void readsASizeThatIsNoMultipleOfSixteenFromTheCropping() {
    Sps sps = Sps.parse(HIGH_330X250);
    assertThat(sps.width()).isEqualTo(330);
    assertThat(sps.height()).isEqualTo(250);
    assertThat(sps.levelIdc()).isEqualTo(13);
  }

  @Test
  void readsBaselineWhichHasNoChromaFields() {
    Sps sps = Sps.parse(BASELINE_176X144);
    assertThat(sps.width()).isEqualTo(176);
    assertThat(sps.height()).isEqualTo(144);
    assertThat(sps.profileIdc()).isEqualTo(66);
    assertThat(sps.constraintFlags()).isEqualTo(0xC0);
    assertThat(sps.codec()).isEqualTo("avc1.42c00b");
  }

  @Test
  void removesEmulationPreventionBytesOnlyAfterTwoZeros() {
    byte[] escaped = HexFormat.of().parseHex("00000301000003000003");
    assertThat(Sps.unescape(escaped)).isEqualTo(HexFormat.of().parseHex("00000100000000"));
    assertThat(Sps.unescape(HexFormat.of().parseHex("000103"))).hasSize(3);
  }

  @Test
  void refusesWhatIsNotAnSpsOrEndsTooSoon() {
    assertThatThrownBy(() -> Sps.parse(PPS)).hasMessageContaining("type 8");
    assertThatThrownBy(() -> Sps.parse(HexFormat.of().parseHex("6764002800")))
        .hasMessageContaining("ends too soon");
  }
}
