package dev.socketkit.camera.internal.h264;

/**
 * One moof+mdat: one frame of the camera's fragmented-MP4 stream.
 *
 * <p>Made once by the encoder side and published through a {@link FragmentHub}; every consumer (the
 * {@code /stream.mp4} viewers, the HLS segmenter) sends or copies the same {@code bytes}, which
 * nobody may change. Immutable and safe to pass between threads.
 *
 * @param bytes the fragment as it goes on the wire: an optional {@code prft}, then {@code moof} and
 *     {@code mdat}; shared, never mutated
 * @param keyframe whether the frame is an IDR picture a player can start at
 * @param sequence the hub's number for the fragment: 1 for the first, one more for each next one,
 *     for the hub's whole life (across init segments)
 * @param decodeTime the {@code tfdt} base decode time, in {@link
 *     dev.socketkit.camera.internal.mp4.Fmp4Writer#TIMESCALE} (90 kHz) units since the current init
 *     segment's stream began
 * @param duration the frame's duration in 90 kHz units, {@code > 0}
 * @param captureEpochMicros when the frame was captured, microseconds since the Unix epoch (the
 *     {@code prft} time)
 */
@SuppressWarnings("ArrayRecordComponent") // shared on purpose: one copy for every viewer
public record Fragment(
    byte[] bytes,
    boolean keyframe,
    long sequence,
    long decodeTime,
    int duration,
    long captureEpochMicros) {
  /** Checks the arguments. */
  public Fragment {
    if (bytes == null || bytes.length == 0) {
      throw new IllegalArgumentException("bytes: empty (expected: a moof+mdat)");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 1)");
    }
    if (duration <= 0) {
      throw new IllegalArgumentException("duration: " + duration + " (expected: > 0)");
    }
  }
}
