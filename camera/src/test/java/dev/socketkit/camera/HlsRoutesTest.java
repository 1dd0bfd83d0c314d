package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.CameraServerTest.Response;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.Tools;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /hls/} from a running test-pattern camera: ffprobe, the playlist, headers, auth. */
@Timeout(120)
class HlsRoutesTest {
  private static final Pattern MEDIA_SEQUENCE = Pattern.compile("#EXT-X-MEDIA-SEQUENCE:(\\d+)");
  private static final Pattern TARGET = Pattern.compile("#EXT-X-TARGETDURATION:(\\d+)");
  private static final Pattern EXTINF = Pattern.compile("#EXTINF:([0-9.]+),");

  @TempDir Path dir;

  static Camera.Builder camera() {
    return Camera.builder().port(0).size(640, 480).fps(30).quality(70).name("hls camera");
  }

  @Test
  void ffprobeReadsTheLivePlaylist() throws Exception {
    Path ffprobe = Tools.require("ffprobe");
    Tools.require("ffmpeg");
    try (Camera camera = camera().start()) {
      String url = "http://127.0.0.1:" + CameraServerTest.port(camera) + "/hls/index.m3u8";
      List<String> command =
          List.of(
              ffprobe.toString(),
              "-v",
              "error",
              "-select_streams",
              "v:0",
              "-count_frames",
              "-read_intervals",
              "%+#45", // a live playlist never ends: count the first 45 pictures
              "-show_entries",
              "stream=codec_name,width,height,nb_read_frames",
              "-of",
              "default=noprint_wrappers=1",
              url);
      String output = run(command);
      assertThat(output.lines().toList()).contains("codec_name=h264", "width=640", "height=480");
      Matcher frames = Pattern.compile("nb_read_frames=(\\d+)").matcher(output);
      assertThat(frames.find()).as(output).isTrue();
      assertThat(Integer.parseInt(frames.group(1))).isGreaterThan(0);
      assertThat(output).as("ffprobe -v error says nothing else").doesNotContain("rror");
    }
  }

  @Test
  void thePlaylistSlidesAndEverySegmentStartsWithAKeyframe() throws Exception {
    Tools.require("ffmpeg");
    try (Camera camera = camera().start()) {
      int port = CameraServerTest.port(camera);
      Response first = CameraServerTest.get(port, "/hls/index.m3u8");
      assertThat(first.code()).as(first.text()).isEqualTo(200);
      assertThat(first.headers())
          .containsEntry("content-type", "application/vnd.apple.mpegurl")
          .containsEntry("cache-control", "public, max-age=1");
      long startSequence = mediaSequence(first.text());
      Map<String, byte[]> segments = new LinkedHashMap<>();
      // One segment a second, six in the window: after eight the first has left.
      String text =
          Await.value(
              Duration.ofSeconds(60),
              () -> {
                String now = CameraServerTest.get(port, "/hls/index.m3u8").text();
                for (String uri : uris(now)) {
                  if (uri.endsWith(".m4s") && !segments.containsKey(uri)) {
                    Response segment = CameraServerTest.get(port, "/hls/" + uri);
                    assertThat(segment.code()).as(uri).isEqualTo(200);
                    segments.put(uri, segment.body());
                  }
                }
                return mediaSequence(now) >= startSequence + 2 ? now : null;
              },
              () -> "the window slides");
      assertThat(text.lines().filter(l -> l.startsWith("#EXTINF"))).hasSize(6);
      long target = Long.parseLong(find(TARGET, text));
      Matcher extinf = EXTINF.matcher(text);
      while (extinf.find()) {
        assertThat(Math.round(Double.parseDouble(extinf.group(1)))).isLessThanOrEqualTo(target);
        assertThat(Double.parseDouble(extinf.group(1))).isGreaterThan(0).isLessThanOrEqualTo(2.0);
      }
      assertThat(segments).hasSizeGreaterThanOrEqualTo(8);
      for (Map.Entry<String, byte[]> segment : segments.entrySet()) {
        assertThat(firstSampleIsSync(segment.getValue())).as(segment.getKey()).isTrue();
      }
      String oldest = segments.keySet().iterator().next();
      Response gone = CameraServerTest.get(port, "/hls/" + oldest);
      assertThat(gone.code()).as("a segment that left the window").isEqualTo(404);
      assertThat(gone.headers()).containsEntry("cache-control", "no-store");
    }
  }

  @Test
  void segmentsAreImmutableWithLengthsRangesAndHead() throws Exception {
    Tools.require("ffmpeg");
    try (Camera camera = camera().start()) {
      int port = CameraServerTest.port(camera);
      String text = CameraServerTest.get(port, "/hls/index.m3u8").text();
      String init = uris(text).get(0);
      String segment = uris(text).get(1);
      assertThat(init).matches("init-[0-9a-z]{6}-1\\.mp4");
      assertThat(segment).matches("[0-9a-z]{6}-\\d+\\.m4s");

      Response whole = CameraServerTest.get(port, "/hls/" + segment);
      assertThat(whole.code()).isEqualTo(200);
      assertThat(whole.headers())
          .containsEntry("content-type", "video/mp4")
          .containsEntry("cache-control", "public, max-age=3600, immutable")
          .containsEntry("accept-ranges", "bytes")
          .containsEntry("content-length", Integer.toString(whole.body().length));
      Response initResponse = CameraServerTest.get(port, "/hls/" + init);
      assertThat(initResponse.headers())
          .containsEntry("cache-control", "public, max-age=3600, immutable");
      assertThat(new String(initResponse.body(), 4, 4, StandardCharsets.US_ASCII))
          .isEqualTo("ftyp");

      Response part = CameraServerTest.get(port, "/hls/" + segment, "Range: bytes=8-15");
      assertThat(part.code()).isEqualTo(206);
      assertThat(part.headers())
          .containsEntry("content-range", "bytes 8-15/" + whole.body().length)
          .containsEntry("content-length", "8");
      assertThat(part.body()).containsExactly(java.util.Arrays.copyOfRange(whole.body(), 8, 16));
      Response beyond =
          CameraServerTest.get(
              port, "/hls/" + segment, "Range: bytes=" + whole.body().length + "-");
      assertThat(beyond.code()).isEqualTo(416);

      try (dev.socketkit.testkit.RawHttpClient client =
          new dev.socketkit.testkit.RawHttpClient(port)) {
        client.send(
            "HEAD /hls/" + segment + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        dev.socketkit.testkit.RawHttpClient.Response head = client.readHead();
        assertThat(head.statusLine()).contains(" 200 ");
        assertThat(head.headerLines()).contains("Content-Length: " + whole.body().length);
        assertThat(client.readAll()).as("HEAD has no body").isEmpty();
      }

      for (String missing :
          List.of(segment.replaceFirst("-\\d+", "-999999"), "nothing.m4s", "init-x-1.mp4")) {
        assertThat(CameraServerTest.get(port, "/hls/" + missing).code()).as(missing).isEqualTo(404);
      }
      Map<?, ?> hls =
          (Map<?, ?>) ((Map<?, ?>) StreamingHandler.stateTree(camera).get("formats")).get("hls");
      assertThat(hls.get("subscribed")).isEqualTo(true);
      assertThat(((Number) hls.get("segmentRequests")).longValue()).isGreaterThanOrEqualTo(4);
    }
  }

  @Test
  void withoutH264TheRoutesAnswer503InOneSentence() throws Exception {
    try (Camera camera = camera().ffmpeg(dir.resolve("no-ffmpeg").toString()).start()) {
      int port = CameraServerTest.port(camera);
      for (String path : List.of("/hls/index.m3u8", "/hls/abcdef-1.m4s")) {
        Response response = CameraServerTest.get(port, path);
        assertThat(response.code()).as(path).isEqualTo(503);
        assertThat(response.headers()).containsEntry("cache-control", "no-store");
        assertThat(response.text()).contains("/stream.mjpg").hasLineCount(1);
      }
    }
  }

  @Test
  void aTokenReadsTheHlsFilesAndTheCacheMayShareOnlyWhatATokenOpened() throws Exception {
    Tools.require("ffmpeg");
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    try (Camera camera = camera().auth(auth).start()) {
      int port = CameraServerTest.port(camera);
      assertThat(CameraServerTest.get(port, "/hls/index.m3u8").code()).isEqualTo(401);

      String token = auth.makeToken(Duration.ofHours(1));
      Response playlist = CameraServerTest.get(port, "/hls/index.m3u8?token=" + token);
      assertThat(playlist.code()).as(playlist.text()).isEqualTo(200);
      assertThat(playlist.headers()).containsEntry("cache-control", "public, max-age=1");
      List<String> uris = uris(playlist.text());
      assertThat(uris).isNotEmpty().allMatch(uri -> uri.endsWith("?token=" + token));
      for (String uri : uris) {
        Response file = CameraServerTest.get(port, "/hls/" + uri);
        assertThat(file.code()).as(uri).isEqualTo(200);
        assertThat(file.headers())
            .containsEntry("cache-control", "public, max-age=3600, immutable");
        String bare = uri.substring(0, uri.indexOf('?'));
        assertThat(CameraServerTest.get(port, "/hls/" + bare).code()).as(bare).isEqualTo(401);
      }

      String basic =
          "Authorization: Basic "
              + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
      Response withPassword = CameraServerTest.get(port, "/hls/index.m3u8", basic);
      assertThat(withPassword.code()).isEqualTo(200);
      assertThat(withPassword.headers()).containsEntry("cache-control", "private, max-age=1");
      List<String> plain = uris(withPassword.text());
      assertThat(plain).noneMatch(uri -> uri.contains("token"));
      Response segment = CameraServerTest.get(port, "/hls/" + plain.get(1), basic);
      assertThat(segment.headers())
          .containsEntry("cache-control", "private, max-age=3600, immutable");
      String narrow = auth.makeToken("alice", Duration.ofHours(1), List.of("/state"));
      assertThat(CameraServerTest.get(port, "/hls/index.m3u8?token=" + narrow).code())
          .isEqualTo(401);
    }
  }

  /** The URIs of a playlist: EXT-X-MAP's and the segments', in order. */
  static List<String> uris(String playlist) {
    List<String> uris = new ArrayList<>();
    for (String line : playlist.lines().toList()) {
      if (line.startsWith("#EXT-X-MAP:URI=\"")) {
        uris.add(line.substring("#EXT-X-MAP:URI=\"".length(), line.length() - 1));
      } else if (!line.isEmpty() && !line.startsWith("#")) {
        uris.add(line);
      }
    }
    return uris;
  }

  static long mediaSequence(String playlist) {
    return Long.parseLong(find(MEDIA_SEQUENCE, playlist));
  }

  private static String find(Pattern pattern, String text) {
    Matcher matcher = pattern.matcher(text);
    assertThat(matcher.find()).as("%s in %s", pattern, text).isTrue();
    return matcher.group(1);
  }

  /** Whether a segment's first {@code moof} says its first picture is a sync sample. */
  static boolean firstSampleIsSync(byte[] segment) {
    ByteBuffer in = ByteBuffer.wrap(segment);
    int at = 0;
    while (at + 8 <= segment.length) {
      int size = in.getInt(at);
      String type = new String(segment, at + 4, 4, StandardCharsets.US_ASCII);
      if (type.equals("moof")) {
        int trun = indexOf(segment, "trun", at, at + size);
        // box header 8, version and flags 4, sample_count 4, data_offset 4, duration 4, size 4
        int flags = in.getInt(trun - 4 + 8 + 4 + 4 + 4 + 4 + 4);
        return (flags & 0x0001_0000) == 0; // sample_is_non_sync_sample clear
      }
      at += size;
    }
    return false;
  }

  private static int indexOf(byte[] data, String type, int from, int to) {
    byte[] name = type.getBytes(StandardCharsets.US_ASCII);
    for (int i = from; i + 4 <= to; i++) {
      if (data[i] == name[0]
          && data[i + 1] == name[1]
          && data[i + 2] == name[2]
          && data[i + 3] == name[3]) {
        return i;
      }
    }
    throw new AssertionError("no " + type + " box");
  }

  /** Runs a program to its end (killed after 60 s); returns stdout and stderr together. */
  private String run(List<String> command) throws Exception {
    Path log = Files.createTempFile(dir, "run", ".log");
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    assertThat(ended).as("%s ends: %s", command, output).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    return output.strip();
  }
}
