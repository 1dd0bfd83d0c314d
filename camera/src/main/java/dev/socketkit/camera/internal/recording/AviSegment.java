package dev.socketkit.camera.internal.recording;

import java.io.IOException;

/** An MJPEG AVI segment: {@link AviWriter} as the recorder sees a segment. Recorder thread only. */
final class AviSegment implements SegmentWriter {
  private final AviWriter writer;

  AviSegment(AviWriter writer) {
    this.writer = writer;
  }

  @Override
  public boolean accepts(Picture picture) {
    return picture.width() == writer.width()
        && picture.height() == writer.height()
        && writer.size() + picture.data().length <= AviWriter.MAX_FILE_BYTES;
  }

  @Override
  public void write(Picture picture) throws IOException {
    writer.writeFrame(picture.data(), picture.micros());
  }

  @Override
  public void sync() throws IOException {
    writer.sync();
  }

  @Override
  public void close() throws IOException {
    writer.close();
  }
}
