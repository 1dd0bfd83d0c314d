package dev.socketkit.camera.internal;

import dev.socketkit.http.QueryString;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Hides the secrets in a text (a request line, an error message, a source's URL): the userinfo of
 * every URL ({@code rtsp://user:pass@host/} becomes {@code rtsp://***@host/}) and the value of
 * every credential-looking query parameter. The one redaction of the camera, used by every log line
 * of its handler, by {@code /state} and by the sources' descriptions and errors.
 *
 * <p>Userinfo ends at the last {@code @} before the host, so a password holding {@code /} or
 * {@code @} is hidden whole; a URL without userinfo but with an {@code @} in its path is hidden too
 * far rather than too little. Query names are compared after percent-decoding and ignoring case, as
 * {@link QueryString} decodes them: {@code ?%74oken=...} authenticates, so it is hidden too.
 * Stateless; any thread.
 */
public final class Redaction {
  /**
   * A URL's scheme and its userinfo: up to an {@code @} followed by a host and the path's start.
   */
  private static final Pattern USERINFO =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*://)\\S*?@(?=[^@/\\s?#]*(?:[/?#\\s\"]|$))");

  /** One {@code name=value} pair after a {@code ?} or {@code &}, up to white space or a quote. */
  private static final Pattern PAIR = Pattern.compile("([?&])([^=&\\s\"#?]*)=([^&\\s\"#]*)");

  /** Query names (decoded, lower case) whose values are secrets. */
  private static final Set<String> SECRET_NAMES =
      Set.of("password", "pass", "pwd", "token", "key", "secret");

  /** What a hidden value is written as. */
  public static final String HIDDEN = "***";

  private Redaction() {}

  /**
   * {@code text} with every URL's userinfo and the value of every query pair whose decoded name is
   * a credential's written as {@value #HIDDEN}; null gives null.
   *
   * @param text the text to show, or null
   * @return the text without its secrets
   */
  public static String redact(String text) {
    if (text == null) {
      return null;
    }
    String result = text;
    if (result.indexOf('@') >= 0) {
      result = USERINFO.matcher(result).replaceAll("$1" + Matcher.quoteReplacement(HIDDEN) + "@");
    }
    if (result.indexOf('=') < 0) {
      return result;
    }
    Matcher pair = PAIR.matcher(result);
    StringBuilder out = new StringBuilder(result.length());
    while (pair.find()) {
      String replacement = pair.group();
      if (isSecret(pair.group(2))) {
        replacement = pair.group(1) + pair.group(2) + "=" + HIDDEN;
      }
      pair.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    pair.appendTail(out);
    return out.toString();
  }

  /** Whether a raw query name decodes to a credential's name, in any case. */
  private static boolean isSecret(String rawName) {
    if (rawName.isEmpty()) {
      return false;
    }
    for (Map.Entry<String, String> decoded : QueryString.parse(rawName).pairs()) {
      if (SECRET_NAMES.contains(decoded.getKey().toLowerCase(Locale.ROOT))) {
        return true;
      }
    }
    return false;
  }
}
