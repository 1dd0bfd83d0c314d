package dev.socketkit.http.internal;

/** Python's {@code repr()} of a string, for error messages that quote what the client sent. */
public final class Repr {
  private Repr() {}

  /**
   * Quotes {@code s} as Python's {@code repr(str)} does: single quotes unless the text holds a
   * single quote and no double quote; backslash, the quote, {@code \t \n \r} and other control
   * characters escaped, so the result never contains CR or LF.
   */
  public static String of(String s) {
    char quote = s.indexOf('\'') >= 0 && s.indexOf('"') < 0 ? '"' : '\'';
    StringBuilder out = new StringBuilder(s.length() + 2).append(quote);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == quote || c == '\\') {
        out.append('\\').append(c);
      } else if (c == '\t') {
        out.append("\\t");
      } else if (c == '\n') {
        out.append("\\n");
      } else if (c == '\r') {
        out.append("\\r");
      } else if (c < 0x20 || (c >= 0x7f && c < 0xa1) || c == 0xad) {
        out.append(String.format("\\x%02x", (int) c));
      } else {
        out.append(c);
      }
    }
    return out.append(quote).toString();
  }
}
