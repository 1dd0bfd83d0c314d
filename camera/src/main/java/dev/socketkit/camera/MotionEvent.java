package dev.socketkit.camera;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One motion event: when it started and ended, how strong it was at its peak, and the frame of the
 * peak.
 *
 * <p>Immutable. While the event is going on {@link #ended()} is false and {@link #endMicros()} is
 * -1; the detector reports the event again, ended, when it is over.
 */
public final class MotionEvent {
  private static final DateTimeFormatter ID =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss.SSS'Z'", Locale.ROOT).withZone(ZoneOffset.UTC);

  private final String id;
  private final long startMicros;
  private final long endMicros;
  private final double peakScore;
  private final long peakMicros;
  private final byte[] snapshot;

  /**
   * An event.
   *
   * @param startMicros capture time of its first moving frame, microseconds since the epoch
   * @param endMicros capture time of its last moving frame, or -1 while it goes on
   * @param peakScore the largest fraction of changed pixels in one frame (0-1)
   * @param peakMicros capture time of that frame
   * @param snapshot that frame's JPEG (shared, never modified)
   */
  public MotionEvent(
      long startMicros, long endMicros, double peakScore, long peakMicros, byte[] snapshot) {
    this.id = ID.format(toInstant(startMicros));
    this.startMicros = startMicros;
    this.endMicros = endMicros;
    this.peakScore = peakScore;
    this.peakMicros = peakMicros;
    this.snapshot = snapshot;
  }

  /** The event's id: its start time, {@code 20261127T222300.123Z}; unique per camera. */
  public String id() {
    return id;
  }

  /** Capture time of the first moving frame, microseconds since the epoch. */
  public long startMicros() {
    return startMicros;
  }

  /** Capture time of the last moving frame, or -1 while the event goes on. */
  public long endMicros() {
    return endMicros;
  }

  /** Whether the event is over. */
  public boolean ended() {
    return endMicros >= 0;
  }

  /** The largest fraction of changed pixels (0-1) in one analysed frame of the event. */
  public double peakScore() {
    return peakScore;
  }

  /** Capture time of the peak frame. */
  public long peakMicros() {
    return peakMicros;
  }

  /** The peak frame's JPEG; the array is shared: never modify it. */
  public byte[] snapshot() {
    return snapshot;
  }

  /** The start as an instant. */
  public Instant start() {
    return toInstant(startMicros);
  }

  /** The end as an instant, or null while the event goes on. */
  public Instant end() {
    return endMicros < 0 ? null : toInstant(endMicros);
  }

  /** This event, ended at {@code endMicros}; for the detector that reports it. */
  public MotionEvent endedAt(long endMicros) {
    return new MotionEvent(startMicros, endMicros, peakScore, peakMicros, snapshot);
  }

  private static Instant toInstant(long micros) {
    return Instant.ofEpochSecond(
        Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1000L);
  }

  @Override
  public String toString() {
    return "MotionEvent[" + id + ", " + start() + " to " + end() + ", peak " + peakScore + "]";
  }
}
