package dev.socketkit.camera.internal.recording;

import java.io.IOException;

/**
 * One segment file being written, in one format. Made, written, synced and closed by the recorder's
 * thread alone; it owns the file's channel and closes it.
 */
interface SegmentWriter extends AutoCloseable {
  /**
   * Whether {@code picture} can go on in this file: the same stream (frame size, init segment) and
   * room left. If not, the recorder starts a new segment with it.
   */
  boolean accepts(Picture picture);

  /**
   * Appends {@code picture}.
   *
   * @throws IOException on a write failure (a full disk); the writer is then unusable
   */
  void write(Picture picture) throws IOException;

  /** Makes what was written so far readable after a crash and forces it to disk. */
  void sync() throws IOException;

  /**
   * Finishes the file, forces it to disk and closes the channel, even when it fails. Idempotent.
   *
   * @throws IOException if the file cannot be finished
   */
  @Override
  void close() throws IOException;
}
