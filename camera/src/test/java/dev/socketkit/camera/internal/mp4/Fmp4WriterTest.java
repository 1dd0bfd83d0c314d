package dev.socketkit.camera.internal.mp4;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.mp4.BoxReader.Box;
import java.nio.ByteBuffer;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;

class Fmp4WriterTest {
  private static final byte[] IDR = HexFormat.of().parseHex("65888400000300aa");
  private static final byte[] SEI = HexFormat.of().parseHex("0605ff");
  private static final byte[] P = HexFormat.of().parseHex("419a2438");
  private static final byte[] AUD = HexFormat.of().parseHex("0910");

  private static Fmp4Writer writer() {
    return new Fmp4Writer(SpsTest.HIGH_330X250, SpsTest.PPS);
  }

  private static AccessUnit picture(byte[]... nals) {
    return new AccessUnit(List.of(nals));
  }

  @Test
  void theInitSegmentIsFtypAndMoovWithOneVideoTrack() {
    List<Box> boxes = BoxReader.read(writer().initSegment());
    assertThat(BoxReader.types(boxes)).containsExactly("ftyp", "moov");

    ByteBuffer ftyp = boxes.get(0).body();
    assertThat(BoxReader.fourcc(ftyp)).isEqualTo("iso6");
    assertThat(ftyp.getInt()).isZero();
    assertThat(List.of(BoxReader.fourcc(ftyp), BoxReader.fourcc(ftyp), BoxReader.fourcc(ftyp)))
        .containsExactly("iso6", "iso5", "avc1");

    Box moov = boxes.get(1);
    assertThat(BoxReader.types(moov.children())).containsExactly("mvhd", "trak", "mvex");
    assertThat(moov.child("mvhd").size()).isEqualTo(108); // version 0, ISO/IEC 14496-12 8.2.2
    assertThat(moov.child("mvhd").body().getInt(96)).isEqualTo(2); // next_track_ID

    Box trak = moov.child("trak");
    ByteBuffer tkhd = trak.child("tkhd").body();
    assertThat(trak.child("tkhd").size()).isEqualTo(92);
    assertThat(tkhd.getInt(0) & 0xFFFFFF).isEqualTo(3); // enabled, in movie
    assertThat(tkhd.getInt(12)).isEqualTo(1); // track_ID
    assertThat(tkhd.getInt(76) >>> 16).isEqualTo(330);
    assertThat(tkhd.getInt(80) >>> 16).isEqualTo(250);

    Box mdia = trak.child("mdia");
    assertThat(BoxReader.types(mdia.children())).containsExactly("mdhd", "hdlr", "minf");
    assertThat(mdia.child("mdhd").body().getInt(12)).isEqualTo(90_000); // timescale
    ByteBuffer hdlr = mdia.child("hdlr").body().position(8);
    assertThat(BoxReader.fourcc(hdlr)).isEqualTo("vide");
    assertThat(BoxReader.types(mdia.child("minf").children()))
        .containsExactly("vmhd", "dinf", "stbl");
    assertThat(mdia.path("minf", "dinf").child("dref").size()).isEqualTo(28); // one 'url ' entry

    Box stbl = mdia.path("minf", "stbl");
    assertThat(BoxReader.types(stbl.children()))
        .containsExactly("stsd", "stts", "stsc", "stsz", "stco");
    for (String empty : List.of("stts", "stsc", "stco")) {
      assertThat(stbl.child(empty).size()).as(empty).isEqualTo(16);
      assertThat(stbl.child(empty).body().getInt(4)).as(empty + " entries").isZero();
    }
    assertThat(stbl.child("stsz").size()).isEqualTo(20);

    ByteBuffer stsd = stbl.child("stsd").body();
    assertThat(stsd.getInt(4)).isEqualTo(1);
    List<Box> entries = BoxReader.read(bytes(stsd.position(8)));
    assertThat(BoxReader.types(entries)).containsExactly("avc1");
    ByteBuffer avc1 = entries.get(0).body();
    assertThat(avc1.getShort(6)).isEqualTo((short) 1); // data_reference_index
    assertThat(avc1.getShort(24)).isEqualTo((short) 330);
    assertThat(avc1.getShort(26)).isEqualTo((short) 250);
    List<Box> inside = BoxReader.read(bytes(avc1.position(78)));
    assertThat(BoxReader.types(inside)).containsExactly("avcC");

    ByteBuffer avcc = inside.get(0).body();
    assertThat(avcc.get()).isEqualTo((byte) 1); // configurationVersion
    assertThat(avcc.get() & 0xFF).isEqualTo(100); // profile, as the SPS says
    assertThat(avcc.get() & 0xFF).isZero();
    assertThat(avcc.get() & 0xFF).isEqualTo(13);
    assertThat(avcc.get() & 0x03).isEqualTo(3); // 4-byte NAL lengths
    assertThat(avcc.get() & 0x1F).isEqualTo(1);
    byte[] sps = new byte[avcc.getShort()];
    avcc.get(sps);
    assertThat(sps).isEqualTo(SpsTest.HIGH_330X250);
    assertThat(avcc.get()).isEqualTo((byte) 1);
    byte[] pps = new byte[avcc.getShort()];
    avcc.get(pps);
    assertThat(pps).isEqualTo(SpsTest.PPS);
    assertThat(avcc.get() & 0xFF).isEqualTo(0xFC | 1); // high profile: chroma 4:2:0
    assertThat(avcc.get() & 0xFF).isEqualTo(0xF8); // 8-bit luma
    assertThat(avcc.get() & 0xFF).isEqualTo(0xF8);
    assertThat(avcc.get()).isZero();
    assertThat(avcc.hasRemaining()).isFalse();

    ByteBuffer trex = moov.path("mvex", "trex").body();
    assertThat(trex.getInt(4)).isEqualTo(1); // track_ID
    assertThat(trex.getInt(8)).isEqualTo(1); // sample description index
  }

  @Test
  void aFragmentIsPrftMoofAndMdatWithTheDataOffsetOnTheFirstSample() {
    Fmp4Writer writer = writer();
    long capture = 1_795_817_077_723_150L;
    byte[] fragment =
        writer.fragment(
            List.of(
                new Fmp4Writer.Sample(
                    picture(AUD, SpsTest.HIGH_330X250, SpsTest.PPS, SEI, IDR), 3000),
                new Fmp4Writer.Sample(picture(AUD, P), 3003)),
            capture);
    List<Box> boxes = BoxReader.read(fragment);
    assertThat(BoxReader.types(boxes)).containsExactly("prft", "moof", "mdat");

    ByteBuffer prft = boxes.get(0).body();
    assertThat(prft.getInt() >>> 24).isEqualTo(1); // version 1: 64-bit media time
    assertThat(prft.getInt()).isEqualTo(1);
    long ntp = prft.getLong();
    assertThat(ntp >>> 32).isEqualTo(1_795_817_077L + 2_208_988_800L);
    assertThat(((ntp & 0xFFFFFFFFL) * 1_000_000L) >>> 32).isBetween(723_149L, 723_150L);
    assertThat(prft.getLong()).isZero();

    Box moof = boxes.get(1);
    assertThat(BoxReader.types(moof.children())).containsExactly("mfhd", "traf");
    assertThat(moof.child("mfhd").body().getInt(4)).isEqualTo(1);
    Box traf = moof.child("traf");
    assertThat(BoxReader.types(traf.children())).containsExactly("tfhd", "tfdt", "trun");
    ByteBuffer tfhd = traf.child("tfhd").body();
    assertThat(tfhd.getInt(0) & 0xFFFFFF).isEqualTo(0x020000); // default-base-is-moof
    assertThat(tfhd.getInt(4)).isEqualTo(1);
    ByteBuffer tfdt = traf.child("tfdt").body();
    assertThat(tfdt.getInt(0) >>> 24).isEqualTo(1);
    assertThat(tfdt.getLong(4)).isZero();

    ByteBuffer trun = traf.child("trun").body();
    assertThat(trun.getInt() & 0xFFFFFF).isEqualTo(0x000701);
    assertThat(trun.getInt()).isEqualTo(2);
    int dataOffset = trun.getInt();
    Box mdat = boxes.get(2);
    assertThat(moof.start() + dataOffset).isEqualTo(mdat.start() + 8);
    int firstSize = 4 + SEI.length + 4 + IDR.length; // AUD, SPS and PPS are not samples
    assertThat(trun.getInt()).isEqualTo(3000);
    assertThat(trun.getInt()).isEqualTo(firstSize);
    assertThat(trun.getInt()).isEqualTo(0x0200_0000); // sync
    assertThat(trun.getInt()).isEqualTo(3003);
    assertThat(trun.getInt()).isEqualTo(4 + P.length);
    assertThat(trun.getInt()).isEqualTo(0x0101_0000); // not sync
    assertThat(trun.hasRemaining()).isFalse();

    ByteBuffer data = mdat.body();
    assertThat(data.remaining()).isEqualTo(firstSize + 4 + P.length);
    assertThat(data.getInt()).isEqualTo(SEI.length);
    data.position(data.position() + SEI.length);
    assertThat(data.getInt()).isEqualTo(IDR.length);
    byte[] idr = new byte[IDR.length];
    data.get(idr);
    assertThat(idr).isEqualTo(IDR); // emulation prevention bytes kept
    assertThat(data.getInt()).isEqualTo(P.length);
  }

  @Test
  void eachFragmentAdvancesTheSequenceAndTheDecodeTimeAndMayOmitPrft() {
    Fmp4Writer writer = writer();
    writer.fragment(List.of(new Fmp4Writer.Sample(picture(IDR), 3000)), 1);
    byte[] second = writer.fragment(List.of(new Fmp4Writer.Sample(picture(P), 3000)), -1);
    List<Box> boxes = BoxReader.read(second);
    assertThat(BoxReader.types(boxes)).containsExactly("moof", "mdat");
    Box moof = boxes.get(0);
    assertThat(moof.child("mfhd").body().getInt(4)).isEqualTo(2);
    assertThat(moof.path("traf", "tfdt").body().getLong(4)).isEqualTo(3000);
    assertThat(writer.decodeTime()).isEqualTo(6000);
  }

  @Test
  void refusesNoSamplesAndParameterSetsOfTheWrongType() {
    assertThatThrownBy(() -> writer().fragment(List.of(), -1)).hasMessageContaining("empty");
    assertThatThrownBy(() -> new Fmp4Writer(SpsTest.HIGH_330X250, IDR))
        .hasMessageContaining("picture parameter set");
    assertThatThrownBy(() -> new Fmp4Writer.Sample(picture(P), 0)).hasMessageContaining("duration");
  }

  @Test
  void ntpTimeCountsFrom1900WithABinaryFraction() {
    assertThat(Fmp4Writer.ntp(0) >>> 32).isEqualTo(2_208_988_800L);
    assertThat(Fmp4Writer.ntp(500_000) & 0xFFFFFFFFL).isEqualTo(0x8000_0000L);
  }

  private static byte[] bytes(ByteBuffer buffer) {
    byte[] bytes = new byte[buffer.remaining()];
    buffer.duplicate().get(bytes);
    return bytes;
  }
}
