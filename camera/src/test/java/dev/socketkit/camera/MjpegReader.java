package dev.socketkit.camera;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** A test client that reads an MJPEG stream strictly: status, headers, then well-formed parts. */
final class MjpegReader implements AutoCloseable {
  final Socket socket;
  final InputStream in;
  String statusLine;
  final Map<String, String> headers = new LinkedHashMap<>();

  /** One part as received. */
  @SuppressWarnings("ArrayRecordComponent") // a test value
  record Part(Map<String, String> headers, byte[] jpeg) {}

  MjpegReader(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
  }

  static MjpegReader open(String host, int port, String path, String... extraHeaders)
      throws IOException {
    Socket socket = new Socket(host, port);
    socket.setSoTimeout(10_000);
    StringBuilder request =
        new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\n");
    for (String header : extraHeaders) {
      request.append(header).append("\r\n");
    }
    request.append("\r\n");
    socket.getOutputStream().write(request.toString().getBytes(StandardCharsets.US_ASCII));
    MjpegReader reader = new MjpegReader(socket);
    reader.readHead();
    return reader;
  }

  void readHead() throws IOException {
    statusLine = line();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      headers.put(
          line.substring(0, colon).toLowerCase(Locale.ROOT), line.substring(colon + 1).strip());
    }
  }

  Part next() throws IOException {
    String boundary = line();
    if (!boundary.equals("--FRAME")) {
      throw new IOException("expected the boundary line, got: " + boundary);
    }
    Map<String, String> partHeaders = new LinkedHashMap<>();
    for (String line = line(); !line.isEmpty(); line = line()) {
      int colon = line.indexOf(':');
      partHeaders.put(line.substring(0, colon), line.substring(colon + 1).strip());
    }
    int length = Integer.parseInt(partHeaders.get("Content-Length"));
    byte[] jpeg = in.readNBytes(length);
    if (jpeg.length < length) {
      throw new EOFException("stream ended inside a part");
    }
    if (!line().isEmpty()) {
      throw new IOException("a part must end with CRLF");
    }
    return new Part(partHeaders, jpeg);
  }

  String line() throws IOException {
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

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
