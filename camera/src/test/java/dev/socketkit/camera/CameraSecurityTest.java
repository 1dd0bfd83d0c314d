package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.internal.Redaction;
import dev.socketkit.camera.internal.recording.AviWriter;
import dev.socketkit.camera.internal.recording.SyntheticFrames;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.RefusingPort;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The camera's own defences, one test per attack from the security review, each made over real
 * sockets on the loopback address: DNS rebinding, missing headers, weak TLS, a hostile upstream, a
 * shared temporary folder, and a token that escaped the log redaction.
 */
@Timeout(60)
class CameraSecurityTest {
  @TempDir Path dir;

  /** One request with this {@code Host}; the response's header names are in lower case. */
  private static CameraServerTest.Response request(
      int port, String method, String path, String host) throws IOException {
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(15_000);
      socket
          .getOutputStream()
          .write(
              (method
                      + " "
                      + path
                      + " HTTP/1.1\r\nHost: "
                      + host
                      + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      MjpegClient reader = new MjpegClient(socket);
      reader.readHead();
      byte[] body = reader.input().readAllBytes();
      return new CameraServerTest.Response(reader.statusLine(), reader.headers(), body);
    }
  }

  /** One finished recording in {@code directory}, as the recorder names it. */
  private static Path recording(Path directory) throws IOException {
    Path file = directory.resolve("cam-20261115T104640Z.avi");
    SyntheticFrames frames = new SyntheticFrames(160, 120);
    try (AviWriter writer =
        new AviWriter(
            FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
            160,
            120,
            50)) {
      for (int i = 0; i < 3; i++) {
        writer.writeFrame(frames.withSquare(i * 10, 10, 20, 0, i), 1_795_000_000_000_000L + i);
      }
    }
    return file;
  }

  @Test
  void dnsRebindingToANoAuthCameraGets421AndDeletesNothing() throws Exception {
    Path recordings = Files.createDirectories(dir.resolve("recordings"));
    Path file = recording(recordings);
    try (Camera camera =
        CameraServerTest.camera()
            .allowedHost("cam.example.org")
            .recording(RecordingSettings.builder(RecordMode.OFF, recordings).build())
            .start()) {
      int port = CameraServerTest.port(camera);
      String name = file.getFileName().toString();

      assertThat(request(port, "GET", "/snapshot.jpg", "evil.test").code()).isEqualTo(421);
      assertThat(request(port, "GET", "/snapshot.jpg", "evil.test:" + port).code()).isEqualTo(421);
      assertThat(request(port, "DELETE", "/recordings/" + name, "evil.test:" + port).code())
          .isEqualTo(421);
      assertThat(request(port, "POST", "/recordings/" + name + "/delete", "evil.test").code())
          .isEqualTo(421);
      assertThat(file).as("nothing deleted").exists();

      for (String host :
          List.of(
              "127.0.0.1:" + port,
              "localhost:" + port,
              "LOCALHOST.",
              "[::1]:" + port,
              "127.0.0.2",
              "cam.example.org:" + port)) {
        assertThat(request(port, "GET", "/snapshot.jpg", host).code()).as(host).isEqualTo(200);
      }
      assertThat(request(port, "DELETE", "/recordings/" + name, "127.0.0.1:" + port).code())
          .isEqualTo(204);
      assertThat(file).doesNotExist();
    }
  }

  @Test
  void dnsRebindingIsNotCheckedWhenTheCameraHasCredentials() throws Exception {
    Path users = dir.resolve("camera.users");
    AuthFile.setPassword(users, "alice", "secret".toCharArray());
    AuthFile auth = AuthFile.load(users);
    try (Camera camera = CameraServerTest.camera().auth(auth).start()) {
      int port = CameraServerTest.port(camera);
      assertThat(request(port, "GET", "/snapshot.jpg", "cam.example.org").code()).isEqualTo(401);
    }
  }

  @Test
  void framingSniffingAndReferrerLeaksAreRefusedByHeaders() throws Exception {
    try (Camera camera = CameraServerTest.camera().start()) {
      int port = CameraServerTest.port(camera);
      for (String path : List.of("/", "/state", "/snapshot.jpg", "/nothing-here")) {
        Map<String, String> headers = CameraServerTest.get(port, path).headers();
        assertThat(headers).as(path).containsEntry("x-content-type-options", "nosniff");
        assertThat(headers).as(path).containsEntry("referrer-policy", "no-referrer");
        assertThat(headers).as(path).doesNotContainKey("strict-transport-security");
        assertThat(headers.get("server")).as(path).isEqualTo("socketkit");
        assertThat(headers.get("server"))
            .as(path)
            .doesNotContain(System.getProperty("java.version"))
            .doesNotContainPattern("[0-9]");
      }
      Map<String, String> page = CameraServerTest.get(port, "/").headers();
      assertThat(page).containsEntry("x-frame-options", "DENY");
      assertThat(page).containsEntry("content-security-policy", "frame-ancestors 'none'");
      Map<String, String> error = CameraServerTest.get(port, "/nothing-here").headers();
      assertThat(error).as("an HTML error page").containsEntry("x-frame-options", "DENY");
      Map<String, String> snapshot = CameraServerTest.get(port, "/snapshot.jpg").headers();
      assertThat(snapshot)
          .as("a snapshot may be embedded in another site's page")
          .doesNotContainKey("x-frame-options");
    }
  }

  /** A keystore with a self-signed RSA key, so that a non-forward-secret RSA suite is possible. */
  private SSLContext[] rsaContexts() throws Exception {
    KeyStore keys = KeyStore.getInstance("PKCS12");
    Path store = dir.resolve("camera.p12");
    char[] password = "changeit-test".toCharArray();
    Process keytool =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                "-genkeypair",
                "-alias",
                "camera",
                "-keyalg",
                "RSA",
                "-keysize",
                "2048",
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
    try (InputStream in = Files.newInputStream(store)) {
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

  private static SSLSocket connect(SSLContext client, int port, String protocol, String suite)
      throws IOException {
    SSLSocket socket =
        (SSLSocket) client.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(15_000);
    socket.setEnabledProtocols(new String[] {protocol});
    if (suite != null) {
      socket.setEnabledCipherSuites(new String[] {suite});
    }
    return socket;
  }

  @Test
  void aClientOfferingOnlySuitesWithoutForwardSecrecyFailsTheHandshake() throws Exception {
    SSLContext[] tls = rsaContexts();
    try (Camera camera = CameraServerTest.camera().tls(tls[0]).start()) {
      int port = CameraServerTest.port(camera);
      for (String weak :
          List.of(
              "TLS_RSA_WITH_AES_128_GCM_SHA256", // static RSA key exchange: no forward secrecy
              "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) { // CBC, not an AEAD
        try (SSLSocket socket = connect(tls[1], port, "TLSv1.2", weak)) {
          assertThatThrownBy(socket::startHandshake).as(weak).isInstanceOf(IOException.class);
        }
      }
      try (SSLSocket socket = connect(tls[1], port, "TLSv1.2", null)) {
        socket.startHandshake();
        assertThat(socket.getSession().getCipherSuite()).startsWith("TLS_ECDHE_");
        assertThat(socket.getSession().getCipherSuite()).contains("_GCM_");
      }
      try (SSLSocket socket = connect(tls[1], port, "TLSv1.3", null)) {
        socket.startHandshake();
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
        socket
            .getOutputStream()
            .write(
                "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
        MjpegClient reader = new MjpegClient(socket);
        reader.readHead();
        assertThat(reader.headers())
            .containsEntry("strict-transport-security", "max-age=31536000")
            .containsEntry("x-frame-options", "DENY");
      }
    }
  }

  /** Sends a GET for {@code /state} on an open TLS connection and reads the answer's status. */
  private static int getState(SSLSocket socket) throws IOException {
    socket
        .getOutputStream()
        .write(
            "GET /state HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    socket.getOutputStream().flush();
    MjpegClient reader = new MjpegClient(socket);
    reader.readHead();
    int length = Integer.parseInt(reader.headers().get("content-length"));
    reader.input().readNBytes(length);
    return Integer.parseInt(reader.statusLine().split(" ", -1)[1]);
  }

  @Test
  void aClientThatAsksToRenegotiateIsRefused() throws Exception {
    SSLContext[] tls = rsaContexts();
    try (Camera camera = CameraServerTest.camera().tls(tls[0]).start();
        SSLSocket socket = connect(tls[1], CameraServerTest.port(camera), "TLSv1.2", null)) {
      socket.startHandshake();
      assertThat(getState(socket)).isEqualTo(200);
      // A second handshake on a TLS 1.2 connection is a client-initiated renegotiation: cheap to
      // ask for, costly to answer, so the server must refuse it (and the connection ends).
      assertThatThrownBy(
              () -> {
                socket.startHandshake();
                getState(socket);
              })
          .isInstanceOf(IOException.class);
    }
  }

  /** A real JPEG of {@code width}x16, padded with comment segments to at least {@code bytes}. */
  private static byte[] jpeg(int width, int bytes) throws IOException {
    BufferedImage image = new BufferedImage(width, 16, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, 16);
    g.dispose();
    ByteArrayOutputStream encoded = new ByteArrayOutputStream();
    ImageIO.write(image, "jpeg", encoded);
    byte[] plain = encoded.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(bytes, plain.length) + 70_000);
    out.write(plain, 0, 2); // SOI
    while (out.size() < bytes) {
      int length = 65_535; // a COM segment, the longest a marker segment can be
      out.write(0xFF);
      out.write(0xFE);
      out.write(length >> 8);
      out.write(length & 0xFF);
      out.write(new byte[length - 2], 0, length - 2);
    }
    out.write(plain, 2, plain.length - 2);
    return out.toByteArray();
  }

  private static void part(OutputStream out, byte[] jpeg, boolean withLength) throws IOException {
    out.write(
        ("--FRAME\r\nContent-Type: image/jpeg\r\n"
                + (withLength ? "Content-Length: " + jpeg.length + "\r\n" : "")
                + "\r\n")
            .getBytes(StandardCharsets.US_ASCII));
    out.write(jpeg);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Test
  void aHostileUpstreamSendingA10MibFrameCannotMakeTheCameraHoldIt() throws Exception {
    relayAHugeFrame(true);
  }

  @Test
  void aHostileUpstreamSendingA10MibFrameWithoutALengthCannotMakeTheCameraHoldIt()
      throws Exception {
    relayAHugeFrame(false); // found by its JPEG markers, cut off at the cap
  }

  @SuppressWarnings("try") // the subscriptions are held open by the try, not used in it
  private void relayAHugeFrame(boolean withLength) throws Exception {
    byte[] before = jpeg(16, 0);
    byte[] huge = jpeg(24, 10 * 1024 * 1024);
    byte[] after = jpeg(32, 0);
    AtomicBoolean hugeSent = new AtomicBoolean();
    try (ServerSocket upstream = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
      Thread server =
          new Thread(
              () -> {
                try (Socket socket = upstream.accept()) {
                  socket.setSoTimeout(30_000);
                  InputStream in = socket.getInputStream();
                  int last4 = 0;
                  while (last4 != 0x0D0A0D0A) { // the request ends with an empty line
                    int b = in.read();
                    if (b < 0) {
                      return;
                    }
                    last4 = (last4 << 8) | b;
                  }
                  OutputStream out = socket.getOutputStream();
                  out.write(
                      ("HTTP/1.1 200 OK\r\nContent-Type: multipart/x-mixed-replace;"
                              + " boundary=FRAME\r\nConnection: close\r\n\r\n")
                          .getBytes(StandardCharsets.US_ASCII));
                  part(out, before, withLength);
                  part(out, huge, withLength);
                  hugeSent.set(true);
                  while (true) {
                    part(out, after, withLength);
                    Thread.sleep(20); // an upstream's frame rate, not a wait for the test
                  }
                } catch (IOException | InterruptedException e) {
                  // the camera went away: the test is over
                }
              },
              "hostile-upstream");
      server.setDaemon(true);
      server.start();
      try (Camera camera =
          CameraServerTest.camera()
              .source("http://127.0.0.1:" + upstream.getLocalPort() + "/stream.mjpg")
              .start()) {
        List<Frame> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
        try (FrameHub.Subscription listening = camera.hub().subscribe(seen::add);
            FrameHub.Subscription demand = camera.hub().demand()) {
          Await.until(
              Duration.ofSeconds(30),
              () -> seen.stream().anyMatch(frame -> frame.width() == 32),
              () -> "a normal frame after the huge one; seen " + seen.size());
          assertThat(hugeSent).isTrue();
          assertThat(seen).allSatisfy(frame -> assertThat(frame.width()).isNotEqualTo(24));
          assertThat(seen).allSatisfy(frame -> assertThat(frame.jpeg().length).isLessThan(1 << 20));
          assertThat(camera.sourceState()).isEqualTo(SourceState.RUNNING);
          int port = CameraServerTest.port(camera);
          CameraServerTest.Response snapshot = CameraServerTest.get(port, "/snapshot.jpg");
          assertThat(snapshot.code()).isEqualTo(200);
          assertThat(snapshot.body()).isEqualTo(after);
        }
      }
    }
  }

  @Test
  void eventSnapshotsGoToAPrivateFolderWhoseCleanupFollowsNoLink() throws Exception {
    Path outside = Files.createDirectories(dir.resolve("outside"));
    Path precious = Files.write(outside.resolve("precious.txt"), new byte[] {42});
    Path snapshots;
    try (Camera camera = CameraServerTest.camera().motion(MotionSettings.defaults()).start()) {
      snapshots = camera.temporarySnapshots();
      assertThat(snapshots).isDirectory();
      assertThat(snapshots.getFileName().toString())
          .doesNotEndWith(Long.toString(ProcessHandle.current().pid()));
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(snapshots)))
          .isEqualTo("rwx------");
      Files.createSymbolicLink(snapshots.resolve("planted.jpg"), precious);
      Files.createSymbolicLink(snapshots.resolve("planted-dir"), outside);
      Files.write(snapshots.resolve("20260101T000000.000Z.jpg"), new byte[] {1});
    }
    assertThat(snapshots).doesNotExist();
    assertThat(precious).exists().hasBinaryContent(new byte[] {42});
  }

  @Test
  void aPercentEncodedTokenNameNeverReachesTheLogOrTheState() throws Exception {
    String secret = "1796421877.c2VjcmV0LXNpZ25hdHVyZQ";
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    PrintStream original = System.err;
    System.setErr(new PrintStream(log, true, StandardCharsets.UTF_8));
    String state;
    try (RefusingPort upstream = RefusingPort.open();
        Camera camera =
            CameraServerTest.camera()
                .source("http://127.0.0.1:" + upstream.port() + "/stream.mjpg?%74oken=" + secret)
                .start()) {
      int port = CameraServerTest.port(camera);
      assertThat(CameraServerTest.get(port, "/state?%74oken=" + secret).code()).isEqualTo(200);
      assertThat(CameraServerTest.get(port, "/nowhere?to%6Ben=" + secret).code()).isEqualTo(404);
      Await.until(
          Duration.ofSeconds(10),
          () -> log.toString(StandardCharsets.UTF_8).contains("/nowhere"),
          () -> "both requests are logged");
      state = CameraServerTest.get(port, "/state").text();
    } finally {
      System.setErr(original);
    }
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("/state?%74oken=***", "/nowhere?to%6Ben=***").doesNotContain(secret);
    assertThat(state).contains("stream.mjpg?%74oken=***").doesNotContain(secret);
  }

  @Test
  void theRedactionDecodesTheNameAndLeavesOtherNames() {
    assertThat(Redaction.redact("\"GET /stream.mjpg?%74oken=1796421877.abc HTTP/1.1\" 200 -"))
        .isEqualTo("\"GET /stream.mjpg?%74oken=*** HTTP/1.1\" 200 -");
    assertThat(Redaction.redact("GET /?fps=5&token=1.a%2Fb&x=1 HTTP/1.1"))
        .isEqualTo("GET /?fps=5&token=***&x=1 HTTP/1.1");
    assertThat(Redaction.redact("MJPEG relay of http://cam/stream.mjpg?t%6Fken=1.sig"))
        .isEqualTo("MJPEG relay of http://cam/stream.mjpg?t%6Fken=***");
    assertThat(Redaction.redact("GET /?tokens=1&mytoken=2 HTTP/1.1"))
        .as("other names stay")
        .isEqualTo("GET /?tokens=1&mytoken=2 HTTP/1.1");
  }

  @Test
  void theRedactionHidesWholePasswordsAndCredentialParameters() {
    assertThat(Redaction.redact("ffmpeg -i rtsp://admin:pa/ss@cam:554/live"))
        .isEqualTo("ffmpeg -i rtsp://***@cam:554/live");
    assertThat(Redaction.redact("relay of http://u:p@ss@cam/a.mjpg failed"))
        .isEqualTo("relay of http://***@cam/a.mjpg failed");
    assertThat(Redaction.redact("http://cam/a?PassWord=x&%6Bey=y&Pwd=z&secret=s&pass=p&fps=5"))
        .isEqualTo("http://cam/a?PassWord=***&%6Bey=***&Pwd=***&secret=***&pass=***&fps=5");
    assertThat(Redaction.redact("http://cam/stream.mjpg")).isEqualTo("http://cam/stream.mjpg");
  }
}
