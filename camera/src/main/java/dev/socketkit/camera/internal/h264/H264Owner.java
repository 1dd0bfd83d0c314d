package dev.socketkit.camera.internal.h264;

/**
 * Decides which of two producers fills the camera's {@link FragmentHub}: the {@link H264Encoder}
 * (libx264 fed the camera's JPEG frames) or a source that passes its own H.264 through ({@link
 * H264Copy}). The hub takes one producer at a time; this monitor hands it over.
 *
 * <p>A source that has H.264 says so with {@link #sourceStarts()} and from then on the encoder may
 * not start a child ({@link #tryStartEncoder()} answers false) and stops the one it runs (it polls
 * {@link #sourceWants()}). The source publishes only once {@link #sourceOwns()}: the encoder's
 * child has stopped and its stream has been reset. When the source stops ({@link #sourceStopped()},
 * after it reset its own stream), the encoder may run again: that is how H.264 viewers of a
 * passthrough camera see the NO SIGNAL frames while the source is down.
 *
 * <p>Threading: every method may be called from any thread; each is short and never blocks.
 */
public final class H264Owner {
  private boolean sourceWants; // guarded by this
  private boolean encoderRuns; // guarded by this
  private boolean sourceProbing; // guarded by this

  /** An owner with no source H.264: the encoder may run whenever it is wanted. */
  public H264Owner() {}

  /**
   * Called by the encoder before it starts a child: true (and the encoder counts as running until
   * {@link #encoderStopped()}) unless a source provides H.264 now.
   */
  public synchronized boolean tryStartEncoder() {
    if (sourceWants || sourceProbing) {
      return false;
    }
    encoderRuns = true;
    return true;
  }

  /** Called by the encoder once its child stopped and it reset the hub. */
  public synchronized void encoderStopped() {
    encoderRuns = false;
  }

  /**
   * Called by a source while it finds out whether its input is H.264: meanwhile the encoder starts
   * no child (one that runs, for NO SIGNAL, goes on), so that a viewer who comes first does not
   * start a libx264 child the source would replace a moment later.
   */
  public synchronized void sourceProbing(boolean probing) {
    sourceProbing = probing;
  }

  /** Called by a source when it starts to provide H.264 of its own. */
  public synchronized void sourceStarts() {
    sourceWants = true;
  }

  /** Called by the source after it stopped publishing and reset the hub. Harmless twice. */
  public synchronized void sourceStopped() {
    sourceWants = false;
  }

  /** Whether a source provides H.264 now ({@code /state} says passthrough). */
  public synchronized boolean sourceWants() {
    return sourceWants;
  }

  /** Whether the source may publish now: it wants to and the encoder has stopped. */
  public synchronized boolean sourceOwns() {
    return sourceWants && !encoderRuns;
  }
}
