package dev.socketkit.camera.internal.mp4;

import java.util.List;

/**
 * Writes one H.264 track as fragmented MP4 (ISO/IEC 14496-12, 14496-15): an init segment, then
 * media fragments of one or more pictures each.
 *
 * <p>The init segment is {@code ftyp} + {@code moov} with one video track, its {@code avcC} built
 * from the SPS and PPS, empty sample tables and {@code mvex}/{@code trex}; a player needs it once,
 * before any fragment. A fragment is an optional {@code prft} (the capture time of its first
 * picture, so a viewer can tell how old it is) + {@code moof} ({@code mfhd} sequence number, {@code
 * tfhd} with default-base-is-moof, {@code tfdt} base decode time, {@code trun} with data offset and
 * each sample's duration, size and sync flag) + {@code mdat} holding the NAL units with 4-byte
 * lengths (parameter sets and delimiters left out: they live in {@code avcC}). The SPS and PPS are
 * fixed for the writer's life; a stream that changes them needs a new writer and init segment.
 * Pictures are in decode order and displayed in that order (no B-frames: ffmpeg runs with {@code
 * -bf 0}, so composition time equals decode time and no {@code ctts} is needed).
 *
 * <p>Threading: not thread-safe; one thread writes the fragments of one track, in order. The
 * returned arrays are new and belong to the caller, who may send the same array to every viewer.
 */
public final class Fmp4Writer {
  /* Brands: major 'iso6' because fragments use tfdt and prft, which came with iso6; 'iso5' for
   * default-base-is-moof; 'avc1' for the H.264 track; 'mp41' for older demuxers. 'cmfc' (CMAF) is
   * left out until a CMAF validator has passed our output: a brand is a promise to the player. */
  private static final String[] BRANDS = {"iso6", "iso5", "avc1", "mp41"};

  /** Media timescale: 90 kHz, the clock of MPEG transport streams and RTP video. */
  public static final int TIMESCALE = 90_000;

  /** The one track's ID. */
  static final int TRACK_ID = 1;

  /** sample_flags of a sync sample: depends on no other picture (sample_depends_on = 2). */
  static final int KEYFRAME_FLAGS = 0x0200_0000;

  /** sample_flags of other pictures: depends on others (1), is_non_sync_sample set. */
  static final int NON_SYNC_FLAGS = 0x0101_0000;

  /** prft flags 24: the time is when the picture was captured (ISO/IEC 14496-12:2022). */
  static final int PRFT_CAPTURED = 24;

  /** Seconds from the NTP epoch (1900) to the Unix epoch (1970). */
  static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

  private final Sps sps;
  private final byte[] spsNal;
  private final byte[] ppsNal;
  private int sequenceNumber;
  private long decodeTime;

  /**
   * A writer for the stream these parameter sets describe.
   *
   * @param spsNal the sequence parameter set NAL unit, as in the stream
   * @param ppsNal the picture parameter set NAL unit, as in the stream
   * @throws IllegalArgumentException if {@code spsNal} is not a readable SPS or {@code ppsNal} not
   *     a PPS
   */
  public Fmp4Writer(byte[] spsNal, byte[] ppsNal) {
    this.sps = Sps.parse(spsNal);
    if (ppsNal.length < 2 || AnnexB.type(ppsNal) != AnnexB.PPS) {
      throw new IllegalArgumentException("ppsNal: not a picture parameter set (expected: type 8)");
    }
    if (spsNal.length > 0xFFFF || ppsNal.length > 0xFFFF) {
      throw new IllegalArgumentException("spsNal, ppsNal: longer than 65535 bytes");
    }
    this.spsNal = spsNal.clone();
    this.ppsNal = ppsNal.clone();
  }

  /** What the SPS says: size, profile, level. */
  public Sps sps() {
    return sps;
  }

  /** The decode time, in {@link #TIMESCALE} units, the next fragment starts at. */
  public long decodeTime() {
    return decodeTime;
  }

  /** The init segment: {@code ftyp} + {@code moov}. The same bytes every call. */
  public byte[] initSegment() {
    Boxes out = new Boxes(1024);
    int ftyp = out.open("ftyp");
    out.fourcc(BRANDS[0]).u32(0);
    for (String brand : BRANDS) {
      out.fourcc(brand);
    }
    out.close(ftyp);
    int moov = out.open("moov");
    int mvhd = out.openFull("mvhd", 0, 0);
    out.u32(0).u32(0).u32(1000).u32(0); // creation, modification, timescale (ms), duration
    out.u32(0x00010000).u16(0x0100).zeros(10); // rate 1.0, volume 1.0, reserved
    out.unityMatrix().zeros(24).u32(TRACK_ID + 1); // pre_defined, next_track_ID
    out.close(mvhd);
    writeTrack(out);
    int mvex = out.open("mvex");
    int trex = out.openFull("trex", 0, 0);
    out.u32(TRACK_ID).u32(1).u32(0).u32(0).u32(0); // description 1; no defaults: trun has all
    out.close(trex);
    out.close(mvex);
    out.close(moov);
    return out.toByteArray();
  }

  private void writeTrack(Boxes out) {
    int trak = out.open("trak");
    int tkhd = out.openFull("tkhd", 0, 0x3); // enabled, in movie
    out.u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0); // times, track, reserved, duration
    out.zeros(8).u16(0).u16(0).u16(0).u16(0); // reserved, layer, group, volume, reserved
    out.unityMatrix().u32((long) sps.width() << 16).u32((long) sps.height() << 16);
    out.close(tkhd);
    int mdia = out.open("mdia");
    int mdhd = out.openFull("mdhd", 0, 0);
    out.u32(0).u32(0).u32(TIMESCALE).u32(0);
    out.u16(0x55C4).u16(0); // language "und" (ISO 639-2, packed 5-bit letters), pre_defined
    out.close(mdhd);
    int hdlr = out.openFull("hdlr", 0, 0);
    out.u32(0)
        .fourcc("vide")
        .zeros(12)
        .bytes(new byte[] {'s', 'o', 'c', 'k', 'e', 't', 'k', 'i', 't', 0});
    out.close(hdlr);
    int minf = out.open("minf");
    int vmhd = out.openFull("vmhd", 0, 1);
    out.zeros(8); // graphicsmode, opcolor
    out.close(vmhd);
    int dinf = out.open("dinf");
    int dref = out.openFull("dref", 0, 0);
    out.u32(1);
    out.close(out.openFull("url ", 0, 1)); // flag 1: the media is in this file
    out.close(dref);
    out.close(dinf);
    int stbl = out.open("stbl");
    int stsd = out.openFull("stsd", 0, 0);
    out.u32(1);
    writeSampleEntry(out);
    out.close(stsd);
    int stts = out.openFull("stts", 0, 0);
    out.u32(0);
    out.close(stts);
    int stsc = out.openFull("stsc", 0, 0);
    out.u32(0);
    out.close(stsc);
    int stsz = out.openFull("stsz", 0, 0);
    out.u32(0).u32(0);
    out.close(stsz);
    int stco = out.openFull("stco", 0, 0);
    out.u32(0);
    out.close(stco);
    out.close(stbl);
    out.close(minf);
    out.close(mdia);
    out.close(trak);
  }

  private void writeSampleEntry(Boxes out) {
    int avc1 = out.open("avc1");
    out.zeros(6).u16(1); // reserved, data_reference_index
    out.zeros(16).u16(sps.width()).u16(sps.height()); // pre_defined and reserved
    out.u32(0x00480000).u32(0x00480000).u32(0).u16(1); // 72 dpi, reserved, frame_count
    out.zeros(32).u16(0x0018).u16(0xFFFF); // compressorname, depth, pre_defined -1
    int avcc = out.open("avcC"); // AVCDecoderConfigurationRecord, ISO/IEC 14496-15 5.3.3.1
    out.u8(1).u8(sps.profileIdc()).u8(sps.constraintFlags()).u8(sps.levelIdc());
    out.u8(0xFF); // lengthSizeMinusOne = 3: 4-byte lengths in mdat
    out.u8(0xE1).u16(spsNal.length).bytes(spsNal);
    out.u8(1).u16(ppsNal.length).bytes(ppsNal);
    if (Sps.hasChromaInfo(sps.profileIdc())) {
      out.u8(0xFC | sps.chromaFormatIdc());
      out.u8(0xF8 | (sps.bitDepthLuma() - 8)).u8(0xF8 | (sps.bitDepthChroma() - 8));
      out.u8(0); // no SPS extensions
    }
    out.close(avcc);
    out.close(avc1);
  }

  /**
   * One picture of a fragment.
   *
   * @param picture the picture's NAL units
   * @param duration how long it shows, in {@link #TIMESCALE} units (3000 at 30 fps)
   */
  public record Sample(AccessUnit picture, int duration) {
    /** Checks the duration. */
    public Sample {
      if (duration <= 0) {
        throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
      }
    }
  }

  /**
   * The next media fragment: {@code moof} + {@code mdat} for {@code samples}, in decode order,
   * preceded by a {@code prft} with {@code captureEpochMicros} when that is not negative. Advances
   * the sequence number and the decode time.
   *
   * @param samples one picture (the live view) or more (an HLS segment); a fragment a player can
   *     start at begins with a keyframe
   * @param captureEpochMicros capture time of the first picture, microseconds since the Unix epoch,
   *     or -1 for no {@code prft}
   * @throws IllegalArgumentException if {@code samples} is empty or over 2 GiB
   */
  public byte[] fragment(List<Sample> samples, long captureEpochMicros) {
    if (samples.isEmpty()) {
      throw new IllegalArgumentException("samples: empty (expected: at least one)");
    }
    long payload = 0;
    for (Sample sample : samples) {
      payload += sampleSize(sample.picture());
    }
    if (payload > Integer.MAX_VALUE - 4096L - 16L * samples.size()) {
      throw new IllegalArgumentException("samples: " + payload + " bytes (expected: < 2 GiB)");
    }
    sequenceNumber++;
    Boxes out = new Boxes((int) payload + 256 + 12 * samples.size());
    if (captureEpochMicros >= 0) {
      int prft = out.openFull("prft", 1, PRFT_CAPTURED);
      out.u32(TRACK_ID).u64(ntp(captureEpochMicros)).u64(decodeTime);
      out.close(prft);
    }
    int moof = out.open("moof");
    int mfhd = out.openFull("mfhd", 0, 0);
    out.u32(sequenceNumber);
    out.close(mfhd);
    int traf = out.open("traf");
    int tfhd = out.openFull("tfhd", 0, 0x020000); // default-base-is-moof
    out.u32(TRACK_ID);
    out.close(tfhd);
    int tfdt = out.openFull("tfdt", 1, 0); // version 1: a 64-bit decode time never wraps
    out.u64(decodeTime);
    out.close(tfdt);
    // data offset, then per sample duration, size and flags
    int trun = out.openFull("trun", 0, 0x000001 | 0x000100 | 0x000200 | 0x000400);
    out.u32(samples.size());
    int dataOffsetAt = out.length();
    out.u32(0); // data_offset, set below
    for (Sample sample : samples) {
      out.u32(sample.duration()).u32(sampleSize(sample.picture()));
      out.u32(sample.picture().isKeyframe() ? KEYFRAME_FLAGS : NON_SYNC_FLAGS);
      decodeTime += sample.duration();
    }
    out.close(trun);
    out.close(traf);
    out.close(moof);
    // From the first byte of moof to the first sample, past the 8-byte mdat header.
    out.setU32(dataOffsetAt, out.length() - moof + 8);
    int mdat = out.open("mdat");
    for (Sample sample : samples) {
      for (byte[] nal : sample.picture().nalUnits()) {
        if (inSample(nal)) {
          out.u32(nal.length).bytes(nal);
        }
      }
    }
    out.close(mdat);
    return out.toByteArray();
  }

  /**
   * Whether {@code nal} goes into the sample: not access unit delimiters, which MP4 has no use for,
   * nor SPS and PPS, which an {@code avc1} track keeps in its sample entry (ISO/IEC 14496-15
   * 5.3.2); slices and SEI do.
   */
  static boolean inSample(byte[] nal) {
    int type = AnnexB.type(nal);
    return type != AnnexB.AUD && type != AnnexB.SPS && type != AnnexB.PPS;
  }

  /** The sample's size in {@code mdat}: each NAL unit it keeps after a 4-byte length. */
  static int sampleSize(AccessUnit picture) {
    int size = 0;
    for (byte[] nal : picture.nalUnits()) {
      if (inSample(nal)) {
        size += 4 + nal.length;
      }
    }
    return size;
  }

  /** A Unix time in microseconds as a 64-bit NTP timestamp (RFC 5905: seconds.fraction/2^32). */
  static long ntp(long epochMicros) {
    long seconds = epochMicros / 1_000_000L + NTP_UNIX_OFFSET_SECONDS;
    long fraction = ((epochMicros % 1_000_000L) << 32) / 1_000_000L;
    return (seconds << 32) | fraction;
  }
}
