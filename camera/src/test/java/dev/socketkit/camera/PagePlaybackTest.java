package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.socketkit.camera.internal.recording.Segments;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The live page in headless Chromium, driven over the DevTools protocol (the JDK's WebSocket and
 * {@code Runtime.evaluate}): it plays {@code /stream.mp4} with Media Source Extensions, and falls
 * back to MJPEG when asked or when H.264 is unavailable.
 */
@Timeout(180)
class PagePlaybackTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path profile;

  @Test
  void playsTheH264StreamForTenSecondsWithoutStalling() throws Exception {
    Tools.require("ffmpeg");
    try (Camera camera = Mp4StreamTest.camera().start();
        Browser browser = Browser.open(profile, url(camera, ""))) {
      assertThat(
              browser.evaluate("MediaSource.isTypeSupported('video/mp4; codecs=\"avc1.42E01E\"')"))
          .as("Chromium plays H.264 over MSE")
          .isEqualTo("true");
      Await.until(
          Duration.ofSeconds(40),
          () -> "true".equals(browser.evaluate("document.body.dataset.playing || ''")),
          () ->
              "the video plays: "
                  + browser.evaluateQuietly("JSON.stringify(document.body.dataset)"));
      double start =
          Double.parseDouble(
              browser.evaluate("String(document.getElementById('video').currentTime)"));
      Await.until(
          Duration.ofSeconds(40),
          () ->
              Double.parseDouble(
                      browser.evaluate("String(document.getElementById('video').currentTime)"))
                  >= start + 9,
          () ->
              "ten seconds of play: "
                  + browser.evaluateQuietly("JSON.stringify(document.body.dataset)"));
      JsonNode stats = JSON.readTree(browser.evaluate("JSON.stringify(document.body.dataset)"));
      assertThat(stats.path("format").asText()).isEqualTo("mp4");
      assertThat(stats.has("waiting")).as("waiting after start: %s", stats).isFalse();
      assertThat(stats.has("stalled")).as("stalled after start: %s", stats).isFalse();
      assertThat(stats.path("luma").asDouble()).as("the picture's brightness").isGreaterThan(20);
      assertThat(browser.evaluate("document.getElementById('bitrate').textContent"))
          .endsWith("kbit/s");
      assertThat(meanBrightness(browser.screenshot())).as("the screenshot").isGreaterThan(20);
    }
  }

  @Test
  void fallsBackToMjpegWhenAskedOrWhenH264IsUnavailable() throws Exception {
    try (Camera camera =
            Mp4StreamTest.camera().ffmpeg(profile.resolve("no-ffmpeg").toString()).start();
        Browser browser = Browser.open(profile.resolve("a"), url(camera, ""))) {
      Await.until(
          Duration.ofSeconds(30),
          () -> "mjpeg".equals(browser.evaluate("document.body.dataset.format || ''")),
          () -> "MJPEG: " + browser.evaluateQuietly("JSON.stringify(document.body.dataset)"));
      assertThat(browser.evaluate("document.body.dataset.fallback || ''")).contains("503");
      Await.until(
          Duration.ofSeconds(30),
          () ->
              !"0"
                  .equals(
                      browser.evaluate("String(document.getElementById('stream').naturalWidth)")),
          () -> "the MJPEG picture shows");
    }
    try (Camera camera = Mp4StreamTest.camera().start();
        Browser browser = Browser.open(profile.resolve("b"), url(camera, "?format=mjpeg"))) {
      Await.until(
          Duration.ofSeconds(30),
          () -> "mjpeg".equals(browser.evaluate("document.body.dataset.format || ''")),
          () -> "MJPEG as asked");
      assertThat(camera.encoder().running()).isFalse(); // nobody asked for H.264
      assertThat(browser.evaluate("document.getElementById('switch').textContent"))
          .isEqualTo("H.264");
    }
  }

  @Test
  void aPlainVideoElementPlaysAnMp4RecordingFetchedWithRangeRequests() throws Exception {
    Tools.require("ffmpeg");
    Path recordings = profile.resolve("rec");
    try (Camera camera =
        Mp4StreamTest.camera()
            .recording(
                RecordingSettings.builder(RecordMode.CONTINUOUS, recordings)
                    .segment(Duration.ofSeconds(3))
                    .format(RecordFormat.MP4)
                    .build())
            .start()) {
      Await.until(
          Duration.ofSeconds(60),
          () -> camera.surveillance().recorder().segmentsFinished() >= 1,
          () -> "a segment finished");
      String name = new Segments(recordings).list().get(0).name();
      try (Browser browser =
          Browser.open(profile.resolve("p"), url(camera, "recordings/" + name + "/play"))) {
        Await.until(
            Duration.ofSeconds(30),
            () ->
                Double.parseDouble(
                        browser.evaluate(
                            "String((document.querySelector('video') || {}).currentTime || 0)"))
                    >= 2,
            () ->
                "the recording plays: "
                    + browser.evaluateQuietly(
                        "(v => [v.readyState, v.currentTime, v.error && v.error.message])"
                            + "(document.querySelector('video')).join()"));
        assertThat(browser.evaluate("String(document.querySelector('video').videoWidth)"))
            .isEqualTo("320");
        assertThat(browser.evaluate("String(document.querySelector('video').error)"))
            .isEqualTo("null");
      }
    }
  }

  private static String url(Camera camera, String query) {
    return "http://127.0.0.1:" + Mp4StreamTest.port(camera) + "/" + query;
  }

  static double meanBrightness(byte[] png) throws IOException {
    BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
    long sum = 0;
    int count = 0;
    for (int y = 0; y < image.getHeight(); y += 4) {
      for (int x = 0; x < image.getWidth(); x += 4) {
        int rgb = image.getRGB(x, y);
        sum += ((rgb >> 16) & 0xFF) + ((rgb >> 8) & 0xFF) + (rgb & 0xFF);
        count += 3;
      }
    }
    return (double) sum / count;
  }

  /** Headless Chromium with one page, spoken to over the DevTools protocol. */
  static final class Browser implements AutoCloseable {
    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();

    private Browser(Process process, WebSocket.Builder builder, URI page) {
      this.process = process;
      this.socket = builder.buildAsync(page, new Listener()).join();
    }

    static Browser open(Path profile, String url) throws Exception {
      Path chromium = Tools.require("chromium");
      Files.createDirectories(profile);
      Process process =
          new ProcessBuilder(
                  chromium.toString(),
                  "--headless",
                  "--no-sandbox",
                  "--disable-gpu",
                  "--no-first-run",
                  "--mute-audio",
                  "--autoplay-policy=no-user-gesture-required",
                  "--window-size=800,600",
                  "--remote-debugging-port=0",
                  "--user-data-dir=" + profile,
                  url)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      try {
        Path portFile = profile.resolve("DevToolsActivePort");
        List<String> lines =
            Await.value(
                Duration.ofSeconds(30),
                () -> {
                  if (!Files.exists(portFile)) {
                    return null;
                  }
                  List<String> read = Files.readAllLines(portFile);
                  return read.size() >= 2 ? read : null;
                },
                () -> "Chromium's DevTools port");
        HttpClient http = HttpClient.newHttpClient();
        URI page =
            Await.value(
                Duration.ofSeconds(30),
                () -> {
                  String list =
                      http.send(
                              HttpRequest.newBuilder(
                                      URI.create(
                                          "http://127.0.0.1:"
                                              + lines.get(0).strip()
                                              + "/json/list"))
                                  .build(),
                              HttpResponse.BodyHandlers.ofString())
                          .body();
                  for (JsonNode target : JSON.readTree(list)) {
                    if ("page".equals(target.path("type").asText())) {
                      return URI.create(target.path("webSocketDebuggerUrl").asText());
                    }
                  }
                  return null;
                },
                () -> "Chromium's page");
        return new Browser(process, http.newWebSocketBuilder(), page);
      } catch (Exception | Error e) {
        process.destroyForcibly();
        throw e;
      }
    }

    JsonNode call(String method, Map<String, Object> params) throws Exception {
      int id = ids.incrementAndGet();
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      socket
          .sendText(
              JSON.writeValueAsString(Map.of("id", id, "method", method, "params", params)), true)
          .get(10, TimeUnit.SECONDS);
      return answer.get(20, TimeUnit.SECONDS);
    }

    /** Evaluates {@code expression} in the page and returns its value as a string. */
    String evaluate(String expression) throws Exception {
      JsonNode result =
          call(
              "Runtime.evaluate",
              Map.of("expression", "String(" + expression + ")", "returnByValue", true));
      return result.path("result").path("result").path("value").asText();
    }

    String evaluateQuietly(String expression) {
      try {
        return evaluate(expression);
      } catch (Exception e) {
        return "(" + e + ")";
      }
    }

    byte[] screenshot() throws Exception {
      JsonNode result = call("Page.captureScreenshot", Map.of("format", "png"));
      return Base64.getDecoder().decode(result.path("result").path("data").asText());
    }

    private final class Listener implements WebSocket.Listener {
      private final StringBuilder text = new StringBuilder();

      @Override
      public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
          try {
            JsonNode message = JSON.readTree(text.toString());
            CompletableFuture<JsonNode> answer = pending.remove(message.path("id").asInt(-1));
            if (answer != null) {
              answer.complete(message);
            }
          } catch (IOException e) {
            // not an answer we wait for
          } finally {
            text.setLength(0);
          }
        }
        webSocket.request(1);
        return null;
      }
    }

    @Override
    public void close() {
      socket.abort();
      // Chromium's helper processes are listed before the browser exits (afterwards they are
      // reparented and no longer its descendants) and awaited, so none still writes into the
      // profile directory when the test deletes it.
      List<ProcessHandle> helpers = process.descendants().toList();
      process.destroy();
      try {
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        for (ProcessHandle helper : helpers) {
          helper.destroyForcibly();
          helper.onExit().get(10, TimeUnit.SECONDS);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (ExecutionException | TimeoutException e) {
        throw new IllegalStateException("a Chromium helper process did not exit", e);
      }
    }
  }
}
