package dev.socketkit.camera;

/** When a camera writes its frames to disk; see {@link RecordingSettings}. */
public enum RecordMode {
  /** Never (the segments already on disk are still listed). */
  OFF,
  /**
   * Around motion events: from {@link RecordingSettings#preCapture()} before an event to {@link
   * RecordingSettings#postCapture()} after it. Needs motion detection.
   */
  MOTION,
  /** Always, in segments of {@link RecordingSettings#segment()}. */
  CONTINUOUS
}
