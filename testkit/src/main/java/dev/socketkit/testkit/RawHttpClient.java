package dev.socketkit.testkit;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A real loopback socket speaking (or misspeaking) HTTP/1.x byte by byte: send raw bytes, read a
 * response head, then a body framed by {@code Content-Length} or read until the server closes.
 *
 * <p>Connects with a 5 s timeout and reads with a 20 s timeout, so a test never hangs on a silent
 * server. One thread uses a client at a time; close it with try-with-resources.
 */
public final class RawHttpClient implements AutoCloseable {
  private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
  private static final int READ_TIMEOUT_MILLIS = 20_000;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  /** Connects to {@code port} on the loopback address. */
  public RawHttpClient(int port) throws IOException {
    this(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
  }

  /** Connects to {@code address}. */
  public RawHttpClient(InetSocketAddress address) throws IOException {
    this(connect(address));
  }

  /** Speaks over an already connected {@code socket}, which this client now owns. */
  public RawHttpClient(Socket socket) throws IOException {
    this.socket = socket;
    // Unbuffered on purpose: a test may go on reading the socket's own stream after a response.
    this.in = socket.getInputStream();
    this.out = socket.getOutputStream();
  }

  private static Socket connect(InetSocketAddress address) throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(address, CONNECT_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      return socket;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** The socket, for tests that need to half-close it or change its options. */
  public Socket socket() {
    return socket;
  }

  /** The socket's input stream, which this client reads byte by byte without buffering. */
  public InputStream input() {
    return in;
  }

  /** Sends {@code text} as ISO-8859-1 bytes, exactly as given (write {@code \r\n} yourself). */
  public RawHttpClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Sends {@code bytes} and flushes. */
  public RawHttpClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Sends a minimal {@code GET path HTTP/1.1} and reads the response. */
  public Response get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    return read();
  }

  /**
   * Reads one line up to LF, without the line end (a CR before the LF is dropped).
   *
   * @throws EOFException if the stream ends before any byte of the line
   */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      line.write(c);
    }
    if (c < 0 && line.size() == 0) {
      throw new EOFException("end of stream");
    }
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** Reads a status line and header lines up to the blank line; the body is left unread. */
  public Response readHead() throws IOException {
    String status = readLine();
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      lines.add(line);
    }
    return new Response(status, lines, new byte[0]);
  }

  /**
   * Reads a response head and its body: up to {@code Content-Length} bytes (fewer if the server
   * closes first; the test compares the body), or everything until the server closes when there is
   * no length. No body when {@code head} is true (a response to HEAD) or the status has none (1xx,
   * 204, 304).
   */
  public Response read(boolean head) throws IOException {
    Response partial = readHead();
    int code = partial.status();
    if (head || code < 200 || code == 204 || code == 304) {
      return partial;
    }
    String length = partial.header("Content-Length");
    byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
    return new Response(partial.statusLine(), partial.headerLines(), body);
  }

  /** Reads a response to anything but HEAD; see {@link #read(boolean)}. */
  public Response read() throws IOException {
    return read(false);
  }

  /**
   * True when the server has closed the connection: a read sees end of stream or a reset; false
   * when the read timed out with the connection still open. Consumes one byte if one was there.
   */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset");
    }
  }

  /** Everything the server sends until it closes. */
  public byte[] readAll() throws IOException {
    return in.readAllBytes();
  }

  /** Closes the socket. */
  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** One response: status line, header lines as received, and the body. Immutable. */
  public static final class Response {
    private final String statusLine;
    private final List<String> headerLines;
    private final byte[] body;

    Response(String statusLine, List<String> headerLines, byte[] body) {
      this.statusLine = statusLine;
      this.headerLines = List.copyOf(headerLines);
      this.body = body;
    }

    /** The status line, e.g. {@code HTTP/1.1 200 OK}. */
    public String statusLine() {
      return statusLine;
    }

    /** The header lines in the order received, each {@code Name: value}. */
    public List<String> headerLines() {
      return headerLines;
    }

    /** A copy of the body bytes (empty when there was none). */
    public byte[] body() {
      return body.clone();
    }

    /** The status code. */
    public int status() {
      return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }

    /** The first header's value by case-insensitive name, trimmed; null when absent. */
    public String header(String name) {
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    /** The body as UTF-8 text. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }
}
