package dev.socketkit.camera;

/**
 * Told when motion events start and end.
 *
 * <p>Called on the motion detector's thread, in order (a start, then its end); implementations
 * return quickly and hand slow work (running a program, writing a file) to their own thread.
 */
public interface MotionListener {
  /** A new event began; {@code event.ended()} is false. */
  void started(MotionEvent event);

  /** The event ended; {@code event.ended()} is true and its peak is final. */
  void ended(MotionEvent event);
}
