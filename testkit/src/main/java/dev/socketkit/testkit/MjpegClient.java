package dev.socketkit.testkit;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A test client that reads an MJPEG ({@code multipart/x-mixed-replace}) stream strictly: status
 * line, headers, then well-formed parts, each a boundary line, part headers, exactly {@code
 * Content-Length} bytes and a CRLF. The boundary is the one the {@code Content-Type} header names
 * ({@value #DEFAULT_BOUNDARY} when it names none).
 *
 * <p>Reads with a 10 s timeout when {@link #open opened} here. One thread uses a client at a time;
 * close it with try-with-resources.
 */
public final class MjpegClient implements AutoCloseable {
  /** The boundary socketkit's camera uses, assumed when the head names none. */
  public static final String DEFAULT_BOUNDARY = "FRAME";

  private static final int READ_TIMEOUT_MILLIS = 10_000;

  private final Socket socket;
  private final InputStream in;
  private String statusLine;
  private final Map<String, String> headers = new LinkedHashMap<>();
  private String boundary = DEFAULT_BOUNDARY;

  /** One part as received: its headers (names as sent) and its body. */
  @SuppressWarnings("ArrayRecordComponent") // a test value, compared by its content in tests
  public record Part(Map<String, String> headers, byte[] jpeg) {}

  /** Reads from an already connected {@code socket}, which this client now owns. */
  public MjpegClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  /**
   * Connects to {@code host:port}, sends {@code GET path HTTP/1.1} with {@code extraHeaders} (each
   * a whole {@code Name: value} line), and reads the response head.
   */
  public static MjpegClient open(String host, int port, String path, String... extraHeaders)
      throws IOException {
    Socket socket = new Socket();
    try {
      socket.connect(new InetSocketAddress(host, port), READ_TIMEOUT_MILLIS);
      socket.setSoTimeout(READ_TIMEOUT_MILLIS);
      StringBuilder request =
          new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
      for (String header : extraHeaders) {
        request.append(header).append("\r\n");
      }
      request.append("\r\n");
      socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
      MjpegClient client = new MjpegClient(socket);
      client.readHead();
      return client;
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  /** Reads the status line and headers; call once, before {@link #next()}. */
  public void readHead() throws IOException {
    statusLine = line();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
    String type = headers.getOrDefault("content-type", "");
    int at = type.toLowerCase(Locale.ROOT).indexOf("boundary=");
    if (at >= 0) {
      String value = type.substring(at + "boundary=".length()).split(";", 2)[0].strip();
      boundary =
          value.startsWith("\"") && value.endsWith("\"") && value.length() >= 2
              ? value.substring(1, value.length() - 1)
              : value;
    }
  }

  /** The status line read by {@link #readHead()}. */
  public String statusLine() {
    return statusLine;
  }

  /** The response headers, names in lower case, in the order received. */
  public Map<String, String> headers() {
    return Collections.unmodifiableMap(headers);
  }

  /** The (buffered) input stream, for reading whatever follows the head in another way. */
  public InputStream input() {
    return in;
  }

  /** The socket. */
  public Socket socket() {
    return socket;
  }

  /**
   * Reads the next part.
   *
   * @throws IOException if the boundary line or the CRLF after the body is not where it must be
   * @throws EOFException if the stream ends inside a part
   */
  public Part next() throws IOException {
    String line = line();
    if (!line.equals("--" + boundary)) {
      throw new IOException("expected the boundary line --" + boundary + ", got: " + line);
    }
    Map<String, String> partHeaders = new LinkedHashMap<>();
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      partHeaders.put(header.substring(0, colon), header.substring(colon + 1).strip());
    }
    String lengthHeader = partHeaders.get("Content-Length");
    if (lengthHeader == null) {
      throw new IOException("a part without Content-Length: " + partHeaders);
    }
    int length = Integer.parseInt(lengthHeader);
    byte[] jpeg = in.readNBytes(length);
    if (jpeg.length < length) {
      throw new EOFException("stream ended inside a part");
    }
    if (!line().isEmpty()) {
      throw new IOException("a part must end with CRLF");
    }
    return new Part(partHeaders, jpeg);
  }

  /** Reads one line up to LF, without the line end. */
  public String line() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) != '\n') {
      if (b < 0) {
        throw new EOFException("stream ended");
      }
      out.write(b);
    }
    String text = out.toString(StandardCharsets.ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /** Closes the socket. */
  @Override
  public void close() throws IOException {
    socket.close();
  }
}
