package dev.socketkit.http;

/**
 * Escapes text for HTML as Python's {@code html.escape}: one escaper for every page the server
 * writes (error pages, directory listings, the camera's pages).
 *
 * <p>Stateless; safe from any thread.
 */
public final class Html {
  private Html() {}

  /**
   * Python's {@code html.escape(s, quote=True)}: {@code & < > " '} become &amp;amp; &amp;lt;
   * &amp;gt; &amp;quot; and &amp;#x27;, so the result is safe in element content and in a quoted
   * attribute value.
   *
   * @throws NullPointerException if {@code s} is null
   */
  public static String escape(String s) {
    return escape(s, true);
  }

  /**
   * Python's {@code html.escape(s, quote)}: {@code & < >} always, and {@code " '} too when {@code
   * quote} is true. Python's {@code send_error} and {@code list_directory} escape with {@code
   * quote=False}: safe in element content only, never in an attribute.
   *
   * @throws NullPointerException if {@code s} is null
   */
  public static String escape(String s, boolean quote) {
    StringBuilder out = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      String entity =
          switch (c) {
            case '&' -> "&amp;";
            case '<' -> "&lt;";
            case '>' -> "&gt;";
            case '"' -> quote ? "&quot;" : null;
            case '\'' -> quote ? "&#x27;" : null;
            default -> null;
          };
      if (entity == null) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(s.length() + 16).append(s, 0, i);
      }
      out.append(entity);
    }
    return out == null ? s : out.toString();
  }
}
