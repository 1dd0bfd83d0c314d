package dev.socketkit.loadgen.internal;

import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The one request a stream viewer sends, and where to: an HTTP/1.0 GET, so that no server answers
 * with chunked encoding and the body runs until the server closes. Stateless; any thread.
 */
final class StreamRequest {
  private StreamRequest() {}

  /** The address {@code url} names, port 80 when it names none. */
  static InetSocketAddress addressOf(URI url) {
    return new InetSocketAddress(url.getHost(), url.getPort() < 0 ? 80 : url.getPort());
  }

  /** {@code GET PATH?QUERY HTTP/1.0} with {@code Host}, {@code User-Agent} and {@code Accept}. */
  static byte[] of(URI url) {
    String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
    if (url.getRawQuery() != null) {
      path += "?" + url.getRawQuery();
    }
    String hostHeader = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
    return ("GET "
            + path
            + " HTTP/1.0\r\nHost: "
            + hostHeader
            + "\r\nUser-Agent: socketkit-bench\r\nAccept: */*\r\n\r\n")
        .getBytes(StandardCharsets.ISO_8859_1);
  }
}
