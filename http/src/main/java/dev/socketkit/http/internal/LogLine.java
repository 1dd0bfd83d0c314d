package dev.socketkit.http.internal;

import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** Python's {@code log_message} line and the two date formats of {@code http.server}. */
public final class LogLine {
  private LogLine() {}

  // Python's log_date_time_string: "%02d/%3s/%04d %02d:%02d:%02d" in local time.
  private static final DateTimeFormatter LOG_DATE =
      DateTimeFormatter.ofPattern("dd/MMM/yyyy HH:mm:ss", Locale.US);

  // Python's email.utils.formatdate(usegmt=True): always two-digit days, unlike RFC_1123_DATE_TIME.
  private static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US)
          .withZone(ZoneId.of("GMT"));

  /**
   * {@code "%s - - [%s] %s\n"}: the client's address, the local time, and the message with control
   * characters escaped as CPython does (gh-100001: C0 and C1 controls as {@code \xNN}, and the
   * backslash doubled so an escape cannot be forged).
   */
  public static String format(String address, ZonedDateTime now, String message) {
    return address + " - - [" + now.format(LOG_DATE) + "] " + escapeControls(message) + "\n";
  }

  /** Escapes U+0000..U+001F and U+007F..U+009F as {@code \xNN} and {@code \} as {@code \\}. */
  public static String escapeControls(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 || (c >= 0x7f && c < 0xa0)) {
        out.append(String.format("\\x%02x", (int) c));
      } else if (c == '\\') {
        out.append("\\\\");
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }

  /** An HTTP date ({@code Sun, 06 Nov 1994 08:49:37 GMT}), Python's {@code date_time_string}. */
  public static String httpDate(long epochMillis) {
    return HTTP_DATE.format(java.time.Instant.ofEpochMilli(epochMillis));
  }
}
