package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.MjpegOptions;
import dev.socketkit.loadgen.MjpegReport;

/*
 * Design notes.
 *
 * ViewerDriver's viewers with a MultipartScanner each. A frame's capture time is its part's
 * X-Timestamp; its age is taken when the part's last byte has been parsed.
 *
 * Frames are distinct X-Timestamp values per viewer, not parts: a server that sends a viewer the
 * same frame twice (to keep a stalled connection alive, or by a bug) would otherwise look faster
 * than its source. A part whose X-Timestamp equals the viewer's previous part's is a repeat: it is
 * counted as such and reported, and neither its fps nor its age is counted. Parts without an
 * X-Timestamp cannot be told apart and count as frames.
 */

/** The event loop behind {@link dev.socketkit.loadgen.MjpegLoad}; one use per instance. */
public final class MjpegDriver extends ViewerDriver<MjpegOptions, MjpegReport> {
  /** A driver for one run of {@code options}. */
  public MjpegDriver(MjpegOptions options) {
    super(options, MjpegReport::new);
  }

  @Override
  Parser parser(Viewer viewer) {
    return new MultipartScanner(new Parts(viewer))::feed;
  }

  /** Tells one viewer's frames from its repeated parts; touched by the loop thread only. */
  private static final class Parts implements MultipartScanner.Listener {
    private final Viewer viewer;
    private long lastTimestamp = Long.MIN_VALUE; // the previous part's, counted or not

    Parts(Viewer viewer) {
      this.viewer = viewer;
    }

    @Override
    public void part(long length, long timestampMicros) {
      boolean repeat = timestampMicros != Long.MIN_VALUE && timestampMicros == lastTimestamp;
      lastTimestamp = timestampMicros;
      if (repeat) {
        viewer.aside(); // the report's repeats: neither a frame nor an age
      } else {
        viewer.frame(timestampMicros);
      }
    }
  }
}
