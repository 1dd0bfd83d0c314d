package dev.socketkit.http.internal;

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
        + escape(message)
        + ".</p>\n"
        + "        <p>Error code explanation: "
        + code
        + " - "
        + escape(explain)
        + ".</p>\n"
        + "    </body>\n"
        + "</html>\n";
  }

  /** Python's {@code html.escape(s, quote=False)}: {@code & < >}. */
  public static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
