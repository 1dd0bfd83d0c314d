package dev.socketkit.camera;

/**
 * One encoded camera frame: the JPEG bytes, shared as they are by every consumer.
 *
 * <p>A frame is made once by a source, published through a {@link FrameHub}, and read by every
 * viewer, the snapshot, and other consumers (motion detection, recording). The {@code jpeg} array
 * is shared, never copied: nobody may mutate it. Frames are immutable and safe to pass between
 * threads.
 *
 * @param jpeg the encoded JPEG image (starts with SOI, ends with EOI); never mutated
 * @param sequence the hub's sequence number, starting at 1 and growing by one per published frame
 * @param captureEpochMicros when the frame was captured, in microseconds since the Unix epoch (the
 *     {@code X-Timestamp} of the stream part)
 * @param width image width in pixels (0 when unknown)
 * @param height image height in pixels (0 when unknown)
 */
@SuppressWarnings("ArrayRecordComponent") // shared on purpose: one encoding for every viewer
public record Frame(byte[] jpeg, long sequence, long captureEpochMicros, int width, int height) {
  /** Checks the arguments. */
  public Frame {
    if (jpeg == null || jpeg.length == 0) {
      throw new IllegalArgumentException("jpeg: empty (expected: an encoded JPEG image)");
    }
    if (sequence < 1) {
      throw new IllegalArgumentException("sequence: " + sequence + " (expected: >= 1)");
    }
  }

  /**
   * The capture time as {@code µStreamer} writes it in {@code X-Timestamp}: seconds since the
   * epoch, a dot, and six digits of microseconds ({@code 1795817077.723150}).
   */
  public String timestamp() {
    return String.format(
        java.util.Locale.ROOT,
        "%d.%06d",
        Math.floorDiv(captureEpochMicros, 1_000_000L),
        Math.floorMod(captureEpochMicros, 1_000_000L));
  }
}
