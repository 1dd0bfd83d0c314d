package dev.socketkit.camera.recording;

/** When the recorder writes frames to disk ({@code --record}). */
public enum RecordMode {
  /** Never. */
  OFF,
  /**
   * From {@code --pre-capture} seconds before a motion event to {@code --post-capture} after it.
   */
  MOTION,
  /** Always, in segments of {@code --segment} minutes. */
  CONTINUOUS
}
