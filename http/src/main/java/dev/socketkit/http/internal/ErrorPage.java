package dev.socketkit.http.internal;

import dev.socketkit.http.Html;

/** Python's {@code DEFAULT_ERROR_MESSAGE}: the HTML page {@code send_error} sends. */
public final class ErrorPage {
  private ErrorPage() {}

  /** Python's {@code DEFAULT_ERROR_CONTENT_TYPE}. */
  public static final String CONTENT_TYPE = "text/html;charset=utf-8";

  /**
   * The page for {@code code}, with {@code message} and {@code explain} HTML-escaped as Python's
   * {@code html.escape(s, quote=False)} (against cross-site scripting, CPython bug #1100201).
   */
  public static String render(int code, String message, String explain) {
    return "<!DOCTYPE HTML>\n"
        + "<html lang=\"en\">\n"
        + "    <head>\n"
        + "        <meta charset=\"utf-8\">\n"
        + "        <title>Error response</title>\n"
        + "    </head>\n"
        + "    <body>\n"
        + "        <h1>Error response</h1>\n"
        + "        <p>Error code: "
        + code
        + "</p>\n"
        + "        <p>Message: "
        + Html.escape(message, false)
        + ".</p>\n"
        + "        <p>Error code explanation: "
        + code
        + " - "
        + Html.escape(explain, false)
        + ".</p>\n"
        + "    </body>\n"
        + "</html>\n";
  }
}
