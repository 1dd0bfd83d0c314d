package dev.socketkit.camera.internal;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;

/**
 * A table from (method, path pattern) to an action: the one place that says which requests a web
 * server answers, which methods each path allows (the {@code Allow} header of a 405) and which
 * paths it does not know (404).
 *
 * <p>A pattern is a path of {@code /}-separated segments, each literal or a {@code {name}}
 * placeholder that matches one non-empty segment ({@code /recordings/{name}/play}). A route for
 * {@code GET} also answers {@code HEAD}. Segments are matched as they came, undecoded, so {@code
 * %2F} never becomes a separator. Immutable once built; any thread may call {@link #find}.
 *
 * @param <A> the action type
 */
public final class RouteTable<A> {
  private final List<Route<A>> routes;

  private RouteTable(List<Route<A>> routes) {
    this.routes = List.copyOf(routes);
  }

  /** A new, empty builder. Not thread-safe. */
  public static <A> Builder<A> builder() {
    return new Builder<>();
  }

  /**
   * What the table says about {@code method path}: the action and the placeholders' values, or the
   * methods the path allows, or that no route has that path.
   *
   * @param method the request method, as sent (case-sensitive, as HTTP methods are)
   * @param path the request path without its query, starting with {@code /}
   */
  public Lookup<A> find(String method, String path) {
    String[] segments = split(path);
    Set<String> allowed = new LinkedHashSet<>();
    for (Route<A> route : routes) {
      Map<String, String> params = route.match(segments);
      if (params == null) {
        continue;
      }
      if (route.method.equals(method) || (method.equals("HEAD") && route.method.equals("GET"))) {
        return new Lookup.Found<>(route.action, params);
      }
      allowed.add(route.method);
      if (route.method.equals("GET")) {
        allowed.add("HEAD");
      }
    }
    return allowed.isEmpty() ? new Lookup.NotFound<>() : new Lookup.NotAllowed<>(allowed);
  }

  /**
   * This table's routes with each action changed by {@code mapping}, so one table can hold
   * another's routes.
   */
  public <B> List<Route<B>> routes(Function<A, B> mapping) {
    List<Route<B>> mapped = new ArrayList<>();
    for (Route<A> route : routes) {
      mapped.add(new Route<>(route.method, route.pattern, mapping.apply(route.action)));
    }
    return mapped;
  }

  private static String[] split(String path) {
    String rest = path.startsWith("/") ? path.substring(1) : path;
    return rest.split("/", -1);
  }

  /** The answer of {@link #find}. */
  public sealed interface Lookup<A> {
    /** A route matched: its action and the values of its placeholders. */
    record Found<A>(A action, Map<String, String> params) implements Lookup<A> {}

    /**
     * Routes have this path but none this method.
     *
     * @param methods the methods they allow, in table order
     */
    record NotAllowed<A>(Set<String> methods) implements Lookup<A> {
      /** The value of the {@code Allow} header: {@code GET, HEAD, DELETE}. */
      public String allow() {
        return String.join(", ", methods);
      }
    }

    /** No route has this path. */
    record NotFound<A>() implements Lookup<A> {}
  }

  /** One route: a method, a pattern and what answers it. Immutable. */
  public static final class Route<A> {
    private final String method;
    private final String pattern;
    private final String[] segments;
    private final A action;

    Route(String method, String pattern, A action) {
      if (!pattern.startsWith("/")) {
        throw new IllegalArgumentException("pattern: " + pattern + " (expected: a path from /)");
      }
      this.method = Objects.requireNonNull(method, "method");
      this.pattern = pattern;
      this.segments = split(pattern);
      this.action = Objects.requireNonNull(action, "action");
    }

    /** The placeholders' values if {@code path} matches this pattern, else null. */
    private Map<String, String> match(String[] path) {
      if (path.length != segments.length) {
        return null;
      }
      Map<String, String> params = new LinkedHashMap<>();
      for (int i = 0; i < segments.length; i++) {
        String want = segments[i];
        if (want.startsWith("{") && want.endsWith("}")) {
          if (path[i].isEmpty()) {
            return null;
          }
          params.put(want.substring(1, want.length() - 1), path[i]);
        } else if (!want.equals(path[i])) {
          return null;
        }
      }
      return params;
    }

    @Override
    public String toString() {
      return method + " " + pattern;
    }
  }

  /** Collects routes in order; the first that matches a request wins. Not thread-safe. */
  public static final class Builder<A> {
    private final List<Route<A>> routes = new ArrayList<>();

    private Builder() {}

    /** Adds {@code GET pattern} (and so {@code HEAD pattern}). */
    public Builder<A> get(String pattern, A action) {
      return on("GET", pattern, action);
    }

    /**
     * Adds {@code method pattern}.
     *
     * @throws IllegalArgumentException if the pattern does not start with {@code /}
     */
    public Builder<A> on(String method, String pattern, A action) {
      routes.add(new Route<>(method, pattern, action));
      return this;
    }

    /** Adds routes taken from another table ({@link RouteTable#routes(Function)}). */
    public Builder<A> addAll(List<Route<A>> more) {
      routes.addAll(more);
      return this;
    }

    /** The table of the routes added so far. */
    public RouteTable<A> build() {
      return new RouteTable<>(routes);
    }
  }
}
