package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.Tools;
import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Clients nobody here wrote (ffprobe, curl, Chromium, the JDK's TLS) against the camera. */
@Timeout(120)
class RealClientsTest {
  @TempDir Path dir;

  /** Runs a program to the end (at most {@code seconds}); returns its exit code and output. */
  static String[] run(int seconds, List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
            .start();
    // Read on another thread so a chatty child never blocks on a full pipe.
    StringBuilder out = new StringBuilder();
    Thread reader =
        new Thread(
            () -> {
              try {
                out.append(
                    new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
              } catch (IOException e) {
                out.append("(output lost: ").append(e).append(')');
              }
            });
    reader.start();
    if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
      reader.join(5000);
      return new String[] {"timeout", out.toString()};
    }
    reader.join(5000);
    return new String[] {Integer.toString(process.exitValue()), out.toString()};
  }

  private static String url(Camera camera, String path) {
    return "http://127.0.0.1:" + ((InetSocketAddress) camera.address()).getPort() + path;
  }

  @Test
  void ffprobeReadsTheStreamAsMjpeg() throws Exception {
    Tools.require("ffprobe");
    try (Camera camera = CameraServerTest.camera().start()) {
      String[] result =
          run(
              60,
              List.of(
                  "ffprobe",
                  "-v",
                  "error",
                  "-show_entries",
                  "stream=codec_name,width,height",
                  "-of",
                  "default=noprint_wrappers=1",
                  url(camera, "/stream.mjpg")));
      assertThat(result[0]).as(result[1]).isEqualTo("0");
      assertThat(result[1]).contains("codec_name=mjpeg", "width=160", "height=120");
    }
  }

  @Test
  void curlSavesAValidSnapshot() throws Exception {
    Tools.require("curl");
    Path file = dir.resolve("snapshot.jpg");
    try (Camera camera = CameraServerTest.camera().start()) {
      String[] result =
          run(60, List.of("curl", "-sSf", "-o", file.toString(), url(camera, "/snapshot.jpg")));
      assertThat(result[0]).as(result[1]).isEqualTo("0");
    }
    BufferedImage image = ImageIO.read(file.toFile());
    assertThat(image.getWidth()).isEqualTo(160);
    assertThat(image.getHeight()).isEqualTo(120);
  }

  private static List<String> chromium(Path profile, Path screenshot, String url) {
    return List.of(
        "chromium",
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--user-data-dir=" + profile,
        "--window-size=1280,760",
        "--screenshot=" + screenshot,
        url);
  }

  /** Pixels of the picture area that are neither the page background nor near-black. */
  private static int colourfulPixels(BufferedImage image) {
    int count = 0;
    for (int y = image.getHeight() / 4; y < image.getHeight() * 3 / 4; y += 2) {
      for (int x = image.getWidth() / 4; x < image.getWidth() * 3 / 4; x += 2) {
        int rgb = image.getRGB(x, y);
        int r = (rgb >> 16) & 0xFF;
        int g = (rgb >> 8) & 0xFF;
        int b = rgb & 0xFF;
        if (Math.max(r, Math.max(g, b)) > 60) {
          count++;
        }
      }
    }
    return count;
  }

  @Test
  void headlessChromiumShowsThePageWithAChangingPicture() throws Exception {
    Tools.require("chromium");
    try (Camera camera = CameraServerTest.camera().size(640, 480).fps(30).start()) {
      List<BufferedImage> shots = new ArrayList<>();
      for (int i = 0; i < 2; i++) {
        Path shot = dir.resolve("page" + i + ".png");
        // The MJPEG page: its <img> shows a frame by the time --screenshot fires, where the H.264
        // player may still be buffering (PagePlaybackTest plays that one).
        String[] result =
            run(90, chromium(dir.resolve("profile" + i), shot, url(camera, "/?format=mjpeg")));
        assertThat(Files.exists(shot)).as(result[1]).isTrue();
        shots.add(ImageIO.read(shot.toFile()));
      }
      for (BufferedImage shot : shots) {
        assertThat(colourfulPixels(shot)).as("the picture is not blank").isGreaterThan(1000);
      }
      int differing = 0;
      BufferedImage a = shots.get(0);
      BufferedImage b = shots.get(1);
      for (int y = 0; y < a.getHeight(); y += 2) {
        for (int x = 0; x < a.getWidth(); x += 2) {
          if (a.getRGB(x, y) != b.getRGB(x, y)) {
            differing++;
          }
        }
      }
      assertThat(differing).as("the picture changes between screenshots").isGreaterThan(100);
    }
  }

  @Test
  void servesHttpsWithAKeystoreMadeByKeytool() throws Exception {
    Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
    assumeTrue(Files.isExecutable(keytool), "keytool is not in this JDK");
    Path store = dir.resolve("camera.p12");
    String password = "changeit-test";
    String[] made =
        run(
            60,
            List.of(
                keytool.toString(),
                "-genkeypair",
                "-alias",
                "camera",
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                "CN=localhost",
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                password,
                "-keypass",
                password,
                "-ext",
                "SAN=ip:127.0.0.1"));
    assertThat(made[0]).as(made[1]).isEqualTo("0");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (var in = Files.newInputStream(store)) {
      keys.load(in, password.toCharArray());
    }
    KeyManagerFactory factory =
        KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    factory.init(keys, password.toCharArray());
    SSLContext server = SSLContext.getInstance("TLS");
    server.init(factory.getKeyManagers(), null, null);
    X509Certificate certificate = (X509Certificate) keys.getCertificate("camera");
    SSLContext client = SSLContext.getInstance("TLS");
    client.init(null, new TrustManager[] {new PinnedTrust(certificate)}, null);
    try (Camera camera =
        CameraServerTest.camera()
            .size(640, 480)
            .quality(95)
            .writeDeadline(java.time.Duration.ofSeconds(1))
            .tls(server)
            .start()) {
      int port = ((InetSocketAddress) camera.address()).getPort();
      try (SSLSocket socket =
          (SSLSocket) client.getSocketFactory().createSocket("127.0.0.1", port)) {
        socket.setSoTimeout(15_000);
        socket
            .getOutputStream()
            .write(
                "GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
        MjpegClient reader = new MjpegClient(socket);
        reader.readHead();
        assertThat(reader.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        assertThat(reader.headers())
            .containsEntry("content-type", "multipart/x-mixed-replace; boundary=FRAME");
        for (int i = 0; i < 3; i++) {
          assertThat(reader.next().jpeg()).isNotEmpty();
        }
      }
      // A TLS viewer that stops reading is cut off by the fan-out's watchdog at the deadline.
      SourcesTest.await(
          "the first viewer has gone",
          java.time.Duration.ofSeconds(10),
          () -> camera.fanOut().viewerCount() == 0);
      SSLSocket stalled = (SSLSocket) client.getSocketFactory().createSocket();
      stalled.setReceiveBufferSize(4096);
      stalled.connect(new InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), port));
      stalled.startHandshake();
      stalled
          .getOutputStream()
          .write(
              "GET /stream.mjpg HTTP/1.1\r\nHost: localhost\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      SourcesTest.await(
          "the TLS viewer is attached",
          java.time.Duration.ofSeconds(10),
          () -> camera.fanOut().viewerCount() == 1);
      SourcesTest.await(
          "the stalled TLS viewer is cut off",
          java.time.Duration.ofSeconds(30),
          () -> camera.fanOut().viewerCount() == 0);
      stalled.close();
      // Last, curl over the same TLS: everything above has passed without it.
      Tools.require("curl");
      Path pem = dir.resolve("camera.pem");
      Files.writeString(
          pem,
          "-----BEGIN CERTIFICATE-----\n"
              + java.util.Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                  .encodeToString(certificate.getEncoded())
              + "\n-----END CERTIFICATE-----\n");
      String[] result =
          run(
              60,
              List.of(
                  "curl",
                  "-sSf",
                  "--cacert",
                  pem.toString(),
                  "-o",
                  dir.resolve("s.jpg").toString(),
                  "https://127.0.0.1:" + port + "/snapshot.jpg"));
      assertThat(result[0]).as(result[1]).isEqualTo("0");
      assertThat(ImageIO.read(dir.resolve("s.jpg").toFile()).getWidth()).isEqualTo(640);
    }
  }

  /** Trusts exactly one certificate: the one keytool just made. */
  private static final class PinnedTrust implements X509TrustManager {
    private final X509Certificate pinned;

    PinnedTrust(X509Certificate pinned) {
      this.pinned = pinned;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      throw new java.security.cert.CertificateException("no client certificates here");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType)
        throws java.security.cert.CertificateException {
      if (chain.length == 0 || !chain[0].equals(pinned)) {
        throw new java.security.cert.CertificateException("not the test certificate");
      }
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[] {pinned};
    }
  }
}
