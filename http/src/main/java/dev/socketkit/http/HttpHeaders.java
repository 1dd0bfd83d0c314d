package dev.socketkit.http;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The header fields of a request, in arrival order, looked up without regard to case: Python's
 * {@code self.headers} (an {@code email.message.Message}).
 *
 * <p>Immutable and thread-safe. Names keep the spelling the client sent; values are the field
 * values without surrounding whitespace, decoded as ISO-8859-1 as Python does.
 */
public final class HttpHeaders {
  private static final HttpHeaders EMPTY = new HttpHeaders(List.of());

  private final List<Map.Entry<String, String>> fields;

  private HttpHeaders(List<Map.Entry<String, String>> fields) {
    this.fields = fields;
  }

  /** Headers holding {@code fields} (name, value) in this order; the list is copied. */
  public static HttpHeaders of(List<? extends Map.Entry<String, String>> fields) {
    List<Map.Entry<String, String>> copy = new ArrayList<>(fields.size());
    for (Map.Entry<String, String> field : fields) {
      copy.add(Map.entry(field.getKey(), field.getValue()));
    }
    return new HttpHeaders(Collections.unmodifiableList(copy));
  }

  /** No headers at all (an HTTP/0.9 request, or before a request has been read). */
  public static HttpHeaders empty() {
    return EMPTY;
  }

  /**
   * The first value of the field {@code name} (any case), or null when absent: Python's {@code
   * headers.get(name)}.
   */
  public String get(String name) {
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase(name)) {
        return field.getValue();
      }
    }
    return null;
  }

  /**
   * The first value of {@code name}, or {@code fallback} when absent: {@code get(name, default)}.
   */
  public String get(String name, String fallback) {
    String value = get(name);
    return value == null ? fallback : value;
  }

  /** Every value of the field {@code name}, in order; empty when absent: {@code get_all(name)}. */
  public List<String> getAll(String name) {
    List<String> values = new ArrayList<>(1);
    for (Map.Entry<String, String> field : fields) {
      if (field.getKey().equalsIgnoreCase(name)) {
        values.add(field.getValue());
      }
    }
    return Collections.unmodifiableList(values);
  }

  /** True when the field {@code name} is present: Python's {@code name in headers}. */
  public boolean contains(String name) {
    return get(name) != null;
  }

  /** The distinct field names in lower case, in order of first appearance. */
  public Set<String> names() {
    Set<String> names = new LinkedHashSet<>();
    for (Map.Entry<String, String> field : fields) {
      names.add(field.getKey().toLowerCase(Locale.ROOT));
    }
    return Collections.unmodifiableSet(names);
  }

  /** Every (name, value) pair in arrival order: Python's {@code headers.items()}. */
  public List<Map.Entry<String, String>> fields() {
    return fields;
  }

  /** The number of header lines. */
  public int size() {
    return fields.size();
  }

  /** The header block as it could be sent: {@code Name: value} lines. */
  @Override
  public String toString() {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, String> field : fields) {
      out.append(field.getKey()).append(": ").append(field.getValue()).append("\r\n");
    }
    return out.toString();
  }
}
