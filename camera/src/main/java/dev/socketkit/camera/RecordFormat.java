package dev.socketkit.camera;

/**
 * The file format of a camera's recordings; see {@link RecordingSettings#format()}.
 *
 * <p>Without a format asked for, a camera records {@link #MP4} when it can encode H.264 (ffmpeg
 * with libx264 found) and {@link #AVI} otherwise, saying why in one log line.
 */
public enum RecordFormat {
  /**
   * Fragmented MP4 with the camera's H.264 stream copied as it is: a tenth of MJPEG's bytes, played
   * by a plain {@code <video>} element, readable up to its last complete fragment after a crash.
   * Runs the camera's H.264 encoder while recording.
   */
  MP4,
  /** MJPEG in AVI: the camera's JPEG frames as they are, no encoder needed; played as MJPEG. */
  AVI;

  /** The file name extension of this format, without the dot: {@code mp4} or {@code avi}. */
  public String extension() {
    return this == MP4 ? "mp4" : "avi";
  }
}
