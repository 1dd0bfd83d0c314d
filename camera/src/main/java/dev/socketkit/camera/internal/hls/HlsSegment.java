package dev.socketkit.camera.internal.hls;

/**
 * One HLS media segment: the fragments ({@code moof} + {@code mdat}, one per picture) of one
 * keyframe interval, joined. Immutable once made; the bytes are shared, never changed, and must not
 * be changed by whoever sends them.
 *
 * @param sequence the media sequence number (also its name, {@code RUN-SEQUENCE.m4s})
 * @param bytes the fragments, joined in decode order
 * @param duration how long it plays, in 90 kHz units (the sum of its pictures' durations)
 * @param captureEpochMicros when its first picture was captured, microseconds since the Unix epoch
 *     (its {@code EXT-X-PROGRAM-DATE-TIME}), or -1 when unknown
 * @param initId the init segment its pictures need ({@code init-RUN-ID.mp4})
 * @param discontinuity whether its timestamps do not follow the previous segment's (a new encoder
 *     run, a gap): the playlist puts {@code EXT-X-DISCONTINUITY} before it
 * @param keyframe whether its first picture is a keyframe (always, unless a source's keyframes are
 *     further apart than the target duration)
 */
@SuppressWarnings("ArrayRecordComponent") // shared with every viewer as it is; never compared
record HlsSegment(
    long sequence,
    byte[] bytes,
    long duration,
    long captureEpochMicros,
    int initId,
    boolean discontinuity,
    boolean keyframe) {

  /** Its duration in seconds, as {@code EXTINF} says it. */
  double seconds() {
    return duration / (double) HlsSegmenter.TIMESCALE;
  }
}
