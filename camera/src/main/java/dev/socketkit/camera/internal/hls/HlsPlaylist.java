package dev.socketkit.camera.internal.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;

/**
 * Writes the live media playlist (RFC 8216) of a window of segments, and reads back the names it
 * gives them. Pure functions; any thread.
 *
 * <pre>
 * #EXTM3U
 * #EXT-X-VERSION:6
 * #EXT-X-TARGETDURATION:2
 * #EXT-X-MEDIA-SEQUENCE:41
 * #EXT-X-DISCONTINUITY-SEQUENCE:0
 * #EXT-X-MAP:URI="init-k3x9q2-1.mp4"
 * #EXT-X-PROGRAM-DATE-TIME:2026-11-30T23:01:02.345Z
 * #EXTINF:1.00000,
 * k3x9q2-41.m4s
 * ...
 * </pre>
 *
 * <p>Version 6: the lowest that allows {@code EXT-X-MAP} in a playlist that is not I-frames only
 * (RFC 8216 section 4.3.2.5; fractional {@code EXTINF} needs 3). Every segment carries {@code
 * EXT-X-PROGRAM-DATE-TIME}, its first picture's capture time, so a player or a probe can tell how
 * far behind the camera it is. No {@code EXT-X-ENDLIST}: the stream is live. URIs are relative
 * (resolved against the playlist's own URL, so any proxy prefix works), and carry the viewer's
 * query ({@code ?token=}) when the playlist was asked for with one.
 */
final class HlsPlaylist {
  private static final DateTimeFormatter DATE_TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'", Locale.ROOT)
          .withZone(ZoneOffset.UTC);

  private HlsPlaylist() {}

  /** What a playlist shows: the run id, the window (oldest first), the discontinuities gone. */
  record View(
      String run, List<HlsSegment> segments, long discontinuitySequence, int targetSeconds) {}

  /**
   * The playlist of {@code view}.
   *
   * @param query appended to every URI as it is ({@code ?token=...}); the caller makes it safe (no
   *     line breaks, no quotes)
   * @throws IllegalArgumentException if the window is empty, or {@code query} has a line break or a
   *     quote
   */
  static String render(View view, String query) {
    if (view.segments().isEmpty()) {
      throw new IllegalArgumentException("segments: empty (expected: at least one)");
    }
    for (int i = 0; i < query.length(); i++) {
      char c = query.charAt(i);
      if (c < 0x21 || c == '"' || c == 0x7f) {
        throw new IllegalArgumentException(
            "query: " + query + " (expected: no spaces, quotes or control characters)");
      }
    }
    StringBuilder text = new StringBuilder(256 + 96 * view.segments().size());
    text.append("#EXTM3U\n#EXT-X-VERSION:6\n");
    text.append("#EXT-X-TARGETDURATION:").append(view.targetSeconds()).append('\n');
    text.append("#EXT-X-MEDIA-SEQUENCE:").append(view.segments().get(0).sequence()).append('\n');
    text.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(view.discontinuitySequence()).append('\n');
    int init = -1;
    for (HlsSegment segment : view.segments()) {
      // Even before the first segment: the discontinuity sequence counts this tag once it leaves.
      if (segment.discontinuity()) {
        text.append("#EXT-X-DISCONTINUITY\n");
      }
      if (segment.initId() != init) {
        init = segment.initId();
        text.append("#EXT-X-MAP:URI=\"")
            .append(initName(view.run(), init))
            .append(query)
            .append("\"\n");
      }
      if (segment.captureEpochMicros() >= 0) {
        text.append("#EXT-X-PROGRAM-DATE-TIME:")
            .append(DATE_TIME.format(Instant.EPOCH.plusNanos(segment.captureEpochMicros() * 1000)))
            .append('\n');
      }
      text.append("#EXTINF:")
          .append(String.format(Locale.ROOT, "%.5f", segment.seconds()))
          .append(",\n");
      text.append(segmentName(view.run(), segment.sequence())).append(query).append('\n');
    }
    return text.toString();
  }

  /** The name of segment {@code sequence}: {@code RUN-SEQUENCE.m4s}. */
  static String segmentName(String run, long sequence) {
    return run + "-" + sequence + ".m4s";
  }

  /** The name of init segment {@code id}: {@code init-RUN-ID.mp4}. */
  static String initName(String run, int id) {
    return "init-" + run + "-" + id + ".mp4";
  }

  /** The sequence number {@code name} gives ({@link #segmentName}), or -1 if it is not one. */
  static long segmentSequence(String run, String name) {
    String prefix = run + "-";
    if (!name.startsWith(prefix) || !name.endsWith(".m4s")) {
      return -1;
    }
    return number(name.substring(prefix.length(), name.length() - ".m4s".length()));
  }

  /** The init id {@code name} gives ({@link #initName}), or -1 if it is not one. */
  static int initId(String run, String name) {
    String prefix = "init-" + run + "-";
    if (!name.startsWith(prefix) || !name.endsWith(".mp4")) {
      return -1;
    }
    long id = number(name.substring(prefix.length(), name.length() - ".mp4".length()));
    return id > Integer.MAX_VALUE ? -1 : (int) id;
  }

  /** Up to 18 decimal digits as a number (no sign, no leading zero but "0"), else -1. */
  private static long number(String digits) {
    if (digits.isEmpty()
        || digits.length() > 18
        || (digits.length() > 1 && digits.charAt(0) == '0')) {
      return -1;
    }
    for (int i = 0; i < digits.length(); i++) {
      if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
        return -1;
      }
    }
    return Long.parseLong(digits);
  }
}
