package dev.socketkit.http.internal;

import dev.socketkit.http.Html;
import dev.socketkit.http.QueryString;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/*
 * The file-system half of Python's SimpleHTTPRequestHandler (translate_path, list_directory,
 * guess_type), kept apart from the socket so each rule is tested alone.
 *
 * One deliberate difference: CPython follows symbolic links wherever they point. Here a path is
 * served only when its real path (all links resolved) is still inside the real root directory, so
 * neither "..", nor "%2e%2e", nor a link pointing out leaves the directory.
 */

/** Maps request paths to files under one root directory, and renders directory listings. */
public final class StaticFiles {
  private StaticFiles() {}

  /** Python's {@code SimpleHTTPRequestHandler.index_pages}. */
  public static final List<String> INDEX_PAGES = List.of("index.html", "index.htm");

  // Python's mimetypes for the common extensions, plus SimpleHTTPRequestHandler.extensions_map.
  private static final Map<String, String> TYPES =
      Map.ofEntries(
          Map.entry("html", "text/html"),
          Map.entry("htm", "text/html"),
          Map.entry("css", "text/css"),
          Map.entry("js", "text/javascript"),
          Map.entry("mjs", "text/javascript"),
          Map.entry("json", "application/json"),
          Map.entry("txt", "text/plain"),
          Map.entry("text", "text/plain"),
          Map.entry("md", "text/markdown"),
          Map.entry("csv", "text/csv"),
          Map.entry("xml", "text/xml"),
          Map.entry("py", "text/x-python"),
          Map.entry("png", "image/png"),
          Map.entry("jpg", "image/jpeg"),
          Map.entry("jpeg", "image/jpeg"),
          Map.entry("gif", "image/gif"),
          Map.entry("svg", "image/svg+xml"),
          Map.entry("ico", "image/vnd.microsoft.icon"),
          Map.entry("webp", "image/webp"),
          Map.entry("bmp", "image/bmp"),
          Map.entry("mp4", "video/mp4"),
          Map.entry("webm", "video/webm"),
          Map.entry("mjpg", "video/x-motion-jpeg"),
          Map.entry("mp3", "audio/mpeg"),
          Map.entry("wav", "audio/x-wav"),
          Map.entry("pdf", "application/pdf"),
          Map.entry("wasm", "application/wasm"),
          Map.entry("zip", "application/zip"),
          Map.entry("tar", "application/x-tar"),
          Map.entry("gz", "application/gzip"),
          Map.entry("bz2", "application/x-bzip2"),
          Map.entry("xz", "application/x-xz"),
          Map.entry("woff", "font/woff"),
          Map.entry("woff2", "font/woff2"));

  /** Python's {@code guess_type}: the type for the file name's extension, else octet-stream. */
  public static String guessType(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) {
      return "application/octet-stream";
    }
    String type = TYPES.get(fileName.substring(dot + 1).toLowerCase(Locale.ROOT));
    return type == null ? "application/octet-stream" : type;
  }

  /**
   * Python's {@code translate_path}, confined: drops the query and fragment, percent-decodes,
   * resolves {@code .} and {@code ..} without climbing above the root, and joins the rest to {@code
   * root}. Returns null when the path cannot name a file inside {@code root}: undecodable, a NUL,
   * or (for an existing file) a real path outside the real root because of a symbolic link.
   *
   * @param root the served directory, already a real path ({@link Path#toRealPath})
   */
  public static Path translate(Path root, String requestPath) {
    String path = QueryString.pathOf(requestPath);
    String decoded = unquote(path);
    if (decoded == null || decoded.indexOf('\0') >= 0) {
      return null;
    }
    Deque<String> words = new ArrayDeque<>();
    for (String word : decoded.split("/", -1)) {
      if (word.isEmpty() || word.equals(".")) {
        continue;
      }
      if (word.equals("..")) {
        words.pollLast(); // posixpath.normpath: ".." above the root stays at the root
        continue;
      }
      words.addLast(word);
    }
    Path target = root;
    try {
      for (String word : words) {
        target = target.resolve(word);
      }
    } catch (InvalidPathException e) {
      return null;
    }
    if (!target.normalize().startsWith(root)) {
      return null;
    }
    try {
      if (!target.toRealPath().startsWith(root)) {
        return null; // a symbolic link (here or in a parent) leads out of the root
      }
    } catch (NoSuchFileException e) {
      // Nothing there, or a dangling link: the caller finds no file and answers 404.
      return Files.isSymbolicLink(target) ? null : target;
    } catch (IOException e) {
      return null; // no permission to resolve it, or a loop of links
    }
    return target;
  }

  /**
   * The attributes of {@code file}, following links, or null when there is nothing to read there
   * (missing, a dangling link, no permission).
   */
  public static BasicFileAttributes attributes(Path file) {
    try {
      return Files.readAttributes(file, BasicFileAttributes.class);
    } catch (IOException e) {
      return null;
    }
  }

  /** A file opened by {@link #open}: its channel and its attributes, read from the same path. */
  public record Opened(FileChannel channel, BasicFileAttributes attributes) {}

  /**
   * Opens {@code file}, a path {@link #translate} returned, for reading only if it is, at the
   * moment of opening, a regular file inside {@code root}. The name is opened without following a
   * link at its last component; only when it is a link is its real path resolved, checked and
   * opened the same way. So a file checked by {@link #translate} and swapped for a symbolic link
   * before it is opened is refused, not followed out of the root, and a plain file costs no path
   * resolution here (translate resolved it already).
   *
   * @param root the served directory, already a real path ({@link Path#toRealPath})
   * @throws IOException if the file is missing, outside {@code root}, not a regular file or
   *     unreadable (a {@link NoSuchFileException} for the first three)
   */
  public static Opened open(Path root, Path file) throws IOException {
    Path real = file;
    FileChannel channel;
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException notPlain) { // a link at the last component (ELOOP), or nothing there
      real = file.toRealPath();
      if (!real.startsWith(root)) {
        throw new NoSuchFileException(file.toString(), null, "outside the served directory");
      }
      channel = FileChannel.open(real, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
    }
    try {
      BasicFileAttributes attributes =
          Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      if (!attributes.isRegularFile()) {
        throw new NoSuchFileException(file.toString(), null, "not a regular file");
      }
      return new Opened(channel, attributes);
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Python's {@code list_directory} page for {@code dir}: entries sorted without regard to case,
   * directories with a trailing {@code /}, symbolic links with {@code @}, names HTML-escaped and
   * links percent-encoded.
   *
   * @param requestPath the request's path as sent, shown (decoded and escaped) in the title
   */
  public static String listing(String requestPath, Path dir) throws IOException {
    List<Path> entries = new ArrayList<>();
    try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
      for (Path entry : stream) {
        entries.add(entry);
      }
    }
    entries.sort(
        (a, b) ->
            a.getFileName()
                .toString()
                .toLowerCase(Locale.ROOT)
                .compareTo(b.getFileName().toString().toLowerCase(Locale.ROOT)));
    String shown = unquote(requestPath);
    String displayPath = Html.escape(shown == null ? requestPath : shown, false);
    String title = "Directory listing for " + displayPath;
    StringBuilder r = new StringBuilder();
    r.append("<!DOCTYPE HTML>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    r.append("<title>").append(title).append("</title>\n</head>\n");
    r.append("<body>\n<h1>").append(title).append("</h1>\n");
    r.append("<hr>\n<ul>\n");
    for (Path entry : entries) {
      String name = entry.getFileName().toString();
      String displayName = name;
      String linkName = name;
      if (Files.isDirectory(entry)) {
        displayName = name + "/";
        linkName = name + "/";
      }
      if (Files.isSymbolicLink(entry)) {
        displayName = name + "@"; // a link to a directory shows "@" and links with "/"
      }
      r.append("<li><a href=\"")
          .append(quote(linkName))
          .append("\">")
          .append(Html.escape(displayName, false))
          .append("</a></li>\n");
    }
    r.append("</ul>\n<hr>\n</body>\n</html>\n");
    return r.toString();
  }

  /**
   * Python's {@code urllib.parse.quote(s)}: UTF-8, every byte but letters, digits, {@code _.-~} and
   * {@code /} as {@code %XX}.
   */
  public static String quote(String s) {
    StringBuilder out = new StringBuilder(s.length() + 8);
    for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean safe =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '_'
              || c == '.'
              || c == '-'
              || c == '~'
              || c == '/';
      if (safe) {
        out.append((char) c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        out.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
    return out.toString();
  }

  /**
   * Percent-decodes {@code s} (no {@code +} rule: this is a path) as UTF-8; a {@code %} not
   * followed by two hex digits stays as it is, as in Python. Returns null when the bytes are not
   * UTF-8.
   */
  public static String unquote(String s) {
    if (s.indexOf('%') < 0) {
      return s;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '%'
          && i + 2 < s.length()
          && hex(s.charAt(i + 1)) >= 0
          && hex(s.charAt(i + 2)) >= 0) {
        bytes.write(hex(s.charAt(i + 1)) * 16 + hex(s.charAt(i + 2)));
        i += 2;
      } else {
        byte[] encoded = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
        bytes.write(encoded, 0, encoded.length);
      }
    }
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes.toByteArray()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  private static int hex(char c) {
    return Character.digit(c, 16);
  }

  /**
   * Python's {@code parsedate_to_datetime} for an {@code If-Modified-Since} value, as epoch
   * seconds; -1 when the value is ill-formed (and so, as in Python, ignored).
   */
  public static long parseHttpDate(String value) {
    try {
      return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME)
          .toEpochSecond();
    } catch (DateTimeParseException e) {
      return -1;
    }
  }
}
