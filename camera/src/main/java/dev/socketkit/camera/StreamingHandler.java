package dev.socketkit.camera;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Size;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.http.BaseHttpRequestHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The lecture's {@code StreamingHandler(BaseHTTPRequestHandler)}: {@link #doGET()} looks at {@link
 * #path()} and serves the page, the MJPEG stream, a snapshot or the state.
 *
 * <ul>
 *   <li>{@code /} and {@code /index.html}: the live page.
 *   <li>{@code /stream.mjpg}: the lecture's headers ({@code Age: 0}, {@code Cache-Control:
 *       no-cache, private}, {@code Pragma: no-cache}, {@code Content-Type:
 *       multipart/x-mixed-replace; boundary=FRAME}), then one part per frame with {@code
 *       Content-Type}, {@code Content-Length} and {@code X-Timestamp}. {@code ?fps=N} caps this
 *       viewer's rate.
 *   <li>{@code /snapshot.jpg}: the newest frame. {@code /state}: JSON.
 * </ul>
 *
 * <p>Every path needs credentials when the camera has an auth file: Basic auth, or a signed link
 * ({@code ?token=}). One handler per connection, on that connection's thread. For the stream, the
 * handler sends the response head itself, as the lecture does, then hands a plain-TCP connection to
 * the camera's fan-out loop and waits for the viewer to end; over TLS it writes the frames itself.
 * The server closes the connection after the handler returns.
 */
public class StreamingHandler extends BaseHttpRequestHandler {
  private static final System.Logger LOG = System.getLogger(StreamingHandler.class.getName());
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private static final String PAGE = resource("index.html");
  private static final int MAX_VIEWER_FPS = 240;
  private static final Pattern TOKEN = Pattern.compile("token=[^&\\s]*");

  /** Made by the server for each connection ({@code StreamingHandler::new}). */
  public StreamingHandler() {}

  /** The camera this handler's server serves. */
  protected final Camera camera() {
    return ((StreamingServer) server()).camera();
  }

  /** Python's {@code do_GET}: serves the page, the stream, a snapshot or the state. */
  @Override
  protected void doGET() throws IOException {
    String target = path();
    int question = target.indexOf('?');
    String route = question < 0 ? target : target.substring(0, question);
    Map<String, String> query = query(question < 0 ? "" : target.substring(question + 1));
    if (!authorised(query)) {
      return;
    }
    switch (route) {
      case "/", "/index.html" -> page();
      case "/stream.mjpg" -> stream(query);
      case "/snapshot.jpg" -> snapshot();
      case "/state" -> state();
      default -> {
        if (!surveillance("GET", route, target, question)) {
          sendError(
              404, "Not Found", "The camera serves /, /stream.mjpg, /snapshot.jpg and /state.");
        }
      }
    }
  }

  /**
   * {@code POST /recordings/NAME/delete}, from the recordings page's delete button; refused with
   * 403 when it comes from another site's page ({@code Origin} or {@code Sec-Fetch-Site}).
   */
  @Override
  protected void doPOST() throws IOException {
    otherMethod("POST");
  }

  /** {@code DELETE /recordings/NAME}. */
  @Override
  protected void doDELETE() throws IOException {
    otherMethod("DELETE");
  }

  private void otherMethod(String method) throws IOException {
    String target = path();
    int question = target.indexOf('?');
    String route = question < 0 ? target : target.substring(0, question);
    // A request body is not read: close after answering so it is never taken for a request.
    setCloseConnection(true);
    if (!authorised(query(question < 0 ? "" : target.substring(question + 1)))) {
      return;
    }
    if (crossSite()) {
      sendError(
          403,
          "Forbidden",
          "A page from another site may not change the camera's recordings (cross-site request).");
      return;
    }
    if (!surveillance(method, route, target, question)) {
      sendError(405, "Method Not Allowed", method + " is only for /recordings/NAME.");
    }
  }

  /**
   * Whether a state-changing request comes from another site's page: the browser sends Basic
   * credentials along with it, so such a request must be refused (cross-site request forgery). True
   * when {@code Sec-Fetch-Site} is present and is neither {@code same-origin} nor {@code none}, or
   * when {@code Origin} is present and its host and port differ from the {@code Host} header.
   */
  private boolean crossSite() {
    String site = headers().get("Sec-Fetch-Site");
    if (site != null
        && !site.trim().equalsIgnoreCase("same-origin")
        && !site.trim().equalsIgnoreCase("none")) {
      return true;
    }
    String origin = headers().get("Origin");
    if (origin == null) {
      return false;
    }
    String host = headers().get("Host");
    int scheme = origin.indexOf("://");
    String originHost = scheme < 0 ? origin.trim() : origin.substring(scheme + 3).trim();
    return host == null || !originHost.equalsIgnoreCase(host.trim());
  }

  /**
   * Answers {@code /events} and {@code /recordings} (issue 7's pages) when the camera serves them.
   *
   * @return false if the route is not one of them
   */
  private boolean surveillance(String method, String route, String target, int question)
      throws IOException {
    SurveillanceRoutes routes = camera().surveillanceRoutes();
    if (routes == null) {
      return false;
    }
    var reply =
        routes.route(
            method,
            route,
            question < 0 ? null : target.substring(question + 1),
            name -> headers().get(name));
    if (reply.isEmpty()) {
      return false;
    }
    SurveillanceRoutes.Reply r = reply.get();
    sendResponse(r.status());
    sendHeader("Content-Type", r.contentType());
    if (r.length() >= 0) {
      sendHeader("Content-Length", Long.toString(r.length()));
    } else {
      setCloseConnection(true); // a stream: it ends when the connection does
    }
    for (Map.Entry<String, String> header : r.headers().entrySet()) {
      sendHeader(header.getKey(), header.getValue());
    }
    endHeaders();
    if (!"HEAD".equals(command())) { // doHEAD answers through doGET: the head only
      r.body().writeTo(wfile);
    }
    wfile.flush();
    return true;
  }

  private boolean authorised(Map<String, String> query) throws IOException {
    AuthFile auth = camera().auth();
    if (auth == null) {
      return true;
    }
    if (auth.checkToken(query.get("token")) || auth.checkBasic(headers().get("Authorization"))) {
      return true;
    }
    byte[] body =
        "401 Unauthorized: this camera needs a user name and password.\n"
            .getBytes(StandardCharsets.UTF_8);
    sendResponse(401);
    sendHeader("WWW-Authenticate", "Basic realm=\"socketkit camera\", charset=\"UTF-8\"");
    sendHeader("Content-Type", "text/plain; charset=utf-8");
    sendHeader("Content-Length", Integer.toString(body.length));
    endHeaders();
    wfile.write(body);
    return false;
  }

  private void page() throws IOException {
    Camera camera = camera();
    byte[] body = PAGE.replace("{{NAME}}", html(camera.name())).getBytes(StandardCharsets.UTF_8);
    sendResponse(200);
    sendHeader("Content-Type", "text/html; charset=utf-8");
    sendHeader("Content-Length", Integer.toString(body.length));
    sendHeader("Cache-Control", "no-cache");
    endHeaders();
    wfile.write(body);
  }

  private void stream(Map<String, String> query) throws IOException {
    int maxFps = 0;
    String fps = query.get("fps");
    if (fps != null) {
      try {
        maxFps = Integer.parseInt(fps);
      } catch (NumberFormatException e) {
        maxFps = -1;
      }
      if (maxFps < 1 || maxFps > MAX_VIEWER_FPS) {
        sendError(
            400, "Bad Request", "fps must be a whole number from 1 to " + MAX_VIEWER_FPS + ".");
        return;
      }
    }
    Camera camera = camera();
    if (!camera.tryAcquireViewer()) {
      byte[] body =
          ("503 Service Unavailable: the camera already has its "
                  + camera.maxViewers()
                  + " viewers; try again later.\n")
              .getBytes(StandardCharsets.UTF_8);
      sendResponse(503);
      sendHeader("Retry-After", "10");
      sendHeader("Content-Type", "text/plain; charset=utf-8");
      sendHeader("Content-Length", Integer.toString(body.length));
      sendHeader("Connection", "close");
      endHeaders();
      wfile.write(body);
      setCloseConnection(true);
      return;
    }
    try {
      // The lecture's head, exactly.
      sendResponse(200);
      sendHeader("Age", "0");
      sendHeader("Cache-Control", "no-cache, private");
      sendHeader("Pragma", "no-cache");
      sendHeader("Content-Type", "multipart/x-mixed-replace; boundary=FRAME");
      endHeaders();
      wfile.flush();
      setCloseConnection(true);
      MjpegFanOut fanOut = camera.fanOut();
      if (camera.tls()) {
        fanOut.streamBlocking(wfile, request(), clientAddress(), maxFps);
      } else {
        fanOut.attach(request(), clientAddress(), maxFps).awaitEnd();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      camera.releaseViewer();
    }
  }

  private void snapshot() throws IOException {
    FrameHub hub = camera().hub();
    Frame frame = hub.latest();
    long ageMicros =
        frame == null ? Long.MAX_VALUE : FrameHub.nowMicros() - frame.captureEpochMicros();
    if (ageMicros > 1_000_000L) {
      // Nobody watched, so the source may be resting: wanting a frame wakes it.
      try {
        Frame newer = hub.awaitNewer(frame == null ? 0 : frame.sequence(), Duration.ofSeconds(5));
        if (newer != null) {
          frame = newer;
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (frame == null) {
      sendError(503, "Service Unavailable", "The camera has no picture yet.");
      return;
    }
    sendResponse(200);
    sendHeader("Content-Type", "image/jpeg");
    sendHeader("Content-Length", Integer.toString(frame.jpeg().length));
    sendHeader("Cache-Control", "no-cache, private");
    sendHeader("X-Timestamp", frame.timestamp());
    endHeaders();
    wfile.write(frame.jpeg());
  }

  private void state() throws IOException {
    byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stateTree(camera()));
    sendResponse(200);
    sendHeader("Content-Type", "application/json");
    sendHeader("Content-Length", Integer.toString(body.length));
    sendHeader("Cache-Control", "no-cache");
    endHeaders();
    wfile.write(body);
  }

  /** What {@code /state} shows: never a password, never a token. */
  static Map<String, Object> stateTree(Camera camera) {
    Map<String, Object> state = new LinkedHashMap<>();
    FrameHub hub = camera.hub();
    Frame latest = hub.latest();
    SourceSupervisor.Status status = camera.sourceStatus();
    state.put("name", camera.name());
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("description", status.source());
    source.put("status", status.state().label());
    source.put("restarts", status.restarts());
    source.put("lastError", status.lastError());
    source.put(
        "lastErrorAt", status.lastErrorAt() == null ? null : status.lastErrorAt().toString());
    state.put("source", source);
    Size size = camera.size();
    state.put("width", latest != null && latest.width() > 0 ? latest.width() : size.width());
    state.put("height", latest != null && latest.height() > 0 ? latest.height() : size.height());
    state.put("fpsConfigured", camera.fps());
    state.put("fpsCaptured", Math.round(hub.fps() * 10) / 10.0);
    state.put("frames", latest == null ? 0 : latest.sequence());
    state.put(
        "lastFrameAgeMillis",
        latest == null ? null : (FrameHub.nowMicros() - latest.captureEpochMicros()) / 1000);
    state.put("tls", camera.tls());
    state.put("auth", camera.auth() != null);
    state.put("maxViewers", camera.maxViewers());
    List<Map<String, Object>> viewers = new ArrayList<>();
    for (MjpegFanOut.Viewer viewer : camera.fanOut().viewers()) {
      Map<String, Object> v = new LinkedHashMap<>();
      v.put("address", String.valueOf(viewer.address()));
      v.put("fps", Math.round(viewer.fps() * 10) / 10.0);
      v.put("framesSent", viewer.framesSent());
      v.put("framesDropped", viewer.framesDropped());
      v.put("bytesSent", viewer.bytesSent());
      v.put("connectedSeconds", Math.round(viewer.connectedSeconds()));
      viewers.add(v);
    }
    state.put("viewerCount", viewers.size());
    state.put("viewers", viewers);
    state.put("startedAt", camera.started().toString());
    Surveillance surveillance = camera.surveillance();
    if (surveillance != null) {
      state.put("surveillance", surveillance.state());
    }
    return state;
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> map = new LinkedHashMap<>();
    for (String pair : raw.split("&", -1)) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      try {
        String key =
            URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
        String value =
            eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
        map.putIfAbsent(key, value);
      } catch (IllegalArgumentException e) {
        LOG.log(System.Logger.Level.DEBUG, "ignoring a malformed query parameter");
      }
    }
    return map;
  }

  private static String html(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;")
        .replace("'", "&#39;");
  }

  /**
   * Python's {@code do_HEAD}: the headers a GET would send, without a body. For the stream that is
   * the lecture's response head alone (a HEAD must not start an endless body).
   */
  @Override
  protected void doHEAD() throws IOException {
    String target = path();
    int question = target.indexOf('?');
    String route = question < 0 ? target : target.substring(0, question);
    if (!route.equals("/stream.mjpg")) {
      doGET(); // the http module sends no body bytes in answer to HEAD
      return;
    }
    if (!authorised(query(question < 0 ? "" : target.substring(question + 1)))) {
      return;
    }
    sendResponse(200);
    sendHeader("Age", "0");
    sendHeader("Cache-Control", "no-cache, private");
    sendHeader("Pragma", "no-cache");
    sendHeader("Content-Type", "multipart/x-mixed-replace; boundary=FRAME");
    sendHeader("Connection", "close");
    endHeaders();
    setCloseConnection(true);
  }

  /**
   * Logs as the base handler does, with every {@code token=VALUE} (a signed link, as good as a
   * password until it expires) written as {@code token=***}: request lines and error messages carry
   * the query string.
   */
  @Override
  protected void logMessage(String format, Object... args) {
    String message = String.format(java.util.Locale.ROOT, format, args);
    super.logMessage("%s", TOKEN.matcher(message).replaceAll("token=***"));
  }

  private static String resource(String name) {
    try (InputStream in = StreamingHandler.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
