package dev.socketkit.camera.internal;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.FrameSource;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Relays another MJPEG server (an IP camera, mjpg-streamer, µStreamer, another socketkit): reads
 * its {@code multipart/x-mixed-replace} stream with the JDK's {@code HttpClient} and publishes each
 * JPEG part. Parts with {@code Content-Length} are read by length; a server that sends none is read
 * by splitting the body at JPEG markers. User and password in the URL, or a password given apart
 * from it (from a file or an environment variable, so that it is not in any process list), become
 * Basic auth and are never shown.
 *
 * <p>A part larger than the frame size cap is dropped without being held: one with a {@code
 * Content-Length} over the cap is skipped by its length, one without is cut off by the splitter as
 * soon as it passes the cap; either way the relay goes on with the next part, and the drops are
 * counted and logged at most once a minute. A hostile or broken upstream cannot make the camera
 * hold more than the cap per frame.
 *
 * <p>Runs on the supervisor's source thread; {@link #abort} (any thread) closes the body.
 */
public final class MjpegRelaySource implements FrameSource {
  private static final System.Logger LOG = System.getLogger(MjpegRelaySource.class.getName());
  private static final int MAX_HEADER_LINE = 8192;
  private static final int MAX_HEADERS = 100;
  private static final long WARN_INTERVAL_NANOS = TimeUnit.MINUTES.toNanos(1);

  private final URI uri;
  private final int maxFrame;
  private final AtomicLong oversizedFrames = new AtomicLong();
  private long warnedAt;
  private long warnedCount;
  private final String authorization;
  private volatile InputStream body;

  // One client for every run: each has its own selector thread and connection pool, and Java 17's
  // HttpClient cannot be closed, so a client per restart would pile them up until collected.
  private final HttpClient client =
      HttpClient.newBuilder()
          .connectTimeout(Duration.ofSeconds(10))
          .followRedirects(HttpClient.Redirect.NORMAL)
          .build();

  /**
   * Relays the stream at {@code url}, with frames up to {@link
   * FrameSource.Settings#DEFAULT_MAX_FRAME_SIZE}.
   *
   * @throws IllegalArgumentException if {@code url} is not a valid http(s) URL
   */
  public MjpegRelaySource(String url) {
    this(url, FrameSource.Settings.DEFAULT_MAX_FRAME_SIZE);
  }

  /**
   * Relays the stream at {@code url}, dropping frames larger than {@code maxFrame} bytes.
   *
   * @throws IllegalArgumentException if {@code url} is not a valid http(s) URL, or {@code maxFrame}
   *     is below 4
   */
  public MjpegRelaySource(String url, int maxFrame) {
    this(url, maxFrame, null);
  }

  /**
   * Relays the stream at {@code url}, dropping frames larger than {@code maxFrame} bytes, with
   * {@code password} for the user the URL names ({@code http://USER@HOST/...}): the password goes
   * into the {@code Authorization} header only, never into the URL, a description or an error. The
   * array is not kept; the caller may clear it.
   *
   * @param password the password of the URL's user, or null to take user and password (if any) from
   *     the URL
   * @throws IllegalArgumentException if {@code url} is not a valid http(s) URL, {@code maxFrame} is
   *     below 4, or a {@code password} is given for a URL that names no user or names a password
   *     already
   */
  public MjpegRelaySource(String url, int maxFrame, char[] password) {
    if (maxFrame < 4) {
      throw new IllegalArgumentException("maxFrame: " + maxFrame + " (expected: >= 4)");
    }
    this.maxFrame = maxFrame;
    URI parsed;
    try {
      parsed = new URI(url);
    } catch (URISyntaxException e) {
      throw invalid(e);
    }
    if (parsed.getHost() == null) {
      throw new IllegalArgumentException("not a valid URL (no host): " + Redaction.redact(url));
    }
    String userInfo = parsed.getRawUserInfo();
    if (password != null && (userInfo == null || userInfo.indexOf(':') >= 0)) {
      throw new IllegalArgumentException(
          userInfo == null
              ? "a source password needs a user in the URL: http://USER@HOST/..."
              : "the source URL has a password already; give it only one way");
    }
    if (userInfo != null) {
      String credentials = java.net.URLDecoder.decode(userInfo, StandardCharsets.UTF_8);
      if (password != null) {
        credentials = credentials + ":" + new String(password);
      }
      authorization =
          "Basic "
              + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
      try {
        parsed =
            new URI(
                parsed.getScheme(),
                null,
                parsed.getHost(),
                parsed.getPort(),
                parsed.getPath(),
                parsed.getQuery(),
                null);
      } catch (URISyntaxException e) {
        throw invalid(e);
      }
    } else {
      authorization = null;
    }
    this.uri = parsed;
  }

  /**
   * The URL's syntax error without the URL: its message and the exception quote the input, which
   * may hold a password (where the error is, often), and end up in a log or an error line.
   */
  @SuppressWarnings("UnusedException") // on purpose: its message holds the password
  private static IllegalArgumentException invalid(URISyntaxException e) {
    return new IllegalArgumentException(
        "not a valid URL: "
            + e.getReason()
            + (e.getIndex() >= 0 ? " at index " + e.getIndex() : ""));
  }

  @Override
  public String describe() {
    return "MJPEG relay of " + uri;
  }

  @Override
  public void run(FrameHub hub) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET();
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    HttpResponse<InputStream> response =
        client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream raw = response.body()) {
      body = raw;
      if (response.statusCode() != 200) {
        throw new IOException(uri + " answered HTTP " + response.statusCode());
      }
      String type = response.headers().firstValue("Content-Type").orElse("");
      if (!type.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
        throw new IOException(
            uri + " is not an MJPEG stream (Content-Type: " + type + ", expected multipart/...)");
      }
      relay(new BufferedInputStream(raw, 64 * 1024), hub);
    } finally {
      body = null;
    }
  }

  /** How many frames were dropped for being larger than the cap, since this source was made. */
  public long oversizedFrames() {
    return oversizedFrames.get();
  }

  private void relay(InputStream in, FrameHub hub) throws IOException, InterruptedException {
    while (true) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      // Skip to a boundary line ("--FRAME"), then read the part's headers.
      String line;
      do {
        line = readLine(in);
        if (line == null) {
          throw new IOException("the upstream stream ended");
        }
      } while (!line.startsWith("--"));
      long contentLength = -1;
      for (int i = 0; ; i++) {
        line = readLine(in);
        if (line == null) {
          throw new IOException("the upstream stream ended");
        }
        if (line.isEmpty()) {
          break;
        }
        if (i > MAX_HEADERS) {
          throw new IOException("too many part headers from upstream");
        }
        int colon = line.indexOf(':');
        if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
          try {
            contentLength = Long.parseLong(line.substring(colon + 1).trim());
          } catch (NumberFormatException e) {
            contentLength = -1;
          }
        }
      }
      if (contentLength < 0) {
        splitForever(in, hub); // no usable length: find the images by their markers
        return;
      }
      if (contentLength > maxFrame) {
        // Read past it without holding it; the next boundary follows.
        try {
          in.skipNBytes(contentLength);
        } catch (java.io.EOFException e) {
          throw new IOException("the upstream stream ended inside a part", e);
        }
        dropped(1, contentLength);
        continue;
      }
      byte[] jpeg = new byte[(int) contentLength];
      if (in.readNBytes(jpeg, 0, jpeg.length) < jpeg.length) {
        throw new IOException("the upstream stream ended inside a part");
      }
      if (Jpeg.looksWhole(jpeg)) {
        Size size = Jpeg.size(jpeg);
        hub.publish(jpeg, size.width(), size.height(), FrameHub.nowMicros());
      }
    }
  }

  private void splitForever(InputStream in, FrameHub hub) throws IOException, InterruptedException {
    JpegStreamSplitter splitter = new JpegStreamSplitter(in, maxFrame);
    byte[] jpeg;
    long oversized = 0;
    while ((jpeg = splitter.next()) != null) {
      if (Thread.currentThread().isInterrupted()) {
        throw new InterruptedException();
      }
      if (splitter.oversizedFrames() > oversized) {
        dropped(splitter.oversizedFrames() - oversized, -1);
        oversized = splitter.oversizedFrames();
      }
      Size size = Jpeg.size(jpeg);
      hub.publish(jpeg, size.width(), size.height(), FrameHub.nowMicros());
    }
    throw new IOException("the upstream stream ended");
  }

  /**
   * Counts {@code count} dropped frames and warns, at most once a minute, how many were dropped
   * since the last warning. Source thread.
   */
  private void dropped(long count, long size) {
    long total = oversizedFrames.addAndGet(count);
    long now = System.nanoTime();
    if (warnedCount > 0 && now - warnedAt < WARN_INTERVAL_NANOS) {
      return;
    }
    long since = total - warnedCount;
    warnedAt = now;
    warnedCount = total;
    LOG.log(
        Level.WARNING,
        "dropped "
            + since
            + " frame(s) from the relayed server larger than the "
            + maxFrame
            + "-byte cap"
            + (size >= 0 ? " (the last: " + size + " bytes)" : "")
            + "; raise it with --max-frame-size if the camera really sends such frames");
  }

  /** One line without its CRLF or LF, null at end of stream. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream(80);
    while (true) {
      int b = in.read();
      if (b < 0) {
        return line.size() == 0 ? null : line.toString(StandardCharsets.ISO_8859_1);
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      if (line.size() >= MAX_HEADER_LINE) {
        throw new IOException("a line longer than " + MAX_HEADER_LINE + " bytes from upstream");
      }
      line.write(b);
    }
  }

  @Override
  public void abort() {
    InputStream open = body;
    if (open != null) {
      try {
        open.close();
      } catch (IOException ignored) {
        // closing to unblock a reader; the reader reports the failure
      }
    }
  }
}
