package dev.socketkit.camera.internal.h264;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.AccessUnitReader;
import dev.socketkit.camera.internal.mp4.AnnexB;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.List;

/*
 * Design notes.
 *
 * The pictures come from ffmpeg's -c:v copy of the source's own H.264, so there is no capture time
 * but the arrival: a picture is complete when the next one's first NAL unit arrives (see
 * AccessUnitReader), and it is stamped then. Its duration is the time since the previous picture
 * arrived, so the sum of the durations, tfdt, follows wall time without drifting (the first picture
 * gets a nominal 1/30 s).
 *
 * B-frames: Fmp4Writer writes pictures in decode order with composition time equal to decode time
 * (no ctts), which is right only without B-frames. Cameras (RTSP, V4L2) send none; files often
 * have them. A B-slice ends the copy with BFramesException, and the source falls back to
 * re-encoding for the rest of its life.
 */

/**
 * Publishes H.264 that a source already has (an {@code ffmpeg:} input copied with {@code -c:v copy}
 * to Annex-B) into the camera's {@link FragmentHub}, without re-encoding: one fragment per picture,
 * the same path the {@link H264Encoder}'s output takes.
 *
 * <p>It reads all the time (so the child never blocks on this output) but publishes only while the
 * {@link H264Owner} lets the source own the hub; it then starts a stream at the next keyframe that
 * carries its SPS and PPS ({@link FragmentHub#publishInit}), and resets the hub when the stream
 * ends. Threading: one thread calls {@link #copy}; not thread-safe.
 */
public final class H264Copy {
  /** The duration of the first picture, 90 kHz units: 1/30 s. */
  static final int FIRST_DURATION = Fmp4Writer.TIMESCALE / 30;

  /** The longest duration given to one picture, 90 kHz units: 10 s. */
  static final int MAX_DURATION = 10 * Fmp4Writer.TIMESCALE;

  /** The input has B-frames, which the fragments cannot carry; the source re-encodes instead. */
  public static final class BFramesException extends IOException {
    private static final long serialVersionUID = 1L;

    BFramesException() {
      super("the H.264 input has B-frames, which are not passed through; re-encoding it");
    }
  }

  private final FragmentHub fragments;
  private final H264Owner owner;
  private long pictures;

  /** A copier into {@code fragments}, publishing while {@code owner} lets the source. */
  public H264Copy(FragmentHub fragments, H264Owner owner) {
    this.fragments = fragments;
    this.owner = owner;
  }

  /** How many pictures were read (published or not). */
  public long pictures() {
    return pictures;
  }

  /**
   * Reads Annex-B pictures from {@code in} until it ends, publishing them while the source owns the
   * hub; resets the hub when it published anything. Does not close {@code in}.
   *
   * @throws BFramesException at the first B-slice
   * @throws IOException if reading fails
   */
  public void copy(InputStream in) throws IOException {
    AccessUnitReader reader = new AccessUnitReader(in);
    Fmp4Writer writer = null;
    byte[] sps = null;
    byte[] pps = null;
    boolean owned = false;
    long lastCapture = Long.MIN_VALUE;
    try {
      AccessUnit picture;
      while ((picture = reader.next()) != null) {
        long arrival = FrameHub.nowMicros();
        pictures++;
        if (hasBSlice(picture)) {
          throw new BFramesException();
        }
        byte[] newSps = picture.find(AnnexB.SPS);
        byte[] newPps = picture.find(AnnexB.PPS);
        if (!owned) {
          if (!owner.sourceOwns()) {
            continue; // the encoder still fills the hub (NO SIGNAL); it is stopping
          }
          owned = true;
        }
        if (newSps != null
            && newPps != null
            && picture.isKeyframe()
            && (writer == null || !Arrays.equals(newSps, sps) || !Arrays.equals(newPps, pps))) {
          sps = newSps;
          pps = newPps;
          writer = new Fmp4Writer(sps, pps);
          fragments.publishInit(writer.initSegment(), writer.sps().codec());
          lastCapture = Long.MIN_VALUE;
        }
        if (writer == null) {
          continue; // no keyframe with parameter sets yet: nothing a player could decode
        }
        int duration = FIRST_DURATION;
        long capture = arrival;
        if (lastCapture != Long.MIN_VALUE) {
          capture = Math.max(arrival, lastCapture + 1);
          long ticks = (capture - lastCapture) * Fmp4Writer.TIMESCALE / 1_000_000L;
          duration = (int) Math.max(1, Math.min(ticks, MAX_DURATION));
        }
        lastCapture = capture;
        long decodeTime = writer.decodeTime();
        byte[] bytes = writer.fragment(List.of(new Fmp4Writer.Sample(picture, duration)), capture);
        fragments.publish(bytes, picture.isKeyframe(), decodeTime, duration, capture);
      }
    } catch (IllegalArgumentException e) {
      throw new IOException("unreadable H.264 parameter sets: " + e.getMessage(), e);
    } finally {
      if (owned) {
        fragments.reset();
      }
    }
  }

  /** Whether a slice of {@code picture} is a B-slice (H.264 7.3.3, Table 7-6). */
  static boolean hasBSlice(AccessUnit picture) {
    for (byte[] nal : picture.nalUnits()) {
      int type = AnnexB.type(nal);
      if ((type == AnnexB.NON_IDR_SLICE || type == AnnexB.IDR_SLICE) && sliceType(nal) % 5 == 1) {
        return true;
      }
    }
    return false;
  }

  /**
   * The slice_type of a slice NAL unit, or -1 when it cannot be read: the second exp-Golomb code of
   * the slice header, after first_mb_in_slice. Emulation prevention bytes need no removal here: one
   * follows two zero bytes, and the first two codes hold sixteen zero bits in a row only for a
   * slice starting beyond macroblock 65534.
   */
  static int sliceType(byte[] nal) {
    int[] position = {8}; // after the NAL header byte
    if (ue(nal, position) < 0) {
      return -1;
    }
    return ue(nal, position);
  }

  /** Reads one unsigned exp-Golomb code at the bit {@code position[0]}; -1 past the end. */
  private static int ue(byte[] nal, int[] position) {
    int zeros = 0;
    while (true) {
      int bit = bit(nal, position[0]++);
      if (bit < 0 || zeros > 30) {
        return -1;
      }
      if (bit == 1) {
        break;
      }
      zeros++;
    }
    int value = 0;
    for (int i = 0; i < zeros; i++) {
      int bit = bit(nal, position[0]++);
      if (bit < 0) {
        return -1;
      }
      value = (value << 1) | bit;
    }
    return (1 << zeros) - 1 + value;
  }

  private static int bit(byte[] nal, int position) {
    int index = position >>> 3;
    if (index >= nal.length) {
      return -1;
    }
    return (nal[index] >>> (7 - (position & 7))) & 1;
  }
}
