package dev.socketkit.camera.internal.recording;

import dev.socketkit.camera.RecordingSettings;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;

/** Recorders whose disk fails on purpose, for tests outside this package. */
public final class TestRecorders {
  private TestRecorders() {}

  /** A recorder whose every segment file fills the disk after {@code capacity} bytes. */
  public static Recorder withDiskFullAfter(RecordingSettings settings, long capacity) {
    return new Recorder(
        settings,
        "test",
        20,
        file ->
            new RecorderTest.FullDisk(
                FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                capacity));
  }
}
