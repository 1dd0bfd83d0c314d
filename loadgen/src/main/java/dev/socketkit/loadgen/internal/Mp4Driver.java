package dev.socketkit.loadgen.internal;

import dev.socketkit.loadgen.Mp4Options;
import dev.socketkit.loadgen.Mp4Report;

/*
 * Design notes.
 *
 * ViewerDriver's viewers with an Mp4Scanner each instead of a multipart one. A fragment counts
 * when its mdat's last byte has been parsed; its capture time is the prft's before its moof.
 *
 * Frames are fragments: the camera's /stream.mp4 sends one moof + mdat per picture. A viewer that
 * falls behind is skipped forward to a keyframe by the camera, which shows here as fewer fragments
 * per second, not as an error; the camera counts the skips in /state.
 */

/** The event loop behind {@link dev.socketkit.loadgen.Mp4Load}; one use per instance. */
public final class Mp4Driver extends ViewerDriver<Mp4Options, Mp4Report> {
  /** A driver for one run of {@code options}. */
  public Mp4Driver(Mp4Options options) {
    super(options, Mp4Report::new);
  }

  @Override
  Parser parser(Viewer viewer) {
    Mp4Scanner scanner =
        new Mp4Scanner(
            (size, capture) -> {
              if (capture == Long.MIN_VALUE) {
                viewer.aside(); // the report's untimed fragments: frames without an age
              }
              viewer.frame(capture);
            },
            true);
    return scanner::feed;
  }
}
