package dev.socketkit.camera;

import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Decides whether a request's {@code Host} names this server, the defence against DNS rebinding for
 * a camera without credentials.
 *
 * <p>A page the operator visits on {@code evil.test} can point that name at 127.0.0.1 once it has
 * loaded; its scripts then reach the camera as the same origin, and without credentials nothing
 * else stops them from reading snapshots or deleting recordings. The browser still sends {@code
 * Host: evil.test}, so a camera that answers only to its own names is out of reach. Accepted:
 * {@code localhost}, any IP address literal (rebinding needs a name that the attacker's DNS answers
 * for; an address cannot be rebound), the name the camera listens on, and the names given with
 * {@code --allowed-host}. Names are compared without case, port or a final dot. A request without
 * {@code Host} (HTTP/1.0, no browser sends one) is accepted. Immutable; any thread.
 */
final class HostCheck {
  private final Set<String> names = new TreeSet<>();

  /** Accepts {@code localhost}, addresses, {@code listenHost} and {@code allowed}. */
  HostCheck(String listenHost, List<String> allowed) {
    names.add("localhost");
    names.add(normalise(listenHost));
    for (String name : allowed) {
      names.add(normalise(name));
    }
  }

  /** Whether a request with this {@code Host} header value (null: none) may be answered. */
  boolean accepts(String hostHeader) {
    if (hostHeader == null) {
      return true;
    }
    String host = hostHeader.trim();
    if (host.startsWith("[")) {
      int close = host.indexOf(']');
      // An IPv6 literal, with or without a port: an address, which cannot be rebound.
      return close > 1 && isIpv6(host.substring(1, close)) && validPort(host.substring(close + 1));
    }
    int colon = host.lastIndexOf(':');
    if (colon >= 0) {
      if (!validPort(host.substring(colon))) {
        return false;
      }
      host = host.substring(0, colon);
    }
    String name = normalise(host);
    return isIpv4(name) || names.contains(name);
  }

  /** Lower case, without a final dot ({@code Example.ORG.} is {@code example.org}). */
  private static String normalise(String name) {
    String lower = name.trim().toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** Empty, or a colon and one to five digits. */
  private static boolean validPort(String rest) {
    if (rest.isEmpty()) {
      return true;
    }
    if (rest.charAt(0) != ':' || rest.length() < 2 || rest.length() > 6) {
      return false;
    }
    for (int i = 1; i < rest.length(); i++) {
      char c = rest.charAt(i);
      if (c < '0' || c > '9') {
        return false;
      }
    }
    return true;
  }

  /** Four dot-separated decimal numbers 0 to 255: what a browser sends for an IPv4 URL. */
  private static boolean isIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3) {
        return false;
      }
      for (int i = 0; i < part.length(); i++) {
        char c = part.charAt(i);
        if (c < '0' || c > '9') {
          return false;
        }
      }
      if (Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  /** Hex digits, colons and dots (an embedded IPv4 part), at least two colons. */
  private static boolean isIpv6(String host) {
    int colons = 0;
    for (int i = 0; i < host.length(); i++) {
      char c = host.charAt(i);
      if (c == ':') {
        colons++;
      } else if (Character.digit(c, 16) < 0 && c != '.') {
        return false;
      }
    }
    return colons >= 2;
  }
}
