package dev.socketkit.camera.internal;

import dev.socketkit.http.QueryString;
import java.util.Map;
import java.util.function.Function;

/**
 * One request as a route's action sees it: the method, the path, the values of the route's
 * placeholders, the query string parsed once, and the request's headers. Immutable; made on the
 * connection's thread for one request.
 *
 * @param method the request method
 * @param path the path without the query, as sent
 * @param params the route's placeholders ({@code name} of {@code /recordings/{name}})
 * @param query the query's parameters, decoded by {@link QueryString}; the first of a repeated name
 *     wins
 * @param header the request header of a name (case-insensitive), or null if absent
 */
public record Call(
    String method,
    String path,
    Map<String, String> params,
    Map<String, String> query,
    Function<String, String> header) {

  /** The call for {@code method path?rawQuery}, its query parsed; {@code rawQuery} may be null. */
  public static Call of(
      String method,
      String path,
      Map<String, String> params,
      String rawQuery,
      Function<String, String> header) {
    return new Call(method, path, Map.copyOf(params), QueryString.parse(rawQuery).asMap(), header);
  }

  /** The placeholder's value. */
  public String param(String name) {
    return params.get(name);
  }

  /**
   * The camera's root as a link relative to this request's path: {@code ./} for {@code /state} or
   * {@code /recordings}, {@code ../../} for {@code /recordings/NAME/play}. Every link and redirect
   * the camera sends starts with it, so the pages work wherever a proxy mounts the camera ({@code
   * /camera/}): a browser resolves it against the address it used.
   */
  public String root() {
    int depth = 0;
    for (int i = 1; i < path.length(); i++) {
      if (path.charAt(i) == '/') {
        depth++;
      }
    }
    return depth == 0 ? "./" : "../".repeat(depth);
  }
}
