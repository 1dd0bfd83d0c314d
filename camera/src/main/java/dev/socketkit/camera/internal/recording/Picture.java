package dev.socketkit.camera.internal.recording;

/**
 * One picture on its way to the disk, in either format: a JPEG frame for AVI, or one fragment
 * ({@code moof}+{@code mdat}) of the camera's H.264 stream for MP4.
 *
 * @param data the JPEG or the fragment; the hub's array, shared, never modified
 * @param micros capture time, microseconds since the epoch
 * @param width the JPEG's width (0 for a fragment)
 * @param height the JPEG's height (0 for a fragment)
 * @param keyframe whether a segment may start here (every JPEG; an IDR fragment)
 * @param init the init segment the fragment decodes with (null for a JPEG); compared by identity
 * @param sequence the fragment hub's number for the fragment (0 for a JPEG)
 * @param decodeTime the fragment's {@code tfdt} in the camera's stream (0 for a JPEG)
 */
@SuppressWarnings("ArrayRecordComponent") // shared on purpose: the hub's bytes, never copied
record Picture(
    byte[] data,
    long micros,
    int width,
    int height,
    boolean keyframe,
    byte[] init,
    long sequence,
    long decodeTime) {

  /** A JPEG frame for an AVI segment. */
  static Picture jpeg(byte[] jpeg, long micros, int width, int height) {
    return new Picture(jpeg, micros, width, height, true, null, 0, 0);
  }
}
