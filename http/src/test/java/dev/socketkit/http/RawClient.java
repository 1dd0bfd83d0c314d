package dev.socketkit.http;

import java.io.ByteArrayOutputStream;
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

/** A real socket speaking (or misspeaking) HTTP/1.x byte by byte; for tests. */
final class RawClient implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  RawClient(int port) throws IOException {
    socket = new Socket();
    socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
    socket.setSoTimeout(20_000);
    in = socket.getInputStream();
    out = socket.getOutputStream();
  }

  RawClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** One response: status line, headers, and a body by Content-Length or to the end of stream. */
  static final class Response {
    private final String statusLine;
    private final List<String> headerLines;
    private final byte[] body;

    Response(String statusLine, List<String> headerLines, byte[] body) {
      this.statusLine = statusLine;
      this.headerLines = headerLines;
      this.body = body;
    }

    String statusLine() {
      return statusLine;
    }

    List<String> headerLines() {
      return headerLines;
    }

    byte[] body() {
      return body.clone();
    }

    int status() {
      return Integer.parseInt(statusLine.split(" ", 3)[1]);
    }

    String header(String name) {
      for (String line : headerLines) {
        int colon = line.indexOf(':');
        if (line.substring(0, colon).equalsIgnoreCase(name)) {
          return line.substring(colon + 1).trim();
        }
      }
      return null;
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        break;
      }
      line.write(c);
    }
    if (c < 0 && line.size() == 0) {
      throw new IOException("end of stream");
    }
    String s = line.toString(StandardCharsets.ISO_8859_1);
    return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
  }

  /** Reads a response head and body; {@code head} true for a response to HEAD (no body). */
  Response read(boolean head) throws IOException {
    String status = readLine();
    List<String> lines = new ArrayList<>();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      lines.add(line);
    }
    Response partial = new Response(status, lines, new byte[0]);
    int code = partial.status();
    if (head || code < 200 || code == 204 || code == 304) {
      return partial;
    }
    String length = partial.header("Content-Length");
    byte[] body = length != null ? in.readNBytes(Integer.parseInt(length)) : in.readAllBytes();
    return new Response(status, lines, body);
  }

  Response read() throws IOException {
    return read(false);
  }

  Response get(String path) throws IOException {
    send("GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n");
    return read();
  }

  /** True when the server closed the connection: a read sees end of stream (or a reset). */
  boolean closedByServer() throws IOException {
    try {
      return in.read() < 0;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("reset");
    }
  }

  byte[] readAll() throws IOException {
    return in.readAllBytes();
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
