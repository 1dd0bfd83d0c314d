package dev.socketkit.camera.internal;

import static dev.socketkit.http.Html.escape;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * The HTML of the recordings pages and the byte-range parser the downloads need. Every link is
 * relative (it starts with the {@code root} the caller passes, {@link Call#root()}), so the pages
 * work under a proxy's prefix. Stateless; any thread.
 */
public final class RecordingPages {
  private RecordingPages() {}

  /** One row of the recordings list. */
  public record Row(String name, Instant start, double seconds, long bytes, boolean inProgress) {}

  /**
   * The recordings page for {@code rows} (newest first), with {@code failure} shown if not null.
   * {@code token} (a signed link's, or null) is carried on every link, so a page opened with {@code
   * ?token=} keeps working.
   *
   * @param root the camera's root relative to the page ({@code ./} at {@code /recordings})
   */
  public static String list(String root, List<Row> rows, String failure, String token) {
    String q = tokenQuery(token);
    String home = escape(root);
    StringBuilder html = new StringBuilder();
    html.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>Recordings</title><style>")
        .append("body{font-family:system-ui,sans-serif;margin:1.5rem;background:#111;color:#eee}")
        .append(
            "a{color:#8cf}table{border-collapse:collapse}td,th{padding:.3rem .8rem;text-align:left}")
        .append("tr:nth-child(even){background:#1c1c1c}button{cursor:pointer}</style></head><body>")
        .append(
            "<h1>Recordings</h1><p><a href=\""
                + home
                + q
                + "\">Live view</a> · <a href=\""
                + home
                + "recordings.json"
                + q
                + "\">JSON</a></p>");
    if (failure != null) {
      html.append("<p style=\"color:#f88\">").append(escape(failure)).append("</p>");
    }
    if (rows.isEmpty()) {
      html.append("<p>No recordings yet.</p>");
    } else {
      html.append("<table><tr><th>Start (UTC)</th><th>Length</th><th>Size</th><th></th></tr>");
      for (Row s : rows) {
        String length = s.seconds() < 0 ? "?" : String.format(Locale.ROOT, "%.1f s", s.seconds());
        String href = home + "recordings/" + escape(s.name());
        html.append("<tr><td>")
            .append(escape(s.start().toString()))
            .append("</td><td>")
            .append(s.inProgress() ? "recording…" : length)
            .append("</td><td>")
            .append(String.format(Locale.ROOT, "%.1f MB", s.bytes() / 1e6))
            .append("</td><td>")
            .append("<a href=\"")
            .append(href)
            .append("/play")
            .append(q)
            .append("\">play</a> · ")
            .append("<a href=\"")
            .append(href)
            .append(q)
            .append("\" download>download</a>");
        if (!s.inProgress()) {
          html.append(" · <form method=\"post\" action=\"")
              .append(href)
              .append("/delete")
              .append(q)
              .append(
                  "\" style=\"display:inline\" onsubmit=\"return confirm('Delete this recording?')\">")
              .append("<button>delete</button></form>");
        }
        html.append("</td></tr>\n");
      }
      html.append("</table>");
    }
    html.append("</body></html>\n");
    return html.toString();
  }

  /**
   * The page that plays recording {@code fileName}, carrying {@code token} (or null) on its links:
   * an MP4 in a plain {@code <video>} from the file's own address (the browser seeks it with Range
   * requests), an AVI in an {@code <img>} from its play.mjpg (no browser plays MJPEG AVI).
   *
   * @param root the camera's root relative to the page ({@code ../../} at {@code
   *     /recordings/NAME/play})
   * @param mp4 whether the recording is H.264 in MP4
   */
  public static String player(String root, String fileName, boolean mp4, String token) {
    String name = escape(fileName);
    String home = escape(root);
    String q = tokenQuery(token);
    String html =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            + "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            + "<title>"
            + name
            + "</title><style>body{font-family:system-ui,sans-serif;margin:1.5rem;"
            + "background:#111;color:#eee}a{color:#8cf}img,video{max-width:100%;background:#000}"
            + "</style></head>"
            + "<body><p><a href=\""
            + home
            + "recordings"
            + q
            + "\">All recordings</a> · <a href=\""
            + home
            + "recordings/"
            + name
            + q
            + "\" download>download</a></p><h1>"
            + name
            + "</h1>"
            + (mp4
                ? "<video controls autoplay muted playsinline src=\""
                    + home
                    + "recordings/"
                    + name
                    + q
                    + "\"></video>"
                : "<img alt=\"recording\" src=\""
                    + home
                    + "recordings/"
                    + name
                    + "/play.mjpg"
                    + q
                    + "\">")
            + "</body></html>\n";
    return html;
  }

  /** {@code ?token=...} (escaped for an HTML attribute), or "" without a token. */
  private static String tokenQuery(String token) {
    return token == null || token.isEmpty()
        ? ""
        : "?token=" + escape(URLEncoder.encode(token, StandardCharsets.UTF_8));
  }
}
