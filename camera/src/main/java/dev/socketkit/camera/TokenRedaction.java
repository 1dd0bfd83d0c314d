package dev.socketkit.camera;

import dev.socketkit.http.QueryString;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the value of every {@code token} query parameter in a text (a request line, an error
 * message, a source's URL): a signed link is as good as a password until it expires. The one
 * redaction of link tokens, used by every log line of the camera's handler and by {@code /state}.
 *
 * <p>The name is compared after percent-decoding, as {@link QueryString} decodes it for the
 * credentials check: {@code ?%74oken=...} authenticates, so it is hidden too. Stateless; any
 * thread.
 */
final class TokenRedaction {
  /** One {@code name=value} pair after a {@code ?} or {@code &}, up to white space or a quote. */
  private static final Pattern PAIR = Pattern.compile("([?&])([^=&\\s\"#?]*)=([^&\\s\"#]*)");

  /** What a hidden value is written as. */
  static final String HIDDEN = "***";

  private TokenRedaction() {}

  /**
   * {@code text} with the value of every query pair whose decoded name is {@code token} written as
   * {@value #HIDDEN}; null gives null.
   */
  static String redact(String text) {
    if (text == null || text.indexOf('=') < 0) {
      return text;
    }
    Matcher pair = PAIR.matcher(text);
    StringBuilder out = new StringBuilder(text.length());
    while (pair.find()) {
      String replacement = pair.group();
      if (isToken(pair.group(2))) {
        replacement = pair.group(1) + pair.group(2) + "=" + HIDDEN;
      }
      pair.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    pair.appendTail(out);
    return out.toString();
  }

  /** Whether a raw query name decodes to {@code token}, the name the credentials check reads. */
  private static boolean isToken(String rawName) {
    if (rawName.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> decoded : QueryString.parse(rawName).pairs()) {
      if (decoded.getKey().equals("token")) {
        return true;
      }
    }
    return false;
  }
}
