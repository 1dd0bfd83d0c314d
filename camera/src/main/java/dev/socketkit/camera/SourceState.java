package dev.socketkit.camera;

import java.util.Locale;

/**
 * What the camera's frame source is doing: the {@code source.status} of {@code /state}.
 *
 * <p>The supervisor moves from {@link #STARTING} to {@link #RUNNING}; a source that fails, ends or
 * stalls is {@link #RESTARTING} (NO SIGNAL is shown) until it runs again; {@link #STOPPED} is
 * final, after the camera closed. Immutable; any thread.
 */
public enum SourceState {
  /** The camera was made and the source has not run yet. */
  STARTING,
  /** The source is running and its frames reach the viewers. */
  RUNNING,
  /** The source stopped and waits out its back-off; viewers see NO SIGNAL. */
  RESTARTING,
  /** The camera closed (or its supervisor failed); no source runs again. */
  STOPPED;

  /** The lower-case word {@code /state} shows: {@code starting}, {@code running} and so on. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
