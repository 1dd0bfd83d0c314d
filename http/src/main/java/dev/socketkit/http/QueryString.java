package dev.socketkit.http;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/*
 * Python's behaviour, kept on purpose (urllib.parse.parse_qsl(qs, keep_blank_values=True)):
 *
 * - Only "&" separates pairs. ";" is an ordinary character, as in Python since 3.9.2 / 3.10
 *   (CVE-2021-23336: splitting on ";" let a proxy and a server disagree on the parameters).
 * - Empty pieces ("a=1&&b=2", a leading or trailing "&") are skipped.
 * - A piece without "=" is a name with an empty value; "a==b" is name "a", value "=b".
 * - "+" is a space; then %XX escapes are decoded as UTF-8. An escape that is not two hex digits
 *   ("%zz", a trailing "%4") stays as it is, and bytes that are not UTF-8 become U+FFFD
 *   (urllib.parse.unquote with errors="replace"). A malformed pair is therefore kept, never
 *   dropped: "?token=%zz" means the token "%zz" everywhere.
 */

/**
 * A request target's query string, parsed as Python's {@code urllib.parse.parse_qsl(qs,
 * keep_blank_values=True)}: the ordered name/value pairs, with {@link #first(String)} and {@link
 * #asMap()} for the usual look-ups, and the split of a request target into path and query.
 *
 * <pre>{@code
 * QueryString query = QueryString.ofTarget(path());   // "/stream.mjpg?fps=5&token=a%2Bb"
 * String route = QueryString.pathOf(path());           // "/stream.mjpg"
 * String fps = query.first("fps");                     // "5"
 * String token = query.first("token");                 // "a+b"
 * }</pre>
 *
 * <p>Only {@code &} separates pairs ({@code ;} is an ordinary character, as in Python 3.10); an
 * empty piece is skipped; a piece without {@code =} has the empty value; {@code +} is a space;
 * {@code %XX} escapes are UTF-8, an invalid escape such as {@code %zz} stays as it is, and bytes
 * that are not UTF-8 become U+FFFD. No pair is ever dropped for being malformed.
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public final class QueryString {
  private static final QueryString EMPTY = new QueryString(List.of());

  private final List<Map.Entry<String, String>> pairs;

  private QueryString(List<Map.Entry<String, String>> pairs) {
    this.pairs = pairs;
  }

  /**
   * The path of a request target: everything before the first {@code ?} or {@code #} ({@code
   * /a/b?x=1} gives {@code /a/b}), still percent-encoded. As Python's {@code
   * SimpleHTTPRequestHandler} and {@code urllib.parse.urlsplit} cut it.
   *
   * @throws NullPointerException if {@code target} is null
   */
  public static String pathOf(String target) {
    int end = target.length();
    for (int i = 0; i < target.length(); i++) {
      char c = target.charAt(i);
      if (c == '?' || c == '#') {
        end = i;
        break;
      }
    }
    return target.substring(0, end);
  }

  /**
   * The raw query of a request target: what follows the first {@code ?} up to a {@code #}, still
   * encoded; the empty string when there is no {@code ?} (or the {@code #} comes first), as the
   * {@code query} of Python's {@code urllib.parse.urlsplit}.
   *
   * @throws NullPointerException if {@code target} is null
   */
  public static String rawQueryOf(String target) {
    int fragment = target.indexOf('#');
    String beforeFragment = fragment < 0 ? target : target.substring(0, fragment);
    int question = beforeFragment.indexOf('?');
    return question < 0 ? "" : beforeFragment.substring(question + 1);
  }

  /** The parsed query of a request target: {@code parse(rawQueryOf(target))}. */
  public static QueryString ofTarget(String target) {
    return parse(rawQueryOf(target));
  }

  /**
   * Parses a raw query string (without the {@code ?}) as Python's {@code parse_qsl(query,
   * keep_blank_values=True)}. Never fails: malformed escapes are kept as they came.
   *
   * @param query the query string; null or empty gives no pairs
   */
  public static QueryString parse(String query) {
    if (query == null || query.isEmpty()) {
      return EMPTY;
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (String piece : query.split("&", -1)) {
      if (piece.isEmpty()) {
        continue;
      }
      int eq = piece.indexOf('=');
      String name = eq < 0 ? piece : piece.substring(0, eq);
      String value = eq < 0 ? "" : piece.substring(eq + 1);
      pairs.add(Map.entry(decode(name), decode(value)));
    }
    return new QueryString(Collections.unmodifiableList(pairs));
  }

  /** The decoded pairs in the order they came, repeated names included; unmodifiable. */
  public List<Map.Entry<String, String>> pairs() {
    return pairs;
  }

  /** The value of the first pair named {@code name}, or null when there is none. */
  public String first(String name) {
    for (Map.Entry<String, String> pair : pairs) {
      if (pair.getKey().equals(name)) {
        return pair.getValue();
      }
    }
    return null;
  }

  /** Every value of the pairs named {@code name}, in order; empty when there is none. */
  public List<String> all(String name) {
    List<String> values = new ArrayList<>();
    for (Map.Entry<String, String> pair : pairs) {
      if (pair.getKey().equals(name)) {
        values.add(pair.getValue());
      }
    }
    return Collections.unmodifiableList(values);
  }

  /**
   * Each name with its first value, in the order the names first came; an unmodifiable copy. The
   * first of a repeated name wins, as {@link #first(String)}.
   */
  public Map<String, String> asMap() {
    Map<String, String> map = new LinkedHashMap<>();
    for (Map.Entry<String, String> pair : pairs) {
      map.putIfAbsent(pair.getKey(), pair.getValue());
    }
    return Collections.unmodifiableMap(map);
  }

  /** True when the query has no pairs. */
  public boolean isEmpty() {
    return pairs.isEmpty();
  }

  /** The pairs, for debugging: {@code [a=1, b=]}. */
  @Override
  public String toString() {
    return pairs.toString();
  }

  /**
   * Python's {@code unquote(s.replace('+', ' '), errors='replace')}: {@code +} is a space, each run
   * of valid {@code %XX} escapes is decoded as UTF-8 with U+FFFD for bad bytes, anything else
   * stays.
   */
  static String decode(String s) {
    if (s.indexOf('%') < 0) {
      return s.replace('+', ' ');
    }
    StringBuilder out = new StringBuilder(s.length());
    ByteArrayOutputStream run = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%' && i + 2 < s.length() && isHex(s.charAt(i + 1)) && isHex(s.charAt(i + 2))) {
        run.write(Character.digit(s.charAt(i + 1), 16) * 16 + Character.digit(s.charAt(i + 2), 16));
        i += 2;
        continue;
      }
      flush(run, out);
      out.append(c == '+' ? ' ' : c);
    }
    flush(run, out);
    return out.toString();
  }

  private static boolean isHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  private static void flush(ByteArrayOutputStream run, StringBuilder out) {
    if (run.size() == 0) {
      return;
    }
    try {
      out.append(
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPLACE)
              .onUnmappableCharacter(CodingErrorAction.REPLACE)
              .decode(ByteBuffer.wrap(run.toByteArray())));
    } catch (CharacterCodingException e) {
      throw new AssertionError("a replacing decoder cannot fail", e);
    }
    run.reset();
  }
}
