package dev.socketkit.loadgen.internal;

/**
 * A stream that is not what a viewer expects (a multipart JPEG stream, a fragmented MP4); the
 * message says where.
 */
public final class MalformedStreamException extends Exception {
  private static final long serialVersionUID = 1L;

  /** Creates the exception with a sentence that says what was wrong. */
  public MalformedStreamException(String message) {
    super(message);
  }
}
