package dev.socketkit.camera.internal.recording;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;

/**
 * A fragmented MP4 segment: the camera's init segment ({@code ftyp} + {@code moov}), then its
 * fragments as they come, each with its decode time moved so the file starts at 0 (see {@link
 * Mp4File}). Nothing is ever rewritten: a crash leaves a file readable up to its last complete
 * fragment, and {@link #sync()} only forces the file to disk.
 *
 * <p>Recorder thread only; owns the channel and closes it.
 */
final class Mp4SegmentWriter implements SegmentWriter {
  private final SeekableByteChannel channel;
  private final byte[] init;
  private final long firstDecodeTime;
  private boolean closed;

  /**
   * Starts a segment on {@code channel} (empty) with the init segment of {@code first}, whose
   * fragment will be the first written.
   *
   * @throws IOException if the init segment cannot be written; the caller then closes the channel
   */
  Mp4SegmentWriter(SeekableByteChannel channel, Picture first) throws IOException {
    if (first.init() == null || !first.keyframe()) {
      throw new IllegalArgumentException(
          "first: " + first + " (expected: a keyframe fragment with its init segment)");
    }
    this.channel = channel;
    this.init = first.init();
    this.firstDecodeTime = first.decodeTime();
    AviWriter.writeFully(channel, ByteBuffer.wrap(init));
  }

  @Override
  public boolean accepts(Picture picture) {
    return picture.init() == init; // the same stream: same SPS/PPS, decode times go on
  }

  @Override
  public void write(Picture picture) throws IOException {
    if (closed) {
      throw new IOException("segment is closed");
    }
    AviWriter.writeFully(channel, ByteBuffer.wrap(Mp4File.rebase(picture.data(), firstDecodeTime)));
  }

  @Override
  public void sync() throws IOException {
    if (!closed && channel instanceof FileChannel file) {
      file.force(false);
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try (channel) {
      if (channel instanceof FileChannel file) {
        file.force(false);
      }
    }
  }
}
