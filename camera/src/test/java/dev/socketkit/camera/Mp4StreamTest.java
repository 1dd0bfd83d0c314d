package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MisbehavingPeer;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code /stream.mp4} from a running camera, read by ffprobe and by misbehaving clients. */
@Timeout(120)
class Mp4StreamTest {
  @TempDir Path dir;

  @BeforeAll
  static void needsFfmpeg() {
    Tools.require("ffmpeg");
  }

  static Camera.Builder camera() {
    return Camera.builder().port(0).size(320, 240).fps(30).quality(70).name("mp4 camera");
  }

  static int port(Camera camera) {
    return CameraServerTest.port(camera);
  }

  /** A GET whose response head has been read; the socket is at the first body byte. */
  record Opened(Socket socket, int status, String head) implements AutoCloseable {
    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  static Opened open(int port, String path, int receiveBuffer) throws IOException {
    Socket socket = new Socket();
    if (receiveBuffer > 0) {
      socket.setReceiveBufferSize(receiveBuffer);
    }
    socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5000);
    socket.setSoTimeout(20_000);
    socket
        .getOutputStream()
        .write(
            ("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
    InputStream in = socket.getInputStream();
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      head.append((char) c);
    }
    String text = head.toString();
    int status = text.length() > 12 ? Integer.parseInt(text.substring(9, 12)) : -1;
    return new Opened(socket, status, text);
  }

  @Test
  void ffprobeReadsTheLiveStreamAsH264() throws Exception {
    Path ffprobe = Tools.require("ffprobe");
    try (Camera camera = camera().start()) {
      String url = "http://127.0.0.1:" + port(camera) + "/stream.mp4";
      Process process =
          new ProcessBuilder(
                  ffprobe.toString(),
                  "-v",
                  "error",
                  "-read_intervals",
                  "%+2",
                  "-count_frames",
                  "-show_entries",
                  "stream=codec_name,width,height,nb_read_frames",
                  "-of",
                  "default=noprint_wrappers=1",
                  url)
              .redirectErrorStream(true)
              .start();
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (InputStream in = process.getInputStream()) {
        in.transferTo(out);
      }
      assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
      String probe = out.toString(StandardCharsets.UTF_8);
      assertThat(probe).contains("codec_name=h264", "width=320", "height=240");
      int frames =
          Integer.parseInt(probe.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1").strip());
      assertThat(frames).isGreaterThan(0);
      assertThat(camera.fragments().codecs()).startsWith("avc1.");
    }
  }

  @Test
  void theHeadNamesTheCodecAndForbidsCaching() throws Exception {
    try (Camera camera = camera().start();
        Opened viewer = open(port(camera), "/stream.mp4", 0)) {
      assertThat(viewer.status()).isEqualTo(200);
      assertThat(viewer.head())
          .containsPattern("Content-Type: video/mp4; codecs=\"avc1\\.[0-9a-f]{6}\"")
          .contains("Cache-Control: no-store");
      byte[] start = viewer.socket().getInputStream().readNBytes(8);
      assertThat(new String(start, 4, 4, StandardCharsets.US_ASCII)).isEqualTo("ftyp");
      Await.until(
          Duration.ofSeconds(10),
          () -> viewerCount(camera, "mp4") == 1,
          () -> "/state shows the mp4 viewer");
    }
  }

  @Test
  void aNeverReadingViewerIsCutOffByTheWriteDeadline() throws Exception {
    try (Camera camera =
        camera().size(640, 480).h264Bitrate(8000).writeDeadline(Duration.ofSeconds(1)).start()) {
      MisbehavingPeer stalled = MisbehavingPeer.neverReading(port(camera));
      stalled.send("GET /stream.mp4 HTTP/1.1\r\nHost: localhost\r\n\r\n");
      Await.until(
          Duration.ofSeconds(15),
          () -> camera.mp4FanOut().viewerCount() == 1,
          () -> "the stalled viewer connected");
      Await.until(
          Duration.ofSeconds(30),
          () -> camera.mp4FanOut().viewerCount() == 0,
          () -> "the stalled viewer is cut off");
      stalled.close();
    }
  }

  @Test
  void mjpegAndMp4ViewersShareOneCap() throws Exception {
    try (Camera camera = camera().maxViewers(1).start();
        MjpegClient mjpeg = MjpegClient.open("127.0.0.1", port(camera), "/stream.mjpg")) {
      mjpeg.next();
      try (Opened refused = open(port(camera), "/stream.mp4", 0)) {
        assertThat(refused.status()).isEqualTo(503);
        assertThat(refused.head()).contains("Retry-After");
      }
    }
  }

  @Test
  void theDefaultLinkTokenOpensTheMp4StreamAndAnotherScopeDoesNot() throws Exception {
    Path users = dir.resolve("users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    try (Camera camera = camera().auth(auth).start()) {
      String live = "?token=" + auth.makeToken(Duration.ofHours(1));
      String stateOnly =
          "?token=" + auth.makeToken("alice", Duration.ofHours(1), List.of("/state"));
      try (Opened viewer = open(port(camera), "/stream.mp4" + live, 0)) {
        assertThat(viewer.status()).isEqualTo(200);
      }
      try (Opened refused = open(port(camera), "/stream.mp4" + stateOnly, 0)) {
        assertThat(refused.status()).isEqualTo(401);
      }
      assertThat(auth.checkToken(live.substring(7), "GET", "/hls/index.m3u8")).isTrue();
    }
  }

  @Test
  void aSlowReaderSkipsToAKeyframeAndItsBytesStayAValidStream() throws Exception {
    try (Camera camera = camera().size(640, 480).h264Bitrate(3000).start();
        Opened slow = open(port(camera), "/stream.mp4", 8192)) {
      assertThat(slow.status()).isEqualTo(200);
      InputStream in = slow.socket().getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] chunk = new byte[2048];
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      // About 80 kB/s against the stream's 375 kB/s: the viewer falls behind at once.
      while (camera.mp4FanOut().skips() < 1 && System.nanoTime() < deadline) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        got.write(chunk, 0, n);
        Thread.sleep(25); // the slow reader's pace, not synchronisation
      }
      assertThat(camera.mp4FanOut().skips()).isGreaterThanOrEqualTo(1);
      // Then at full speed, through what the kernel buffered, to the skip.
      while (gaps(boxes(got.toByteArray())) == 0 && System.nanoTime() < deadline) {
        int n = in.read(chunk);
        if (n < 0) {
          break;
        }
        got.write(chunk, 0, n);
      }
      assertThat(gaps(boxes(got.toByteArray()))).isGreaterThanOrEqualTo(1);
    }
  }

  /**
   * Checks that {@code boxes} are ftyp, moov, then fragments whose first one and every one after a
   * gap in the sequence numbers (a skip) start with a keyframe; returns how many gaps there are.
   */
  private static int gaps(List<Box> boxes) {
    if (boxes.size() < 2) {
      return 0;
    }
    assertThat(boxes.get(0).type()).isEqualTo("ftyp");
    assertThat(boxes.get(1).type()).isEqualTo("moov");
    long lastSequence = -1;
    int gaps = 0;
    for (Box box : boxes.subList(2, boxes.size())) {
      assertThat(box.type()).isIn("prft", "moof", "mdat");
      if (!box.type().equals("moof")) {
        continue;
      }
      long sequence = mfhdSequence(box);
      boolean keyframe = firstSampleIsSync(box);
      if (lastSequence < 0) {
        assertThat(keyframe).as("the first fragment is a keyframe").isTrue();
      } else if (sequence != lastSequence + 1) {
        gaps++;
        assertThat(sequence).isGreaterThan(lastSequence);
        assertThat(keyframe).as("after a skip, fragment %d is a keyframe", sequence).isTrue();
      }
      lastSequence = sequence;
    }
    return gaps;
  }

  @Test
  void aTlsViewerGetsTheSameStreamFromItsOwnThreadAndEndsWhenItLeaves() throws Exception {
    SSLContext[] tls = tlsContexts(dir);
    try (Camera camera = camera().tls(tls[0]).start()) {
      SSLSocket socket =
          (SSLSocket)
              tls[1]
                  .getSocketFactory()
                  .createSocket(InetAddress.getLoopbackAddress(), port(camera));
      socket.setSoTimeout(20_000);
      socket
          .getOutputStream()
          .write(
              "GET /stream.mp4 HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      InputStream in = socket.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        head.append((char) in.read());
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 200").contains("video/mp4; codecs=");
      java.io.DataInputStream data = new java.io.DataInputStream(in);
      List<String> types = new ArrayList<>();
      int moofs = 0;
      while (moofs < 30) {
        int size = data.readInt();
        byte[] type = new byte[4];
        data.readFully(type);
        data.readFully(new byte[size - 8]);
        types.add(new String(type, StandardCharsets.US_ASCII));
        if (types.get(types.size() - 1).equals("moof")) {
          moofs++;
        }
      }
      assertThat(types.subList(0, 2)).containsExactly("ftyp", "moov");
      assertThat(camera.mp4FanOut().viewerCount()).isEqualTo(1);
      socket.close();
      Await.until(
          Duration.ofSeconds(20),
          () -> camera.mp4FanOut().viewerCount() == 0,
          () -> "the TLS viewer ended");
    }
  }

  /** A server and a client context around a fresh self-signed key (keytool, as a user would). */
  static SSLContext[] tlsContexts(Path dir) throws Exception {
    Path store = dir.resolve("camera.p12");
    char[] password = "changeit-test".toCharArray();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "camera",
                "-keyalg",
                "EC",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                new String(password),
                "-keypass",
                new String(password))
            .redirectErrorStream(true)
            .start();
    String output = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(keytool.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(keytool.exitValue()).as(output).isZero();
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = java.nio.file.Files.newInputStream(store)) {
      keys.load(in, password);
    }
    KeyManagerFactory keyManagers =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    keyManagers.init(keys, password);
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(keyManagers.getKeyManagers(), null, null);
    TrustManagerFactory trust =
        TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(keys);
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, trust.getTrustManagers(), null);
    return new SSLContext[] {server, client};
  }

  private static long viewerCount(Camera camera, String format) {
    return StreamingHandler.stateTree(camera).get("formats") instanceof java.util.Map<?, ?> formats
            && formats.get(format) instanceof java.util.Map<?, ?> one
            && one.get("viewers") instanceof Number n
        ? n.longValue()
        : -1;
  }

  /** One top-level box: its type and its whole bytes. */
  @SuppressWarnings("ArrayRecordComponent") // a test's parse result, never compared
  record Box(String type, byte[] bytes) {}

  /** The complete top-level boxes of {@code stream}; a box cut off at the end is left out. */
  static List<Box> boxes(byte[] stream) {
    List<Box> boxes = new ArrayList<>();
    ByteBuffer in = ByteBuffer.wrap(stream);
    while (in.remaining() >= 8) {
      int size = in.getInt(in.position());
      assertThat(size).isGreaterThanOrEqualTo(8);
      if (size > in.remaining()) {
        break;
      }
      String type = new String(stream, in.position() + 4, 4, StandardCharsets.US_ASCII);
      byte[] bytes = new byte[size];
      in.get(bytes);
      boxes.add(new Box(type, bytes));
    }
    return boxes;
  }

  /** The child box {@code type} of {@code parent}'s content starting at {@code from}, or null. */
  private static ByteBuffer child(ByteBuffer parent, int from, String type) {
    int at = from;
    while (at + 8 <= parent.limit()) {
      int size = parent.getInt(at);
      byte[] name = new byte[4];
      parent.get(at + 4, name);
      if (new String(name, StandardCharsets.US_ASCII).equals(type)) {
        return parent.slice(at, size);
      }
      at += size;
    }
    return null;
  }

  private static long mfhdSequence(Box moof) {
    ByteBuffer mfhd = child(ByteBuffer.wrap(moof.bytes()), 8, "mfhd");
    return mfhd.getInt(12) & 0xFFFF_FFFFL;
  }

  /** Whether the trun's first sample is a sync sample (flags as Fmp4Writer writes them). */
  private static boolean firstSampleIsSync(Box moof) {
    ByteBuffer traf = child(ByteBuffer.wrap(moof.bytes()), 8, "traf");
    ByteBuffer trun = child(traf, 8, "trun");
    // full box header 12, sample_count 4, data_offset 4, then duration, size, flags
    int flags = trun.getInt(12 + 4 + 4 + 8);
    return (flags & 0x0001_0000) == 0;
  }
}
