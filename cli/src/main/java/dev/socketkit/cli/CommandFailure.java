package dev.socketkit.cli;

/**
 * A failure the user can act on, whose message is the one sentence printed before exit code 1 (a
 * missing file, a bad combination of flags, a refused start).
 */
public final class CommandFailure extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** Creates a failure whose message is shown to the user as it is. */
  public CommandFailure(String sentence) {
    super(sentence);
  }

  /** Creates a failure whose message is shown to the user, keeping the cause for debugging. */
  public CommandFailure(String sentence, Throwable cause) {
    super(sentence, cause);
  }
}
