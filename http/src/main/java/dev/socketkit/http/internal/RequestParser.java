package dev.socketkit.http.internal;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * Python's BaseHTTPRequestHandler.parse_request and http.client.parse_headers, as one pure class:
 * it sees bytes only (a raw request line, then header lines from a LineReader), never a socket, so
 * it can be fuzzed and tested without a network.
 *
 * Where CPython is lenient in ways that matter for request smuggling, this parser is strict and
 * answers 400 (RFC 9112): control characters in the request line, a header name that is not a
 * token or has whitespace before the colon, obsolete line folding, NUL or a bare CR in a value,
 * conflicting Content-Length values, and Content-Length together with Transfer-Encoding. It keeps
 * CPython's leniency where it is harmless: several spaces between the request-line words, LF
 * without CR, leading zeros in the version, HTTP/0.9 "GET /path".
 */

/**
 * Parses the request line and the header block of an HTTP/1.x request, as Python's {@code
 * parse_request} and {@code http.client.parse_headers} do, with the limits of CPython: 65,536 bytes
 * per line and 100 header lines.
 *
 * <p>Stateless and thread-safe; every method is static. Refusals are {@link BadRequestException}s
 * carrying the status to answer with.
 */
public final class RequestParser {
  /** Longest request line or header line, without counting more: CPython's {@code _MAXLINE}. */
  public static final int MAX_LINE = 65_536;

  /**
   * Most bytes in one request head (request line, header lines and the blank line that ends them):
   * 32 KiB, so that a client that has not yet authenticated holds little memory.
   */
  public static final int MAX_HEAD = 32 * 1024;

  /**
   * Most header lines in one request. CPython's {@code _MAXHEADERS} is 100 too, but it counts the
   * blank line that ends the block, so it accepts 99; here 100 header lines are accepted and the
   * 101st is refused.
   */
  public static final int MAX_HEADERS = 100;

  /**
   * Empty lines tolerated before a request line (RFC 9112 section 2.2: "SHOULD ignore at least
   * one").
   */
  public static final int MAX_LEADING_EMPTY_LINES = 8;

  /** The version assumed when a request line has none: Python's {@code default_request_version}. */
  public static final String HTTP_0_9 = "HTTP/0.9";

  private RequestParser() {}

  /** A source of lines, as Python's {@code rfile.readline(limit)}. */
  @FunctionalInterface
  public interface LineReader {
    /**
     * Returns the next line including its {@code \n}, at most {@code limit} bytes, or an empty
     * array at end of stream.
     */
    byte[] readLine(int limit) throws IOException;
  }

  /**
   * The parsed request line.
   *
   * @param command the method, case-sensitive ({@code GET})
   * @param path the request target as sent, with a leading {@code //} reduced to {@code /}
   * @param version the version as sent ({@code HTTP/1.1}), or {@code HTTP/0.9} when absent
   * @param major the major version number
   * @param minor the minor version number
   * @param requestLine the line without its line ending, decoded as ISO-8859-1
   * @param simple true for an HTTP/0.9 simple request ({@code GET /path}, no version, no headers)
   */
  public record RequestLine(
      String command,
      String path,
      String version,
      int major,
      int minor,
      String requestLine,
      boolean simple) {
    /** True for HTTP/1.1 and above (persistent connections by default). */
    public boolean atLeast11() {
      return major > 1 || (major == 1 && minor >= 1);
    }
  }

  /**
   * Parses a raw request line (as read, line ending included).
   *
   * @throws BadRequestException 400 for a malformed line or version, 505 for HTTP/2.0 and above;
   *     414 when the line is longer than {@link #MAX_LINE}
   */
  public static RequestLine parseRequestLine(byte[] raw) throws BadRequestException {
    if (raw.length > MAX_LINE) {
      throw new BadRequestException(414, "Request-URI Too Long");
    }
    String line = stripLineEnd(new String(raw, StandardCharsets.ISO_8859_1));
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new BadRequestException(400, "Bad request syntax (" + Repr.of(line) + ")");
      }
    }
    List<String> words = split(line);
    if (words.isEmpty()) {
      throw new BadRequestException(400, "Bad request syntax (" + Repr.of(line) + ")");
    }
    String version = HTTP_0_9;
    int major = 0;
    int minor = 9;
    if (words.size() >= 3) { // enough to determine the protocol version, as CPython
      version = words.get(words.size() - 1);
      int[] number = parseVersion(version);
      if (number == null) {
        throw new BadRequestException(400, "Bad request version (" + Repr.of(version) + ")");
      }
      major = number[0];
      minor = number[1];
      if (major >= 2) {
        throw new BadRequestException(
            505, "Invalid HTTP version (" + version.substring("HTTP/".length()) + ")");
      }
    }
    if (words.size() < 2 || words.size() > 3) {
      throw new BadRequestException(400, "Bad request syntax (" + Repr.of(line) + ")");
    }
    String command = words.get(0);
    String path = words.get(1);
    if (words.size() == 2 && !command.equals("GET")) {
      throw new BadRequestException(400, "Bad HTTP/0.9 request type (" + Repr.of(command) + ")");
    }
    if (!isToken(command)) {
      throw new BadRequestException(400, "Bad request method (" + Repr.of(command) + ")");
    }
    if (path.startsWith("//")) {
      // gh-87389, as CPython: "//host/x" would read as a scheme-relative URL in a Location header.
      int i = 0;
      while (i < path.length() && path.charAt(i) == '/') {
        i++;
      }
      path = "/" + path.substring(i);
    }
    return new RequestLine(command, path, version, major, minor, line, words.size() == 2);
  }

  /**
   * Reads header lines up to the blank line (or end of stream) and parses them into name/value
   * pairs in arrival order; names as sent, values without surrounding whitespace.
   *
   * @throws BadRequestException 431 for a line over {@link #MAX_LINE} bytes or more than {@link
   *     #MAX_HEADERS} lines; 400 for a malformed line or conflicting message framing
   * @throws IOException from the reader (a read timeout included)
   */
  public static List<Map.Entry<String, String>> readHeaders(LineReader in)
      throws IOException, BadRequestException {
    return readHeaders(in, Integer.MAX_VALUE);
  }

  /**
   * As {@link #readHeaders(LineReader)}, with at most {@code budget} bytes for all header lines and
   * the blank line together (what {@link #MAX_HEAD} leaves after the request line).
   *
   * @throws BadRequestException 431 also when the lines exceed {@code budget} bytes; reading stops
   *     there, so no more than {@code budget + 1} bytes are held
   */
  public static List<Map.Entry<String, String>> readHeaders(LineReader in, int budget)
      throws IOException, BadRequestException {
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int left = budget;
    while (true) {
      byte[] raw = in.readLine((int) Math.min(MAX_LINE + 1L, left + 1L));
      if (raw.length > MAX_LINE) {
        throw new BadRequestException(431, "Line too long", "header line");
      }
      if (raw.length > left) {
        // A line cut off here is longer than the room left: CPython's reason for a long line.
        boolean cut = raw[raw.length - 1] != '\n';
        throw new BadRequestException(
            431,
            cut ? "Line too long" : "Request header fields too large",
            "the request head is over " + MAX_HEAD + " bytes");
      }
      left -= raw.length;
      if (raw.length == 0) {
        break; // end of stream: the headers end here, as CPython's parse_headers
      }
      String line = stripLineEnd(new String(raw, StandardCharsets.ISO_8859_1));
      if (line.isEmpty()) {
        break;
      }
      if (headers.size() == MAX_HEADERS) {
        throw new BadRequestException(
            431, "Too many headers", "got more than " + MAX_HEADERS + " headers");
      }
      headers.add(parseHeaderLine(line));
    }
    checkFraming(headers);
    return headers;
  }

  /** One {@code name: value} line, without its line ending. */
  static Map.Entry<String, String> parseHeaderLine(String line) throws BadRequestException {
    if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
      // RFC 9112 section 5.2: obsolete line folding; a server may reject it with 400.
      throw new BadRequestException(400, "Bad header (obsolete line folding)");
    }
    int colon = line.indexOf(':');
    if (colon <= 0 || !isToken(line.substring(0, colon))) {
      // Includes whitespace before the colon (RFC 9112 section 5.1: MUST reject with 400).
      throw new BadRequestException(400, "Bad header line (" + Repr.of(line) + ")");
    }
    String value = line.substring(colon + 1);
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == 0 || c == '\r' || c == '\n') { // RFC 9110 section 5.5
        throw new BadRequestException(400, "Bad header value (" + Repr.of(line) + ")");
      }
    }
    return new SimpleImmutableEntry<>(line.substring(0, colon), trimOws(value));
  }

  /**
   * Refuses requests whose body length is ambiguous (RFC 9112 section 6.3): Content-Length with
   * Transfer-Encoding, differing Content-Length values, a Content-Length that is not a number.
   */
  static void checkFraming(List<Map.Entry<String, String>> headers) throws BadRequestException {
    String length = null;
    boolean transferEncoding = false;
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey().toLowerCase(Locale.ROOT);
      if (name.equals("transfer-encoding")) {
        transferEncoding = true;
      } else if (name.equals("content-length")) {
        for (String part : header.getValue().split(",", -1)) {
          String value = trimOws(part);
          if (value.isEmpty() || value.length() > 18 || !allDigits(value)) {
            throw new BadRequestException(400, "Bad Content-Length (" + Repr.of(value) + ")");
          }
          if (length != null && !length.equals(value)) {
            throw new BadRequestException(400, "Conflicting Content-Length values");
          }
          length = value;
        }
      }
    }
    if (transferEncoding && length != null) {
      throw new BadRequestException(400, "Content-Length with Transfer-Encoding");
    }
  }

  /** {@code [major, minor]} for {@code HTTP/d.d} (each 1 to 10 ASCII digits), else null. */
  static int[] parseVersion(String version) {
    if (!version.startsWith("HTTP/")) {
      return null;
    }
    String number = version.substring("HTTP/".length());
    int dot = number.indexOf('.');
    if (dot < 0 || number.indexOf('.', dot + 1) >= 0) {
      return null;
    }
    String major = number.substring(0, dot);
    String minor = number.substring(dot + 1);
    if (major.isEmpty() || minor.isEmpty() || major.length() > 10 || minor.length() > 10) {
      return null; // CPython: "unreasonable length http version"
    }
    if (!allDigits(major) || !allDigits(minor)) {
      return null;
    }
    long a = Long.parseLong(major);
    long b = Long.parseLong(minor);
    return new int[] {(int) Math.min(a, Integer.MAX_VALUE), (int) Math.min(b, Integer.MAX_VALUE)};
  }

  /** True when {@code s} is a non-empty RFC 9110 token (methods and header names). */
  public static boolean isToken(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static boolean allDigits(String s) {
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** Python's {@code line.rstrip('\r\n')}. */
  static String stripLineEnd(String line) {
    int end = line.length();
    while (end > 0 && (line.charAt(end - 1) == '\n' || line.charAt(end - 1) == '\r')) {
      end--;
    }
    return line.substring(0, end);
  }

  private static String trimOws(String s) {
    int start = 0;
    int end = s.length();
    while (start < end && (s.charAt(start) == ' ' || s.charAt(start) == '\t')) {
      start++;
    }
    while (end > start && (s.charAt(end - 1) == ' ' || s.charAt(end - 1) == '\t')) {
      end--;
    }
    return s.substring(start, end);
  }

  /** Splits on runs of spaces and tabs, as Python's {@code str.split()} does on ASCII text. */
  private static List<String> split(String line) {
    List<String> words = new ArrayList<>(3);
    int i = 0;
    while (i < line.length()) {
      while (i < line.length() && (line.charAt(i) == ' ' || line.charAt(i) == '\t')) {
        i++;
      }
      int start = i;
      while (i < line.length() && line.charAt(i) != ' ' && line.charAt(i) != '\t') {
        i++;
      }
      if (i > start) {
        words.add(line.substring(start, i));
      }
    }
    return words;
  }
}
