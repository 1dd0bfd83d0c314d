package dev.socketkit.http.internal;

/**
 * A request the parser refuses, with the status, short message and explanation that the handler
 * sends back through {@code sendError} before closing the connection.
 */
public final class BadRequestException extends Exception {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String explain;

  /**
   * A refusal with {@code status}, {@code message} (the status line's reason) and no explanation.
   */
  public BadRequestException(int status, String message) {
    this(status, message, null);
  }

  /** A refusal with {@code status}, {@code message} and {@code explain} (null: the table's). */
  public BadRequestException(int status, String message, String explain) {
    super(message);
    this.status = status;
    this.explain = explain;
  }

  /** The HTTP status to answer with: 400, 414, 431 or 505. */
  public int status() {
    return status;
  }

  /** The explanation for the error page, or null to use the status table's. */
  public String explain() {
    return explain;
  }
}
