package dev.socketkit.camera.internal.recording;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RetentionTest {
  @TempDir Path dir;

  private Path segment(String name, int bytes) throws Exception {
    Path file = dir.resolve(name);
    Files.write(file, new byte[bytes]);
    return file;
  }

  @Test
  void deletesTheOldestSegmentsFirstUntilUnderTheDiskLimit() throws Exception {
    Path oldest = segment("cam-20261101T080000Z.avi", 1000);
    Path second = segment("cam-20261101T090000Z.avi", 1000);
    Path third = segment("cam-20261102T080000Z.avi", 1000);
    Path newest = segment("cam-20261103T080000Z.avi", 1000);
    Path other = segment("notes.txt", 5000);

    List<Path> deleted =
        new Retention(new Segments(dir), 0, 2500)
            .apply(Instant.parse("2026-11-04T00:00:00Z"), null);

    assertThat(deleted).containsExactly(oldest, second);
    assertThat(third).exists();
    assertThat(newest).exists();
    assertThat(other).exists();
  }

  @Test
  void deletesSegmentsOlderThanTheKeptDays() throws Exception {
    Path old = segment("cam-20261101T080000Z.avi", 10);
    Path recent = segment("cam-20261110T080000Z.avi", 10);

    List<Path> deleted =
        new Retention(new Segments(dir), 7, 0).apply(Instant.parse("2026-11-12T00:00:00Z"), null);

    assertThat(deleted).containsExactly(old);
    assertThat(recent).exists();
  }

  @Test
  void neverDeletesTheSegmentBeingWritten() throws Exception {
    Path inUse = segment("cam-20261101T080000Z.avi", 5000);
    Path done = segment("cam-20261102T080000Z.avi", 10);

    List<Path> deleted =
        new Retention(new Segments(dir), 1, 100)
            .apply(Instant.parse("2026-11-12T00:00:00Z"), inUse);

    assertThat(deleted).containsExactly(done);
    assertThat(inUse).exists();
  }

  @Test
  void segmentNamesCannotReachOutsideTheDirectory() throws Exception {
    segment("cam-20261101T080000Z.avi", 10);
    Segments segments = new Segments(dir);
    assertThat(segments.find("cam-20261101T080000Z.avi")).isPresent();
    assertThat(segments.find("../cam-20261101T080000Z.avi")).isEmpty();
    assertThat(segments.find("..")).isEmpty();
    assertThat(Segments.safeName("front door/../x")).isEqualTo("front_door_.._x");
  }
}
