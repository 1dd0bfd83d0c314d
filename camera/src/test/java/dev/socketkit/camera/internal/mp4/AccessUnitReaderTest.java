package dev.socketkit.camera.internal.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessUnitReaderTest {
  private static final byte[] AUD = HexFormat.of().parseHex("0910");
  private static final byte[] IDR = HexFormat.of().parseHex("6588840000030001"); // first_mb 0
  private static final byte[] IDR_SECOND_SLICE = HexFormat.of().parseHex("65188422");
  private static final byte[] P = HexFormat.of().parseHex("419a2438");

  /** Annex-B: three- and four-byte start codes, trailing zeros, bytes before the first code. */
  private static byte[] stream() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(HexFormat.of().parseHex("ff00")); // garbage before the first start code
    for (byte[] nal :
        List.of(SpsTest.BASELINE_176X144, SpsTest.PPS, IDR, IDR_SECOND_SLICE, AUD, P, AUD, P, P)) {
      out.writeBytes(nal == IDR || nal == P ? new byte[] {0, 0, 1} : new byte[] {0, 0, 0, 1});
      out.writeBytes(nal);
    }
    out.writeBytes(new byte[] {0, 0}); // trailing_zero_8bits
    return out.toByteArray();
  }

  @Test
  void splitsNalUnitsKeepingEmulationPreventionBytes() {
    List<byte[]> units = AnnexB.split(stream());
    assertThat(units).hasSize(9);
    assertThat(units.get(0)).isEqualTo(SpsTest.BASELINE_176X144);
    assertThat(units.get(2)).isEqualTo(IDR); // 00 00 03 kept, as MP4 stores it
    assertThat(units.get(8)).isEqualTo(P);
  }

  @Test
  void groupsNalUnitsIntoPicturesEvenWhenBytesArriveOneAtATime() throws IOException {
    for (InputStream in : List.of(new ByteArrayInputStream(stream()), new Trickle(stream()))) {
      AccessUnitReader reader = new AccessUnitReader(in);
      List<AccessUnit> pictures = new ArrayList<>();
      AccessUnit unit;
      while ((unit = reader.next()) != null) {
        pictures.add(unit);
      }
      assertThat(pictures).hasSize(4);
      assertThat(pictures.get(0).nalUnits())
          .containsExactly(SpsTest.BASELINE_176X144, SpsTest.PPS, IDR, IDR_SECOND_SLICE);
      assertThat(pictures.get(0).isKeyframe()).isTrue();
      assertThat(pictures.get(0).find(AnnexB.SPS)).isEqualTo(SpsTest.BASELINE_176X144);
      assertThat(pictures.get(1).nalUnits()).containsExactly(AUD, P);
      assertThat(pictures.get(1).isKeyframe()).isFalse();
      assertThat(pictures.get(2).nalUnits()).containsExactly(AUD, P);
      assertThat(pictures.get(3).nalUnits()).containsExactly(P); // no delimiter: first_mb 0
    }
  }

  @Test
  void anEmptyStreamHasNoPicture() throws IOException {
    assertThat(new AccessUnitReader(new ByteArrayInputStream(new byte[0])).next()).isNull();
  }

  /** Returns one byte per read, so every start code straddles two reads. */
  private static final class Trickle extends InputStream {
    private final byte[] data;
    private int at;

    Trickle(byte[] data) {
      this.data = data;
    }

    @Override
    public int read() {
      return at < data.length ? data[at++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (len == 0) {
        return 0;
      }
      int c = read();
      if (c < 0) {
        return -1;
      }
      b[off] = (byte) c;
      return 1;
    }
  }
}
