package dev.socketkit.camera;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.socketkit.camera.SurveillanceRoutes.Reply;
import dev.socketkit.camera.internal.ByteRange;
import dev.socketkit.camera.internal.Call;
import dev.socketkit.camera.internal.MjpegFanOut;
import dev.socketkit.camera.internal.Mp4FanOut;
import dev.socketkit.camera.internal.RangeSelection;
import dev.socketkit.camera.internal.Redaction;
import dev.socketkit.camera.internal.RouteTable;
import dev.socketkit.camera.internal.Size;
import dev.socketkit.camera.internal.SourceSupervisor;
import dev.socketkit.camera.internal.Surveillance;
import dev.socketkit.camera.internal.hls.HlsSegmenter;
import dev.socketkit.http.BaseHttpRequestHandler;
import dev.socketkit.http.Html;
import dev.socketkit.http.QueryString;
import dev.socketkit.server.DetachedConnection;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The lecture's {@code StreamingHandler(BaseHTTPRequestHandler)}: it parses the request target
 * once, checks the credentials once, and answers from the camera's one route table.
 *
 * <ul>
 *   <li>{@code /} and {@code /index.html}: the live page.
 *   <li>{@code /stream.mjpg}: the lecture's headers ({@code Age: 0}, {@code Cache-Control:
 *       no-cache, private}, {@code Pragma: no-cache}, {@code Content-Type:
 *       multipart/x-mixed-replace; boundary=FRAME}), then one part per frame with {@code
 *       Content-Type}, {@code Content-Length} and {@code X-Timestamp}. {@code ?fps=N} caps this
 *       viewer's rate.
 *   <li>{@code /snapshot.jpg}: the newest frame. {@code /state}: JSON.
 *   <li>{@code /events} and {@code /recordings}: {@link SurveillanceRoutes}, when the camera serves
 *       them.
 *   <li>{@code /metrics}: the server's figures for Prometheus. {@code /healthz} and {@code
 *       /readyz}: whether the server answers, and whether every camera delivers frames.
 *   <li>{@code /cameras/NAME/} and every path above under it: camera NAME's; without that prefix a
 *       path is the first camera's. {@code /cameras}: the list as JSON. With more than one camera,
 *       or on a {@link CameraServer} started for many, {@code /} is the grid of them.
 * </ul>
 *
 * <p>A path the table does not know is a 404; a known path with another method a 405 with the
 * methods it allows in {@code Allow}. Every path needs credentials when the camera has an auth file
 * (Basic auth, or a signed link, {@code ?token=}), except {@code /healthz}, {@code /readyz} and,
 * when made public, {@code /metrics}. Every response is counted by status for {@code /metrics}. One
 * handler per connection, on that connection's thread. For the stream, the handler sends the
 * response head itself, as the lecture does, then detaches a plain-TCP connection from the server
 * and hands it, with the viewer's slot, to the camera's fan-out loop, and returns: a viewer holds
 * no thread, and the fan-out closes the connection and frees the slot when the viewer ends. Over
 * TLS it writes the frames itself, on the connection's thread, and the server closes the connection
 * after the handler returns.
 */
class StreamingHandler extends BaseHttpRequestHandler {
  private static final ObjectMapper JSON =
      new ObjectMapper().disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);
  private static final String PAGE = resource("index.html");
  private static final String GRID = resource("grid.html");
  private static final String CAMERAS = "/cameras/";
  private static final int MAX_VIEWER_FPS = 240;

  /** A year, in seconds: how long a browser that saw HTTPS once keeps to it. */
  private static final String HSTS = "max-age=31536000";

  /** The 401 on one connection after which it is closed. */
  static final int MAX_REFUSALS = 3;

  private int refusals;
  private boolean viewerHandedOver; // the fan-out owns this connection's viewer slot
  private Camera camera; // the camera the current request is for, or null for the server's paths

  /** What answers one route, on the connection's thread. */
  @FunctionalInterface
  interface Action {
    void answer(StreamingHandler handler, Call call) throws IOException;
  }

  /** Every request the camera answers. */
  static final RouteTable<Action> ROUTES =
      RouteTable.<Action>builder()
          .get("/", StreamingHandler::page)
          .get("/index.html", StreamingHandler::page)
          .get("/stream.mjpg", StreamingHandler::stream)
          .get("/stream.mp4", StreamingHandler::streamMp4)
          .get("/hls/index.m3u8", StreamingHandler::hlsPlaylist)
          .get("/hls/{file}", StreamingHandler::hlsFile)
          .get("/snapshot.jpg", StreamingHandler::snapshot)
          .get("/state", StreamingHandler::state)
          .get("/metrics", StreamingHandler::metrics)
          .get("/healthz", StreamingHandler::healthz)
          .get("/readyz", StreamingHandler::readyz)
          .addAll(
              SurveillanceRoutes.ROUTES.<Action>routes(
                  action -> (handler, call) -> handler.surveillance(action, call)))
          .build();

  /** Made by the server for each connection ({@code StreamingHandler::new}). */
  public StreamingHandler() {}

  /** The camera the request being answered is for (the first camera for the unprefixed paths). */
  protected final Camera camera() {
    return camera;
  }

  /** The cameras this handler's server serves. */
  private CameraServer site() {
    return ((StreamingServer) server()).cameras();
  }

  /** Python's {@code do_GET}: serves the page, the stream, a snapshot, the state or a page. */
  @Override
  protected void doGET() throws IOException {
    dispatch();
  }

  /**
   * Python's {@code do_HEAD}: the headers a GET would send, without a body. For the stream that is
   * the lecture's response head alone (a HEAD must not start an endless body).
   */
  @Override
  protected void doHEAD() throws IOException {
    dispatch();
  }

  /**
   * {@code POST /recordings/NAME/delete}, from the recordings page's delete button; refused with
   * 403 when it comes from another site's page ({@code Origin} or {@code Sec-Fetch-Site}).
   */
  @Override
  protected void doPOST() throws IOException {
    dispatch();
  }

  /** {@code DELETE /recordings/NAME}, refused as {@link #doPOST()} is from another site. */
  @Override
  protected void doDELETE() throws IOException {
    dispatch();
  }

  /**
   * Parses the target once, checks credentials once (against the whole path, so a link token can be
   * scoped to one camera's paths), picks the camera ({@code /cameras/NAME/...}, else the first) and
   * answers from {@link #ROUTES}.
   */
  private void dispatch() throws IOException {
    String method = command();
    String target = QueryString.pathOf(path());
    Map<String, String> query = QueryString.ofTarget(path()).asMap();
    CameraServer site = site();
    boolean changes = !method.equals("GET") && !method.equals("HEAD");
    if (changes) {
      // A request body is not read: close after answering so it is never taken for a request.
      setCloseConnection(true);
    }
    if (site.auth() == null && !site.hostCheck().accepts(headers().get("Host"))) {
      // DNS rebinding: another site's name pointed at this machine. 421, not 403: the request
      // reached a server that does not answer for that name (RFC 9110, section 15.5.20).
      setCloseConnection(true);
      sendError(
          421,
          "Misdirected Request",
          "This camera does not answer to that host name; without credentials it answers only to"
              + " localhost, IP addresses and the host names it was told to allow.");
      return;
    }
    // The probes answer before any credentials are looked at: a load balancer or an orchestrator
    // has none, and a failed login here must not count against the address.
    boolean open =
        target.equals("/healthz")
            || target.equals("/readyz")
            || (target.equals("/metrics") && site.metricsPublic());
    if (!open && !authorised(method, target, query)) {
      return;
    }
    if (changes && crossSite()) {
      sendError(
          403,
          "Forbidden",
          "A page from another site may not change the camera's recordings (cross-site request).");
      return;
    }
    String route = target;
    camera = site.first();
    if (target.equals("/cameras") || target.equals(CAMERAS)) {
      answerServer(method, this::cameraList);
      return;
    }
    if (target.startsWith(CAMERAS)) {
      int slash = target.indexOf('/', CAMERAS.length());
      String name = target.substring(CAMERAS.length(), slash < 0 ? target.length() : slash);
      camera = site.camera(name).orElse(null);
      if (camera == null) {
        sendError(404, "Not Found", "No camera of that name is served here; /cameras lists them.");
        return;
      }
      if (slash < 0) { // the camera's page is a directory: its links are relative to it
        send(redirect(301, CAMERAS + name + "/" + queryOf(path())));
        return;
      }
      route = target.substring(slash);
    } else if ((target.equals("/") || target.equals("/index.html")) && site.grid()) {
      answerServer(method, this::grid);
      return;
    } else if (query.get("camera") != null
        && (target.equals("/recordings") || target.equals("/events"))) {
      // /recordings?camera=NAME: that camera's list, where its relative links work.
      Camera named = site.camera(query.get("camera")).orElse(null);
      if (named == null) {
        sendError(404, "Not Found", "No camera of that name is served here; /cameras lists them.");
        return;
      }
      String token = query.get("token");
      send(
          redirect(
              302,
              CAMERAS
                  + named.slug()
                  + target
                  + (token == null
                      ? ""
                      : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8))));
      return;
    } else if (camera == null && !SERVER_PATHS.contains(target)) {
      send(
          Reply.text(503, "503 Service Unavailable: no camera is served yet.")
              .with("Retry-After", "5")
              .with("Cache-Control", "no-store"));
      return;
    }
    RouteTable.Lookup<Action> lookup = ROUTES.find(method, route);
    if (lookup instanceof RouteTable.Lookup.Found<Action> found) {
      found
          .action()
          .answer(
              this, new Call(method, route, found.params(), query, name -> headers().get(name)));
    } else if (lookup instanceof RouteTable.Lookup.NotAllowed<Action> notAllowed) {
      send(Reply.notAllowed(notAllowed.allow()));
    } else {
      notFound();
    }
  }

  /** The paths of the server rather than of a camera: they answer with no camera. */
  private static final java.util.Set<String> SERVER_PATHS =
      java.util.Set.of("/metrics", "/healthz", "/readyz");

  /** What answers one of the server's own pages. */
  @FunctionalInterface
  private interface ServerPage {
    void answer() throws IOException;
  }

  /** Answers a GET or HEAD with {@code page}, any other method with 405. */
  private void answerServer(String method, ServerPage page) throws IOException {
    if (method.equals("GET") || method.equals("HEAD")) {
      page.answer();
    } else {
      send(Reply.notAllowed("GET, HEAD"));
    }
  }

  /** The {@code ?query} of a request target, or "". */
  private static String queryOf(String target) {
    int question = target.indexOf('?');
    return question < 0 ? "" : target.substring(question);
  }

  private static Reply redirect(int status, String location) {
    return Reply.text(status, status + " see " + location)
        .with("Location", location)
        .with("Cache-Control", "no-store");
  }

  /** {@code /}: every camera, live, with its status; a click opens the camera's page. */
  private void grid() throws IOException {
    send(
        Reply.bytes(200, "text/html; charset=utf-8", GRID.getBytes(StandardCharsets.UTF_8))
            .with("Cache-Control", "no-cache"));
  }

  /**
   * {@code /cameras}: JSON, one entry per camera in the order served: its name, its path, what its
   * source is doing, frames captured per second, viewers. What the grid shows.
   */
  private void cameraList() throws IOException {
    List<Map<String, Object>> list = new ArrayList<>();
    for (Camera each : site().cameras()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("name", each.name());
      entry.put("path", CAMERAS + each.slug() + "/");
      entry.put("status", each.sourceStatus().state().label());
      entry.put("fpsConfigured", each.fps());
      entry.put("fpsCaptured", Math.round(each.hub().fps() * 10) / 10.0);
      entry.put("viewers", each.fanOut().viewers().size() + each.mp4FanOut().viewers().size());
      list.add(entry);
    }
    send(
        Reply.bytes(200, "application/json", JSON.writeValueAsBytes(Map.of("cameras", list)))
            .with("Cache-Control", "no-cache"));
  }

  /**
   * The status line, {@code Server} and {@code Date}, then the headers every camera response
   * carries: {@code X-Content-Type-Options: nosniff} (a JPEG or JSON is never run as a page),
   * {@code Referrer-Policy: no-referrer} (link tokens ride in URLs and must not leak to other
   * sites), and under TLS {@code Strict-Transport-Security}. Frame protection goes on HTML only
   * ({@link #sendHeader}): embedding the stream or a snapshot in another site's page is a
   * documented use.
   */
  @Override
  public void sendResponse(int code, String message) throws IOException {
    super.sendResponse(code, message);
    site().metrics().countResponse(code);
    super.sendHeader("X-Content-Type-Options", "nosniff");
    super.sendHeader("Referrer-Policy", "no-referrer");
    if (site().tls()) {
      super.sendHeader("Strict-Transport-Security", HSTS);
    }
  }

  /**
   * Buffers a header; a {@code text/html} {@code Content-Type} also brings {@code X-Frame-Options:
   * DENY} and {@code Content-Security-Policy: frame-ancestors 'none'}, so no other site can frame
   * the camera's pages (clickjacking the delete buttons). Connection's thread.
   */
  @Override
  public void sendHeader(String keyword, String value) throws IOException {
    super.sendHeader(keyword, value);
    if (keyword.equalsIgnoreCase("Content-Type")
        && value.toLowerCase(java.util.Locale.ROOT).startsWith("text/html")) {
      super.sendHeader("X-Frame-Options", "DENY");
      super.sendHeader("Content-Security-Policy", "frame-ancestors 'none'");
    }
  }

  /** {@code socketkit}: the exact Java version would tell an attacker which flaws to try. */
  @Override
  protected String versionString() {
    return "socketkit";
  }

  private void notFound() throws IOException {
    sendError(404, "Not Found", "The camera serves /, /stream.mjpg, /snapshot.jpg and /state.");
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

  /** Answers {@code /events} and {@code /recordings} when the camera serves them, else 404. */
  private void surveillance(SurveillanceRoutes.Action action, Call call) throws IOException {
    SurveillanceRoutes routes = camera().surveillanceRoutes();
    if (routes == null) {
      notFound();
      return;
    }
    send(action.answer(routes, call));
  }

  /**
   * Sends {@code reply}: the status, {@code Content-Type}, {@code Content-Length} when the length
   * is known (else the body ends with the connection), the reply's headers, then the body (none for
   * HEAD). The head of a body without a length is flushed before the body starts, so a viewer sees
   * it before the first frame.
   */
  private void send(Reply reply) throws IOException {
    sendResponse(reply.status());
    sendHeader("Content-Type", reply.contentType());
    // 204 and 304 have no body, and a 204 must not carry Content-Length (RFC 9110 section 8.6)
    boolean bodiless = reply.status() == 204 || reply.status() == 304;
    if (reply.length() >= 0 && !bodiless) {
      sendHeader("Content-Length", Long.toString(reply.length()));
    } else if (reply.length() < 0) {
      setCloseConnection(true); // a stream: it ends when the connection does
    }
    for (Map.Entry<String, String> header : reply.headers().entrySet()) {
      sendHeader(header.getKey(), header.getValue());
    }
    endHeaders();
    if (!"HEAD".equals(command())) {
      if (reply.length() < 0) {
        wfile.flush();
      }
      reply.body().writeTo(wfile);
    }
    wfile.flush();
  }

  /**
   * Whether the request may go on: no auth file, a link token whose scope opens this method and
   * path, or valid Basic credentials. Otherwise answers and returns false: 429 with {@code
   * Retry-After} (and closes) when the client's address failed too many logins lately, 503 with
   * {@code Retry-After} when no hashing slot freed in time (not counted as a refusal), else 401.
   */
  private boolean authorised(String method, String route, Map<String, String> query)
      throws IOException {
    AuthFile auth = site().auth();
    if (auth == null) {
      return true;
    }
    if (auth.checkToken(query.get("token"), method, route)) {
      return true;
    }
    String authorization = headers().get("Authorization");
    if (authorization != null) {
      AuthFile.Login login =
          auth.login(
              authorization,
              clientAddress() instanceof InetSocketAddress inet ? inet.getAddress() : null);
      switch (login.verdict()) {
        case ACCEPTED -> {
          return true;
        }
        case LOCKED_OUT -> {
          // Hashes nothing and closes: a client that guesses this fast gets no connection to reuse.
          setCloseConnection(true);
          send(
              Reply.text(
                      429,
                      "429 Too Many Requests: too many failed logins from your address;"
                          + " try again later.")
                  .with("Retry-After", Long.toString(login.retryAfterSeconds()))
                  .with("Connection", "close"));
          return false;
        }
        case BUSY -> {
          send(
              Reply.text(
                      503,
                      "503 Service Unavailable: the camera is busy checking passwords;"
                          + " try again in a moment.")
                  .with("Retry-After", Long.toString(login.retryAfterSeconds())));
          return false;
        }
        case REFUSED -> {
          // answered with 401 below
        }
      }
    }
    Reply refused =
        Reply.text(401, "401 Unauthorized: this camera needs a user name and password.")
            .with("WWW-Authenticate", "Basic realm=\"socketkit camera\", charset=\"UTF-8\"");
    if (++refusals >= MAX_REFUSALS) {
      // A connection that keeps failing is closed, so it does not hold a slot for more guesses.
      setCloseConnection(true);
      refusals = 0;
      refused = refused.with("Connection", "close");
    }
    send(refused);
    return false;
  }

  private void page(Call call) throws IOException {
    byte[] html =
        PAGE.replace("{{NAME}}", Html.escape(camera().name())).getBytes(StandardCharsets.UTF_8);
    send(Reply.bytes(200, "text/html; charset=utf-8", html).with("Cache-Control", "no-cache"));
  }

  private void stream(Call call) throws IOException {
    int maxFps = 0;
    String fps = call.query().get("fps");
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
    if (call.method().equals("HEAD")) {
      send(Reply.mjpeg(out -> {})); // the head alone: no viewer, no frames
      return;
    }
    Camera camera = camera();
    if (!camera.tryAcquireViewer()) {
      send(
          Reply.text(
                  503,
                  "503 Service Unavailable: the camera already has its "
                      + camera.maxViewers()
                      + " viewers; try again later.")
              .with("Retry-After", "10")
              .with("Connection", "close"));
      return;
    }
    int viewerFps = maxFps;
    try {
      send(
          Reply.mjpeg(
              out -> {
                MjpegFanOut fanOut = camera.fanOut();
                if (camera.tls()) {
                  // An SSLSocket cannot leave its thread: TLS viewers stream here, bounded by the
                  // viewer cap (docs/architecture.md).
                  try {
                    fanOut.streamBlocking(out, request(), clientAddress(), viewerFps);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                } else {
                  handOver(fanOut, viewerFps);
                }
              }));
    } finally {
      if (!viewerHandedOver) {
        camera.releaseViewer();
      }
    }
  }

  /**
   * Detaches the connection (its head is written) and gives it to the fan-out, which from now on
   * owns it and the viewer's slot: when the viewer ends, the fan-out closes the connection (the
   * server stops counting it) and releases the slot. This thread returns at once.
   */
  private void handOver(MjpegFanOut fanOut, int viewerFps) throws IOException {
    Camera camera = camera();
    DetachedConnection connection = detach();
    viewerHandedOver = true; // from here on, closing the owner releases the slot, exactly once
    Closeable owner =
        () -> {
          try {
            connection.close();
          } finally {
            camera.releaseViewer();
          }
        };
    fanOut.attach(connection.channel(), owner, connection.clientAddress(), viewerFps);
  }

  /**
   * {@code /stream.mp4}: the camera's H.264 as one never-ending fragmented MP4 ({@code
   * Content-Type: video/mp4; codecs="avc1..."}, which a page passes to Media Source Extensions as
   * it is), starting at the newest keyframe. Waits for the encoder's first picture when it was
   * idle; 503 with one sentence when H.264 is unavailable or the viewer cap is reached (MJPEG and
   * MP4 viewers together). Then as the MJPEG stream: detached and handed to the loop, or, over TLS,
   * written here.
   */
  private void streamMp4(Call call) throws IOException {
    Camera camera = camera();
    String unavailable;
    try {
      unavailable = camera.h264Unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (unavailable != null) {
      send(
          Reply.text(503, "503 Service Unavailable: " + unavailable + " Watch /stream.mjpg.")
              .with("Cache-Control", "no-store"));
      return;
    }
    if (call.method().equals("HEAD")) {
      send(mp4(camera.fragments().codecs(), out -> {})); // the head alone: no viewer
      return;
    }
    if (!camera.tryAcquireViewer()) {
      send(
          Reply.text(
                  503,
                  "503 Service Unavailable: the camera already has its "
                      + camera.maxViewers()
                      + " viewers; try again later.")
              .with("Retry-After", "10")
              .with("Connection", "close"));
      return;
    }
    FrameHub.Subscription starting = camera.fragments().demand(); // starts an idle encoder
    try {
      String codecs;
      try {
        codecs = camera.fragments().awaitCodecs(MP4_START);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
      if (codecs == null) {
        send(
            Reply.text(503, "503 Service Unavailable: the H.264 encoder has not started yet.")
                .with("Retry-After", "5"));
        return;
      }
      send(
          mp4(
              codecs,
              out -> {
                Mp4FanOut fanOut = camera.mp4FanOut();
                if (camera.tls()) {
                  try {
                    fanOut.streamBlocking(out, request(), clientAddress());
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                } else {
                  DetachedConnection connection = detach();
                  viewerHandedOver = true;
                  Closeable owner =
                      () -> {
                        try {
                          connection.close();
                        } finally {
                          camera.releaseViewer();
                        }
                      };
                  fanOut.attach(connection.channel(), owner, connection.clientAddress());
                }
              }));
    } finally {
      starting.close(); // the fan-out's own subscription holds the demand from here on
      if (!viewerHandedOver) {
        camera.releaseViewer();
      }
    }
  }

  /** How long a {@code /stream.mp4} request waits for an idle encoder's first picture. */
  private static final Duration MP4_START = Duration.ofSeconds(10);

  /** The head of {@code /stream.mp4}: a stream of unknown length that no cache may keep. */
  private static Reply mp4(String codecs, SurveillanceRoutes.Body body) {
    String type = codecs == null ? "video/mp4" : "video/mp4; codecs=\"" + codecs + "\"";
    return new Reply(200, type, -1, Map.of("Cache-Control", "no-store"), body);
  }

  // --- HLS: /hls/index.m3u8, /hls/init-RUN-N.mp4, /hls/RUN-SEQ.m4s ---------------------------

  /** How long the first playlist request waits for the first segment (encoder start + ~1 s). */
  private static final Duration HLS_FIRST_SEGMENT = Duration.ofSeconds(8);

  /**
   * The playlist may be kept 1 s: half the target duration, as Apple's authoring guide advises, so
   * a cache in front asks once a second for any number of players, and none of them sees a new
   * segment more than 1 s late.
   */
  private static final String HLS_PLAYLIST_LIFETIME = "max-age=1";

  /**
   * Segments and inits never change for their name (names carry a random run id, so not even across
   * restarts): immutable. An hour is long past a segment's time in the playlist, and short enough
   * that a cache which keeps what it is told does not hoard a day of video.
   */
  private static final String HLS_SEGMENT_LIFETIME = "max-age=3600, immutable";

  /**
   * {@code /hls/index.m3u8}: the live playlist ({@link HlsSegmenter}). Holds the H.264 stream for
   * the next 30 s; the first request after an idle spell waits up to {@link #HLS_FIRST_SEGMENT} for
   * the first segment (503 with {@code Retry-After} if none came). The URIs in it carry the
   * request's {@code ?token=}.
   */
  private void hlsPlaylist(Call call) throws IOException {
    if (hlsUnavailable()) {
      return;
    }
    HlsSegmenter hls = camera().hls();
    hls.touch();
    String token = call.query().get("token");
    String query =
        token == null ? "" : "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
    String playlist;
    try {
      playlist = hls.awaitPlaylist(HLS_FIRST_SEGMENT, query);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (playlist == null) {
      send(
          Reply.text(503, "503 Service Unavailable: the first HLS segment is not ready yet.")
              .with("Retry-After", "2")
              .with("Cache-Control", "no-store"));
      return;
    }
    send(
        Reply.bytes(200, "application/vnd.apple.mpegurl", playlist.getBytes(StandardCharsets.UTF_8))
            .with("Cache-Control", hlsCacheControl(call, HLS_PLAYLIST_LIFETIME)));
  }

  /**
   * {@code /hls/NAME}: a segment or an init segment while the playlist names it, with {@code Range}
   * support (Safari asks for ranges); else 404, which no cache keeps.
   */
  private void hlsFile(Call call) throws IOException {
    if (hlsUnavailable()) {
      return;
    }
    HlsSegmenter hls = camera().hls();
    hls.touch();
    String name = call.param("file");
    byte[] bytes = name.endsWith(".m4s") ? hls.segment(name) : hls.init(name);
    if (bytes == null) {
      send(
          Reply.text(
                  404,
                  "404 Not Found: no such HLS segment now; it left the playlist or was never in"
                      + " it.")
              .with("Cache-Control", "no-store"));
      return;
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Cache-Control", hlsCacheControl(call, HLS_SEGMENT_LIFETIME));
    headers.put("Accept-Ranges", "bytes");
    int status = 200;
    long first = 0;
    long length = bytes.length;
    RangeSelection range = ByteRange.parse(headers().get("Range"), bytes.length);
    if (range == RangeSelection.UNSATISFIABLE) {
      send(
          Reply.text(416, "416 Range Not Satisfiable: the segment has " + bytes.length + " bytes.")
              .with("Content-Range", "bytes */" + bytes.length));
      return;
    }
    if (range instanceof ByteRange part) {
      status = 206;
      first = part.first();
      length = part.length();
      headers.put("Content-Range", part.contentRange(bytes.length));
    }
    int from = (int) first;
    int count = (int) length;
    send(new Reply(status, "video/mp4", length, headers, out -> out.write(bytes, from, count)));
    if (!call.method().equals("HEAD")) {
      hls.sent(count);
    }
  }

  /**
   * {@code public} when a shared cache may keep the response for anyone who asks the same URL: the
   * camera has no credentials, or this request came with a link token (the token is in the URL, so
   * only those who have it get the cached copy). {@code private} for Basic credentials: the URL
   * alone would then hand the video to anyone.
   */
  private String hlsCacheControl(Call call, String lifetime) {
    AuthFile auth = site().auth();
    boolean shared =
        auth == null
            || auth.checkToken(
                call.query().get("token"), call.method(), QueryString.pathOf(path()));
    return (shared ? "public, " : "private, ") + lifetime;
  }

  /** Answers 503 and returns true when the camera cannot make H.264 (no ffmpeg or libx264). */
  private boolean hlsUnavailable() throws IOException {
    String unavailable;
    try {
      unavailable = camera().h264Unavailable();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
    if (unavailable != null) {
      send(
          Reply.text(503, "503 Service Unavailable: " + unavailable + " Watch /stream.mjpg.")
              .with("Cache-Control", "no-store"));
      return true;
    }
    return false;
  }

  private void snapshot(Call call) throws IOException {
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
    send(
        Reply.bytes(200, "image/jpeg", frame.jpeg())
            .with("Cache-Control", "no-cache, private")
            .with("X-Timestamp", frame.timestamp()));
  }

  /**
   * {@code /metrics}: every metric of the server in the Prometheus text format, or OpenMetrics when
   * the scraper's {@code Accept} asks for it. Collected on this connection's thread.
   */
  private void metrics(Call call) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream(16_384);
    String type = site().metrics().scrape(headers().get("Accept"), body);
    send(Reply.bytes(200, type, body.toByteArray()).with("Cache-Control", "no-store"));
  }

  /** {@code /healthz}: 200 {@code ok} while the server answers; nothing else. */
  private void healthz(Call call) throws IOException {
    send(Reply.text(200, "ok").with("Cache-Control", "no-store"));
  }

  /**
   * {@code /readyz}: 200 {@code ok} when every camera delivers frames, else 503 naming the cameras
   * that do not; nothing else. May wait a few seconds for a resting source to deliver.
   */
  private void readyz(Call call) throws IOException {
    List<String> unready;
    try {
      unready = site().metrics().unready();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    Reply reply =
        unready.isEmpty()
            ? Reply.text(200, "ok")
            : Reply.text(503, "not ready: " + String.join(", ", unready));
    send(reply.with("Cache-Control", "no-store"));
  }

  private void state(Call call) throws IOException {
    byte[] body = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(stateTree(camera()));
    send(Reply.bytes(200, "application/json", body).with("Cache-Control", "no-cache"));
  }

  /** What {@code /state} shows: never a password, never a token. */
  static Map<String, Object> stateTree(Camera camera) {
    Map<String, Object> state = new LinkedHashMap<>();
    FrameHub hub = camera.hub();
    Frame latest = hub.latest();
    SourceSupervisor.Status status = camera.sourceStatus();
    state.put("name", camera.name());
    Map<String, Object> source = new LinkedHashMap<>();
    source.put("description", Redaction.redact(status.source()));
    source.put("status", status.state().label());
    source.put("restarts", status.restarts());
    source.put("lastError", Redaction.redact(status.lastError()));
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
    long mjpegBytes = 0;
    for (MjpegFanOut.Viewer viewer : camera.fanOut().viewers()) {
      Map<String, Object> v = new LinkedHashMap<>();
      mjpegBytes += viewer.bytesSent();
      v.put("format", "mjpeg");
      v.put("address", String.valueOf(viewer.address()));
      v.put("fps", Math.round(viewer.fps() * 10) / 10.0);
      v.put("framesSent", viewer.framesSent());
      v.put("framesDropped", viewer.framesDropped());
      v.put("bytesSent", viewer.bytesSent());
      v.put("connectedSeconds", Math.round(viewer.connectedSeconds()));
      viewers.add(v);
    }
    int mjpegViewers = viewers.size();
    long mp4Bytes = 0;
    for (Mp4FanOut.Viewer viewer : camera.mp4FanOut().viewers()) {
      Map<String, Object> v = new LinkedHashMap<>();
      mp4Bytes += viewer.bytesSent();
      v.put("format", "mp4");
      v.put("address", String.valueOf(viewer.address()));
      v.put("fragmentsSent", viewer.fragmentsSent());
      v.put("skips", viewer.skips());
      v.put("bytesSent", viewer.bytesSent());
      v.put("connectedSeconds", Math.round(viewer.connectedSeconds()));
      viewers.add(v);
    }
    state.put("viewerCount", viewers.size());
    state.put("viewers", viewers);
    // Per format: viewers now, and the bytes sent to them so far.
    Map<String, Object> formats = new LinkedHashMap<>();
    formats.put("mjpeg", Map.of("viewers", mjpegViewers, "bytes", mjpegBytes));
    Map<String, Object> mp4 = new LinkedHashMap<>();
    mp4.put("viewers", viewers.size() - mjpegViewers);
    mp4.put("bytes", mp4Bytes);
    mp4.put("skips", camera.mp4FanOut().skips());
    mp4.put("available", camera.encoder().unavailable() == null);
    mp4.put("unavailable", camera.encoder().unavailable());
    mp4.put("encoderRunning", camera.encoder().running());
    mp4.put("h264", camera.h264Mode());
    mp4.put("codecs", camera.fragments().codecs());
    mp4.put("bitrateKbps", camera.h264BitrateKbps());
    formats.put("mp4", mp4);
    formats.put("hls", camera.hls().state());
    state.put("formats", formats);
    state.put("startedAt", camera.started().toString());
    Surveillance surveillance = camera.surveillance();
    if (surveillance != null) {
      state.put("surveillance", surveillance.state());
    }
    if (camera.mqtt() != null) {
      state.put("mqtt", camera.mqtt().state());
    }
    return state;
  }

  /**
   * Logs as the base handler does, with the value of every link token (a signed link, as good as a
   * password until it expires) hidden by {@link Redaction}: request lines and error messages carry
   * the query string, and {@code ?%74oken=} is a token too.
   */
  @Override
  protected void logMessage(String format, Object... args) {
    String message = String.format(java.util.Locale.ROOT, format, args);
    super.logMessage("%s", Redaction.redact(message));
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
