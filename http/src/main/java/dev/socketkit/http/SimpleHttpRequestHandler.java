package dev.socketkit.http;

import dev.socketkit.http.internal.LogLine;
import dev.socketkit.http.internal.ResponseOutput;
import dev.socketkit.http.internal.StaticFiles;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * Serves the files under one directory, with listings for directories that have no {@code
 * index.html}: Python's {@code http.server.SimpleHTTPRequestHandler} (what {@code python -m
 * http.server} runs). Handles GET and HEAD; answers {@code Content-Type} by extension, {@code
 * Last-Modified}, and 304 to a matching {@code If-Modified-Since}.
 *
 * <p>Nothing outside the directory is reachable: {@code ..} (also percent-encoded, {@code %2e%2e})
 * stops at the root, and a file whose real path leads out of the directory through a symbolic link
 * is answered 404 (Python follows such links; this class does not).
 *
 * <p>Threading and lifecycle as {@link BaseHttpRequestHandler}: one object per connection, made by
 * the server's supplier, e.g. {@code () -> new SimpleHttpRequestHandler(dir)}. Files are opened and
 * closed within each request. Meant to be extended.
 */
public class SimpleHttpRequestHandler extends BaseHttpRequestHandler {
  private final Path directory;

  /**
   * Serves {@code directory}.
   *
   * @throws UncheckedIOException if the directory does not exist or cannot be resolved
   */
  public SimpleHttpRequestHandler(Path directory) {
    try {
      this.directory = directory.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The served directory, as a real path: Python's {@code directory}. */
  public final Path directory() {
    return directory;
  }

  /**
   * Files up to this size leave in one write with the response head; larger ones follow it with
   * {@code FileChannel.transferTo} (sendfile on Linux: no copy through the Java heap) on plain TCP,
   * or as a stream over TLS.
   */
  static final int MAX_JOINED_FILE = ResponseOutput.MAX_JOINED_WRITE - 1024;

  /** Sends the file, listing or error: Python's {@code do_GET}. */
  @Override
  protected void doGET() throws IOException {
    try (InputStream body = sendHead()) {
      if (body instanceof ExactLength file) {
        sendFile(file);
        if (file.left > 0) {
          // The file shrank after its length was sent: the client waits for bytes that will never
          // come, and any next response would be read as the rest of this body.
          setCloseConnection(true);
        }
      } else if (body != null) {
        body.transferTo(wfile);
      }
    }
  }

  /**
   * The most one {@code transferTo} call sends: about a socket send buffer, so that the write
   * deadline measures a client's progress, as it does for stream writes, not its whole download.
   */
  static final long TRANSFER_PIECE = 64 * 1024;

  private void sendFile(ExactLength file) throws IOException {
    SocketChannel channel;
    if (file.left <= MAX_JOINED_FILE
        || "HEAD".equals(command()) // a subclass's doHEAD calling doGET: wfile drops the body
        || (channel = plainChannel()) == null) {
      file.transferTo(wfile); // a small file's bytes join the head (ExactLength reads it whole)
      return;
    }
    long position = file.channel.position();
    while (file.left > 0) {
      long sent;
      beginWrite(); // a client that stops reading is closed at the write deadline
      try {
        // One piece at a time: a blocking sendfile returns only when its whole count is queued,
        // so the write deadline would cut a client that reads, only slowly, a large file.
        sent = file.channel.transferTo(position, Math.min(file.left, TRANSFER_PIECE), channel);
      } finally {
        endWrite();
      }
      if (sent <= 0) {
        if (position >= file.channel.size()) {
          return; // at the file's end: it shrank
        }
        // The socket took nothing, so the client's window is full. A virtual thread's socket is
        // non-blocking underneath (the JDK parks the thread instead), and sendfile then returns 0
        // rather than waiting; a channel write of the next bytes waits as a blocking write does.
        sent = writePiece(file.channel, position, channel);
        if (sent <= 0) {
          return;
        }
      }
      position += sent;
      file.left -= sent;
    }
  }

  /** Writes up to one piece of {@code file} from {@code position}; returns the bytes written. */
  private int writePiece(FileChannel file, long position, SocketChannel channel)
      throws IOException {
    ByteBuffer piece = ByteBuffer.allocate((int) Math.min(TRANSFER_PIECE, 16 * 1024));
    if (file.read(piece, position) <= 0) {
      return 0;
    }
    piece.flip();
    beginWrite();
    try {
      while (piece.hasRemaining()) {
        channel.write(piece);
      }
    } finally {
      endWrite();
    }
    return piece.limit();
  }

  /**
   * A file's stream cut at the Content-Length sent for it, so that a file growing while it is
   * copied cannot write past the body into what the client takes for the next response.
   */
  private static final class ExactLength extends FilterInputStream {
    private final FileChannel channel;
    private long left;

    ExactLength(FileChannel channel, long length) {
      super(Channels.newInputStream(channel));
      this.channel = channel;
      this.left = length;
    }

    @Override
    public long transferTo(OutputStream out) throws IOException {
      long total = 0;
      while (left > 0) {
        // One buffer as large as the rest (up to MAX_JOINED_FILE), filled straight from the
        // channel, so that a small file is one read and one write.
        ByteBuffer chunk = ByteBuffer.allocate((int) Math.min(left, MAX_JOINED_FILE));
        while (chunk.hasRemaining() && channel.read(chunk) >= 0) {
          // until the buffer is full or the file ends (it shrank)
        }
        if (chunk.position() == 0) {
          break;
        }
        out.write(chunk.array(), 0, chunk.position());
        left -= chunk.position();
        total += chunk.position();
      }
      return total;
    }

    @Override
    public int read() throws IOException {
      if (left <= 0) {
        return -1;
      }
      int b = in.read();
      if (b >= 0) {
        left--;
      }
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (left <= 0) {
        return len == 0 ? 0 : -1;
      }
      int n = in.read(b, off, (int) Math.min(len, left));
      if (n > 0) {
        left -= n;
      }
      return n;
    }

    @Override
    public long skip(long n) throws IOException {
      long skipped = in.skip(Math.min(n, left));
      left -= skipped;
      return skipped;
    }

    @Override
    public int available() throws IOException {
      return (int) Math.min(in.available(), left);
    }

    @Override
    public boolean markSupported() {
      return false;
    }
  }

  /** Sends the same head as GET, without a body: Python's {@code do_HEAD}. */
  @Override
  protected void doHEAD() throws IOException {
    InputStream body = sendHead(); // only the head: the file was opened to take its size
    if (body != null) {
      body.close();
    }
  }

  /**
   * Sends the response head for {@link #path()} and returns the body to copy (the caller closes
   * it), or null when the answer is complete (an error, a redirect, 304): Python's {@code
   * send_head()}. The head of a file or listing is held back to leave with the body's first bytes
   * (or when {@link #wfile} is flushed).
   */
  protected InputStream sendHead() throws IOException {
    String requestPath = path();
    String pathPart = QueryString.pathOf(requestPath);
    Path file = StaticFiles.translate(directory, requestPath);
    if (file == null) {
      sendError(404, "File not found");
      return null;
    }
    BasicFileAttributes found = StaticFiles.attributes(file); // one stat for both questions
    if (found != null && found.isDirectory()) {
      if (!pathPart.endsWith("/")) {
        // Redirect as Apache does, keeping the query: "/dir?x" -> "/dir/?x".
        sendResponse(301);
        sendHeader("Location", pathPart + "/" + requestPath.substring(pathPart.length()));
        sendHeader("Content-Length", "0");
        endHeaders();
        return null;
      }
      Path index = null;
      for (String name : StaticFiles.INDEX_PAGES) {
        Path candidate = StaticFiles.translate(directory, pathPart + name);
        if (candidate != null && Files.isRegularFile(candidate)) {
          index = candidate;
          break;
        }
      }
      if (index == null) {
        return listDirectory(file);
      }
      file = index;
    } else if (pathPart.endsWith("/")) {
      sendError(404, "File not found"); // a file is not a directory (CPython issue 17324)
      return null;
    } else if (found == null || !found.isRegularFile()) {
      sendError(404, "File not found");
      return null;
    }
    FileChannel in;
    BasicFileAttributes attributes;
    try {
      // Opened by its real path, checked at opening: a link swapped in after the checks above
      // cannot lead out of the directory.
      StaticFiles.Opened opened = StaticFiles.open(directory, file);
      in = opened.channel();
      attributes = opened.attributes();
    } catch (IOException e) {
      sendError(404, "File not found");
      return null;
    }
    try {
      long modified = attributes.lastModifiedTime().toMillis();
      String since = headers().get("If-Modified-Since");
      if (since != null && !headers().contains("If-None-Match")) {
        long ims = StaticFiles.parseHttpDate(since); // ill-formed: ignored, as Python
        if (ims >= 0 && Math.floorDiv(modified, 1000) <= ims) {
          sendResponse(304);
          endHeaders();
          in.close();
          return null;
        }
      }
      sendResponse(200);
      sendHeader("Content-type", guessType(file));
      sendHeader("Content-Length", Long.toString(attributes.size()));
      sendHeader("Last-Modified", LogLine.httpDate(modified));
      endHeadersWithBody(); // the file's first bytes leave with the head
      return new ExactLength(in, attributes.size());
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  /**
   * Sends a listing of {@code dir} (names HTML-escaped, links percent-encoded): Python's {@code
   * list_directory()}. Returns the page to copy, or null after a 404 when it cannot be read.
   */
  protected InputStream listDirectory(Path dir) throws IOException {
    byte[] page;
    try {
      page = StaticFiles.listing(path(), dir).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      sendError(404, "No permission to list directory");
      return null;
    }
    sendResponse(200);
    sendHeader("Content-type", "text/html; charset=utf-8");
    sendHeader("Content-Length", Integer.toString(page.length));
    endHeadersWithBody();
    return new ByteArrayInputStream(page);
  }

  /** The {@code Content-Type} for {@code file}: Python's {@code guess_type()}. */
  protected String guessType(Path file) {
    return StaticFiles.guessType(file.getFileName().toString());
  }
}
