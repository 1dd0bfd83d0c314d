package dev.socketkit.camera.internal;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** The camera's one query-string parser. Stateless; any thread. */
public final class Query {
  private Query() {}

  /**
   * The query string's parameters, decoded; the first of a repeated name wins. A pair with a
   * malformed %-escape is kept as it came ({@code ?token=%zz} is the token {@code %zz} on every
   * path), as Python's {@code parse_qs} keeps an escape it cannot decode.
   *
   * @param query the raw query string, or null
   */
  public static Map<String, String> parse(String query) {
    Map<String, String> params = new LinkedHashMap<>();
    if (query == null || query.isEmpty()) {
      return params;
    }
    for (String pair : query.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      try {
        params.putIfAbsent(
            URLDecoder.decode(key, StandardCharsets.UTF_8),
            URLDecoder.decode(value, StandardCharsets.UTF_8));
      } catch (IllegalArgumentException e) {
        params.putIfAbsent(key, value); // a malformed %-escape: keep it as it came
      }
    }
    return params;
  }
}
