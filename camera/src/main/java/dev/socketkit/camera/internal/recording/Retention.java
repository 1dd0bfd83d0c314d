package dev.socketkit.camera.internal.recording;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes old recordings: first those older than {@code --keep-days}, then the oldest while all of
 * them take more than {@code --max-disk}.
 *
 * <p>Called by the recorder's thread after a segment is finished; never deletes the segment being
 * written.
 */
public final class Retention {
  private final Segments segments;
  private final int keepDays;
  private final long maxDiskBytes;

  /**
   * Retention for {@code segments}.
   *
   * @param keepDays days to keep a segment; 0 keeps them forever
   * @param maxDiskBytes bytes all segments may take; 0 is no limit
   */
  public Retention(Segments segments, int keepDays, long maxDiskBytes) {
    this.segments = segments;
    this.keepDays = keepDays;
    this.maxDiskBytes = maxDiskBytes;
  }

  /**
   * Deletes what the limits say must go, oldest first.
   *
   * @param now the current time (segments are dated by their start)
   * @param inUse the segment being written, never deleted (null if none)
   * @return the deleted files, oldest first
   */
  public List<Path> apply(Instant now, Path inUse) throws IOException {
    List<Path> deleted = new ArrayList<>();
    List<Segments.Segment> all = new ArrayList<>(segments.list());
    all.removeIf(s -> s.file().equals(inUse));
    long total = 0;
    for (Segments.Segment s : all) {
      total += s.bytes();
    }
    if (inUse != null && Files.exists(inUse)) {
      total += Files.size(inUse);
    }
    Instant cutoff = keepDays > 0 ? now.minus(Duration.ofDays(keepDays)) : Instant.MIN;
    for (Segments.Segment s : all) {
      boolean tooOld = s.start().isBefore(cutoff);
      boolean tooMuch = maxDiskBytes > 0 && total > maxDiskBytes;
      if (!tooOld && !tooMuch) {
        break; // oldest first: everything after is newer and, once under the limit, may stay
      }
      Files.deleteIfExists(s.file());
      total -= s.bytes();
      deleted.add(s.file());
    }
    return deleted;
  }
}
