package dev.socketkit.camera;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.socketkit.camera.internal.ByteRange;
import dev.socketkit.camera.internal.Call;
import dev.socketkit.camera.internal.RangeSelection;
import dev.socketkit.camera.internal.RecordingBodies;
import dev.socketkit.camera.internal.RecordingPages;
import dev.socketkit.camera.internal.RouteTable;
import dev.socketkit.camera.internal.motion.MotionEvents;
import dev.socketkit.camera.internal.recording.AviFile;
import dev.socketkit.camera.internal.recording.Recorder;
import dev.socketkit.camera.internal.recording.Segments;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The surveillance pages of the camera: {@code /events} (motion events, newest first, paged, with
 * snapshots) and {@code /recordings} (list, download, play in the browser, delete).
 *
 * <p>Its routes are part of the camera's one route table (the request handler's), so everything
 * here is behind the camera's authentication; {@link #route} answers them alone, for a caller
 * without the camera. Every link in the pages and the JSON, and the redirect after a delete, is
 * relative to the request's path, so the pages work under a proxy's prefix. Stateless apart from
 * what it reads; thread-safe: request threads call it concurrently.
 */
final class SurveillanceRoutes {
  /** Events per page of {@code /events} unless {@code ?limit=} says otherwise. */
  static final int DEFAULT_LIMIT = 20;

  /** The most events one page gives. */
  static final int MAX_LIMIT = 200;

  private static final ObjectMapper JSON = new ObjectMapper();

  /** What answers one of these routes. */
  @FunctionalInterface
  interface Action {
    Reply answer(SurveillanceRoutes routes, Call call) throws IOException;
  }

  /** The routes of {@code /events} and {@code /recordings}; the camera's table holds them too. */
  static final RouteTable<Action> ROUTES =
      RouteTable.<Action>builder()
          .get("/events", SurveillanceRoutes::eventsPage)
          .get("/events/{id}", SurveillanceRoutes::event)
          .get("/events/{id}/snapshot.jpg", SurveillanceRoutes::eventSnapshot)
          .get("/recordings", (r, call) -> r.recordings(call, r::listHtml))
          .get("/recordings.json", (r, call) -> r.recordings(call, r::listJson))
          .get("/recordings/{name}", (r, call) -> r.recording(call, r::download))
          .on("DELETE", "/recordings/{name}", (r, call) -> r.recording(call, r::deleteNow))
          .on(
              "POST",
              "/recordings/{name}/delete",
              (r, call) -> r.recording(call, r::deleteFromForm))
          .get("/recordings/{name}/play", (r, call) -> r.recording(call, r::playPage))
          .get("/recordings/{name}/play.mjpg", (r, call) -> r.recording(call, r::play))
          .build();

  private final MotionEvents events;
  private final Segments segments;
  private final Recorder recorder;

  /**
   * Routes for the given parts; each may be null when that part is off.
   *
   * @param events the motion events, or null without {@code --motion}
   * @param segments the recordings directory, or null without {@code --record-dir}
   * @param recorder the recorder, or null when not recording (its segment in progress is shown as
   *     such and cannot be deleted)
   */
  public SurveillanceRoutes(MotionEvents events, Segments segments, Recorder recorder) {
    this.events = events;
    this.segments = segments;
    this.recorder = recorder;
  }

  /** Writes a reply's body to the connection. */
  @FunctionalInterface
  public interface Body {
    /** Writes the body to {@code out} (the connection; not closed here). */
    void writeTo(OutputStream out) throws IOException;
  }

  /**
   * One response: send {@code status}, the headers (with {@code Content-Type} and, when {@code
   * length >= 0}, {@code Content-Length}), then the body. A body of unknown length (a stream) ends
   * when the connection closes.
   *
   * @param status the HTTP status
   * @param contentType the media type
   * @param length the body's length, or -1 for a stream
   * @param headers further headers
   * @param body the body (nothing for HEAD)
   */
  public record Reply(
      int status, String contentType, long length, Map<String, String> headers, Body body) {
    /** This reply with one more header (replacing one of that name). */
    Reply with(String name, String value) {
      Map<String, String> more = new LinkedHashMap<>(headers);
      more.put(name, value);
      return new Reply(status, contentType, length, more, body);
    }

    static Reply bytes(int status, String contentType, byte[] data) {
      return new Reply(status, contentType, data.length, Map.of(), out -> out.write(data));
    }

    static Reply text(int status, String message) {
      return bytes(
          status, "text/plain; charset=utf-8", (message + "\n").getBytes(StandardCharsets.UTF_8));
    }

    static Reply json(Object tree) throws IOException {
      return bytes(
          200, "application/json", JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(tree));
    }

    /**
     * The lecture's MJPEG head ({@code Age: 0}, {@code Cache-Control: no-cache, private}, {@code
     * Pragma: no-cache}, {@code multipart/x-mixed-replace; boundary=FRAME}) before {@code body}:
     * the one place that writes it, for the live stream and for a recording's playback.
     */
    static Reply mjpeg(Body body) {
      Map<String, String> headers = new LinkedHashMap<>();
      headers.put("Age", "0");
      headers.put("Cache-Control", "no-cache, private");
      headers.put("Pragma", "no-cache");
      return new Reply(200, "multipart/x-mixed-replace; boundary=FRAME", -1, headers, body);
    }

    /** A 405 naming the allowed methods in {@code Allow}. */
    static Reply notAllowed(String allow) {
      return text(405, "Method not allowed here; use " + allow + ".").with("Allow", allow);
    }
  }

  /**
   * The reply to {@code method path?query} if it is one of these pages, or empty if the camera
   * should answer it.
   *
   * @param path the decoded path, without the query
   * @param query the raw query string, or null
   */
  public Optional<Reply> route(String method, String path, String query) throws IOException {
    return route(method, path, query, name -> null);
  }

  /**
   * As {@link #route(String, String, String)}, with the request's headers: a {@code Range} header
   * on a download gets that part of the file (206), so players can seek over HTTP.
   *
   * @param header the request header of a name (case-insensitive), or null if absent
   */
  public Optional<Reply> route(
      String method, String path, String query, Function<String, String> header)
      throws IOException {
    if (!path.equals("/events")
        && !path.startsWith("/events/")
        && !path.equals("/recordings")
        && !path.equals("/recordings.json")
        && !path.startsWith("/recordings/")) {
      return Optional.empty();
    }
    RouteTable.Lookup<Action> lookup = ROUTES.find(method, path);
    if (lookup instanceof RouteTable.Lookup.Found<Action> found) {
      return Optional.of(
          found.action().answer(this, Call.of(method, path, found.params(), query, header)));
    }
    if (lookup instanceof RouteTable.Lookup.NotAllowed<Action> notAllowed) {
      return Optional.of(Reply.notAllowed(notAllowed.allow()));
    }
    return Optional.of(Reply.text(404, "No such page: " + path));
  }

  private Reply eventsOff() {
    return Reply.text(404, "Motion detection is off on this camera.");
  }

  private Reply eventsPage(Call call) throws IOException {
    if (events == null) {
      return eventsOff();
    }
    Map<String, String> query = call.query();
    int limit;
    try {
      limit = Integer.parseInt(query.getOrDefault("limit", String.valueOf(DEFAULT_LIMIT)));
    } catch (NumberFormatException e) {
      return Reply.text(
          400, "limit: " + query.get("limit") + " (expected: a number 1 to " + MAX_LIMIT + ")");
    }
    if (limit < 1 || limit > MAX_LIMIT) {
      return Reply.text(400, "limit: " + limit + " (expected: 1 to " + MAX_LIMIT + ")");
    }
    String before = query.get("before");
    List<MotionEvent> page = events.page(limit + 1, before);
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("events");
    List<Segments.Segment> recorded = segments == null ? List.of() : segments.list();
    for (MotionEvent e : page.subList(0, Math.min(limit, page.size()))) {
      list.add(eventJson(e, recorded, call.root()));
    }
    root.put("total", events.total());
    if (page.size() > limit) {
      root.put(
          "next", call.root() + "events?limit=" + limit + "&before=" + page.get(limit - 1).id());
    } else {
      root.putNull("next");
    }
    return Reply.json(root);
  }

  private Reply event(Call call) throws IOException {
    if (events == null) {
      return eventsOff();
    }
    String id = call.param("id");
    Optional<MotionEvent> event = events.find(id);
    return event.isPresent()
        ? Reply.json(
            eventJson(event.get(), segments == null ? List.of() : segments.list(), call.root()))
        : Reply.text(404, "No such event: " + id);
  }

  private Reply eventSnapshot(Call call) {
    if (events == null) {
      return eventsOff();
    }
    String id = call.param("id");
    Optional<MotionEvent> event = events.find(id);
    if (event.isPresent() && event.get().snapshot() != null) {
      return Reply.bytes(200, "image/jpeg", event.get().snapshot());
    }
    return Reply.text(404, "No such event: " + id);
  }

  /**
   * The recording that holds the event's start: the last segment starting before it whose playing
   * time reaches it (a motion segment starts up to the pre-capture earlier), or null.
   */
  private static Segments.Segment recordingOf(MotionEvent e, List<Segments.Segment> recorded) {
    for (int i = recorded.size() - 1; i >= 0; i--) {
      Segments.Segment s = recorded.get(i);
      // Names are to the second: the segment may start up to a second after its name says.
      if (!s.start().isAfter(e.start())) {
        try {
          double seconds = s.inspect().durationSeconds();
          boolean covers =
              !s.start().plusMillis((long) (seconds * 1000) + 2000).isBefore(e.start());
          return covers ? s : null;
        } catch (IOException ignored) {
          return null; // being replaced or deleted right now: no link this time
        }
      }
    }
    return null;
  }

  private static ObjectNode eventJson(MotionEvent e, List<Segments.Segment> recorded, String root) {
    ObjectNode node = JSON.createObjectNode();
    node.put("id", e.id());
    node.put("start", e.start().toString());
    if (e.ended()) {
      node.put("end", e.end().toString());
      node.put("durationSeconds", (e.endMicros() - e.startMicros()) / 1e6);
    } else {
      node.putNull("end");
      node.putNull("durationSeconds");
    }
    node.put("ongoing", !e.ended());
    node.put("startMicros", e.startMicros());
    node.put("endMicros", e.ended() ? e.endMicros() : null);
    node.put("peak", Math.round(e.peakScore() * 10_000) / 10_000.0);
    node.put(
        "peakTime",
        java.time.Instant.EPOCH
            .plus(e.peakMicros(), java.time.temporal.ChronoUnit.MICROS)
            .toString());
    node.put("snapshot", root + "events/" + e.id() + "/snapshot.jpg");
    Segments.Segment recording = recordingOf(e, recorded);
    node.put(
        "recording", recording == null ? null : root + "recordings/" + recording.name() + "/play");
    return node;
  }

  /** What answers a page about the recordings, once recording is known to be on. */
  @FunctionalInterface
  private interface ListAction {
    Reply answer(Call call) throws IOException;
  }

  /** What answers a page about one recording, once it is known to exist. */
  @FunctionalInterface
  private interface SegmentAction {
    Reply answer(Segments.Segment segment, Call call) throws IOException;
  }

  private Reply recordings(Call call, ListAction action) throws IOException {
    if (segments == null) {
      return Reply.text(404, "Recording is off on this camera.");
    }
    return action.answer(call);
  }

  private Reply recording(Call call, SegmentAction action) throws IOException {
    return recordings(
        call,
        c -> {
          String name = c.param("name");
          Optional<Segments.Segment> found = segments.find(name);
          return found.isEmpty()
              ? Reply.text(404, "No such recording: " + name)
              : action.answer(found.get(), c);
        });
  }

  private boolean inProgress(Segments.Segment segment) {
    return recorder != null && segment.name().equals(recorder.currentSegment());
  }

  private Reply listJson(Call call) throws IOException {
    String home = call.root();
    ObjectNode root = JSON.createObjectNode();
    if (recorder != null) {
      ObjectNode state = root.putObject("recorder");
      state.put("mode", recorder.settings().mode().name().toLowerCase(Locale.ROOT));
      state.put("current", recorder.currentSegment());
      state.put("framesWritten", recorder.framesWritten());
      state.put("framesDropped", recorder.framesDropped());
      state.put("failure", recorder.failure());
    }
    ArrayNode list = root.putArray("recordings");
    List<Segments.Segment> all = segments.list();
    for (int i = all.size() - 1; i >= 0; i--) { // newest first
      Segments.Segment s = all.get(i);
      ObjectNode node = list.addObject();
      node.put("name", s.name());
      node.put("start", s.start().toString());
      node.put("bytes", s.bytes());
      node.put("recording", inProgress(s));
      try {
        Segments.Info info = s.inspect();
        node.put("format", s.mp4() ? "mp4" : "avi");
        node.put("frames", info.frames());
        node.put("fps", Math.round(info.fps() * 100) / 100.0);
        node.put("durationSeconds", Math.round(info.durationSeconds() * 100) / 100.0);
        node.put("finished", info.finished());
      } catch (IOException e) {
        node.put("error", e.getMessage());
      }
      node.put("download", home + "recordings/" + s.name());
      node.put("play", home + "recordings/" + s.name() + "/play");
    }
    return Reply.json(root);
  }

  private Reply listHtml(Call call) throws IOException {
    List<RecordingPages.Row> rows = new ArrayList<>();
    List<Segments.Segment> all = segments.list();
    for (int i = all.size() - 1; i >= 0; i--) { // newest first
      Segments.Segment s = all.get(i);
      double seconds;
      try {
        seconds = s.inspect().durationSeconds();
      } catch (IOException e) {
        seconds = -1;
      }
      rows.add(new RecordingPages.Row(s.name(), s.start(), seconds, s.bytes(), inProgress(s)));
    }
    String html =
        RecordingPages.list(
            call.root(),
            rows,
            recorder == null ? null : recorder.failure(),
            call.query().get("token"));
    return Reply.bytes(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  private Reply playPage(Segments.Segment segment, Call call) {
    String html =
        RecordingPages.player(
            call.root(), segment.name(), segment.mp4(), call.query().get("token"));
    return Reply.bytes(200, "text/html; charset=utf-8", html.getBytes(StandardCharsets.UTF_8));
  }

  private Reply download(Segments.Segment segment, Call call) throws IOException {
    String range = call.header().apply("Range");
    long size;
    try {
      size = Files.size(segment.file());
    } catch (NoSuchFileException e) {
      return Reply.text(404, "No such recording: " + segment.name());
    }
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("Content-Disposition", "attachment; filename=\"" + segment.name() + "\"");
    headers.put("Cache-Control", "no-cache, private");
    headers.put("Accept-Ranges", "bytes");
    long first = 0;
    long last = size - 1;
    int status = 200;
    RangeSelection selection = ByteRange.parse(range, size);
    if (selection == RangeSelection.UNSATISFIABLE) {
      return Reply.text(
              416, "Range not satisfiable: " + range + " (the file has " + size + " bytes)")
          .with("Content-Range", "bytes */" + size);
    }
    if (selection instanceof ByteRange bytes) {
      first = bytes.first();
      last = bytes.last();
      status = 206;
      headers.put("Content-Range", bytes.contentRange(size));
    }
    long from = first;
    long length = last - first + 1;
    return new Reply(
        status,
        segment.contentType(),
        length,
        headers,
        out -> RecordingBodies.copy(segment.file(), segment.name(), from, length, out));
  }

  /**
   * The segment's frames as a multipart MJPEG stream, paced at the segment's frame rate; an MP4
   * segment is played by the browser itself from its download address.
   */
  private Reply play(Segments.Segment segment, Call call) {
    if (segment.mp4()) {
      return Reply.text(
          404, segment.name() + " is H.264 in MP4: a <video> plays it from its own address.");
    }
    AviFile.Info info;
    try {
      info = AviFile.inspect(segment.file());
    } catch (NoSuchFileException e) {
      return Reply.text(404, "No such recording: " + segment.name());
    } catch (IOException e) {
      return Reply.text(
          500, "Recording " + segment.name() + " cannot be played: " + e.getMessage());
    }
    long frameNanos = (long) (1e9 / (info.fps() > 0 ? info.fps() : 10));
    return Reply.mjpeg(out -> RecordingBodies.play(segment.file(), frameNanos, out));
  }

  private Reply deleteNow(Segments.Segment segment, Call call) throws IOException {
    return delete(segment, null);
  }

  /**
   * The form's delete answers 303 to the list, relative to the request (a proxy's prefix stays).
   */
  private Reply deleteFromForm(Segments.Segment segment, Call call) throws IOException {
    return delete(segment, call.root() + "recordings");
  }

  private Reply delete(Segments.Segment segment, String then) throws IOException {
    if (inProgress(segment)) {
      return Reply.text(
          409,
          "Recording "
              + segment.name()
              + " is being written; it can be deleted once it is finished.");
    }
    Files.deleteIfExists(segment.file());
    if (then != null) {
      return new Reply(303, "text/plain; charset=utf-8", 0, Map.of("Location", then), out -> {});
    }
    return new Reply(204, "text/plain; charset=utf-8", 0, Map.of(), out -> {});
  }
}
