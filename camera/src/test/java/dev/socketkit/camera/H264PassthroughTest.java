package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.mp4.AnnexB;
import dev.socketkit.testkit.Await;
import dev.socketkit.testkit.MjpegClient;
import dev.socketkit.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An {@code ffmpeg:} source whose input is H.264 reaches {@code /stream.mp4} as it is, without a
 * libx264 child; MJPEG, snapshots and the NO SIGNAL frame keep working.
 */
@Timeout(120)
class H264PassthroughTest {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @BeforeAll
  static void needsFfmpeg() {
    Tools.require("ffmpeg");
  }

  /** A 3 s H.264 file (320x240, 25 fps, a keyframe a second, no B-frames, as cameras send). */
  private Path h264File(String... extra) throws Exception {
    Path file = dir.resolve("clip.mp4");
    List<String> command =
        new ArrayList<>(
            List.of(
                Tools.require("ffmpeg").toString(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=320x240:rate=25",
                "-t",
                "3",
                "-c:v",
                "libx264",
                "-g",
                "25",
                "-pix_fmt",
                "yuv420p"));
    command.addAll(List.of(extra));
    command.add(file.toString());
    run(command);
    return file;
  }

  private static byte[] run(List<String> command) throws Exception {
    Process process =
        new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream in = process.getInputStream()) {
      in.transferTo(out);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("exit code of %s", command).isZero();
    return out.toByteArray();
  }

  /** The file's slice NAL units, as ffmpeg copies them out of the MP4. */
  private static Set<ByteBuffer> slicesOf(Path file) throws Exception {
    byte[] annexB =
        run(
            List.of(
                Tools.require("ffmpeg").toString(),
                "-hide_banner",
                "-loglevel",
                "error",
                "-i",
                file.toString(),
                "-c:v",
                "copy",
                "-bsf:v",
                "h264_mp4toannexb",
                "-f",
                "h264",
                "-"));
    Set<ByteBuffer> slices = new HashSet<>();
    for (byte[] nal : AnnexB.split(annexB)) {
      if (AnnexB.isSlice(nal)) {
        slices.add(ByteBuffer.wrap(nal));
      }
    }
    return slices;
  }

  /** One top-level box: its type and what follows its header. */
  @SuppressWarnings("ArrayRecordComponent") // a test value
  record Box(String type, byte[] body) {}

  private static Box readBox(DataInputStream in) throws IOException {
    long size = in.readInt() & 0xFFFF_FFFFL;
    byte[] type = new byte[4];
    in.readFully(type);
    assertThat(size).as("box size").isBetween(8L, 16L << 20);
    byte[] body = new byte[(int) size - 8];
    in.readFully(body);
    return new Box(new String(type, StandardCharsets.US_ASCII), body);
  }

  /** The NAL units of an {@code mdat} body: each after a four-byte length. */
  private static List<byte[]> nalUnits(byte[] mdat) {
    List<byte[]> units = new ArrayList<>();
    ByteBuffer buffer = ByteBuffer.wrap(mdat);
    while (buffer.remaining() >= 4) {
      int length = buffer.getInt();
      byte[] nal = new byte[length];
      buffer.get(nal);
      units.add(nal);
    }
    return units;
  }

  private static Camera.Builder camera(String source) {
    return Camera.builder().port(0).size(320, 240).fps(25).quality(70).source(source);
  }

  private static String loop(Path file) {
    return "ffmpeg:-re -stream_loop -1 -i " + file;
  }

  @Test
  void theViewerGetsTheFilesOwnNalUnitsAndNoEncoderRuns() throws Exception {
    Path file = h264File("-bf", "0");
    Set<ByteBuffer> fileSlices = slicesOf(file);
    assertThat(fileSlices).hasSizeGreaterThan(50);
    try (Camera camera = camera(loop(file)).start();
        Mp4StreamTest.Opened viewer =
            Mp4StreamTest.open(CameraServerTest.port(camera), "/stream.mp4", 0)) {
      assertThat(viewer.status()).isEqualTo(200);
      DataInputStream in = new DataInputStream(viewer.socket().getInputStream());
      int pictures = 0;
      int keyframes = 0;
      while (pictures < 60) {
        Box box = readBox(in);
        if (!box.type().equals("mdat")) {
          continue;
        }
        for (byte[] nal : nalUnits(box.body())) {
          if (AnnexB.isSlice(nal)) {
            assertThat(fileSlices).as("a slice the viewer got").contains(ByteBuffer.wrap(nal));
            pictures++;
            keyframes += AnnexB.type(nal) == AnnexB.IDR_SLICE ? 1 : 0;
          }
        }
      }
      assertThat(keyframes).isGreaterThanOrEqualTo(2); // 60 pictures at 25 fps span 2 keyframes
      assertThat(camera.encoder().children()).as("libx264 children").isZero();
      assertThat(camera.h264Mode()).isEqualTo("passthrough");
      assertThat(CameraServerTest.get(CameraServerTest.port(camera), "/state").text())
          .containsPattern("\"h264\"\\s*:\\s*\"passthrough\"");
    }
  }

  @Test
  void passthroughNeedsNoLibx264() throws Exception {
    Path file = h264File("-bf", "0");
    Path noEncoder = dir.resolve("no-such-ffmpeg");
    try (Camera camera = camera(loop(file)).ffmpeg(noEncoder.toString()).start()) {
      Await.until(WAIT, () -> camera.h264Mode().equals("passthrough"), () -> "passthrough");
      assertThat(camera.encoder().checkAvailable()).as("the encoder cannot run").isNotNull();
      try (Mp4StreamTest.Opened viewer =
          Mp4StreamTest.open(CameraServerTest.port(camera), "/stream.mp4", 0)) {
        assertThat(viewer.status()).isEqualTo(200);
        DataInputStream in = new DataInputStream(viewer.socket().getInputStream());
        assertThat(readBox(in).type()).isEqualTo("ftyp");
      }
    }
  }

  @Test
  void snapshotsAndMjpegStillComeFromTheSameChild() throws Exception {
    Path file = h264File("-bf", "0");
    try (Camera camera = camera(loop(file)).start()) {
      int port = CameraServerTest.port(camera);
      try (MjpegClient mjpeg = MjpegClient.open("127.0.0.1", port, "/stream.mjpg")) {
        assertThat(mjpeg.statusLine()).isEqualTo("HTTP/1.1 200 OK");
        for (int i = 0; i < 5; i++) {
          byte[] jpeg = mjpeg.next().jpeg();
          assertThat(jpeg[0] & 0xFF).isEqualTo(0xFF);
          assertThat(jpeg[1] & 0xFF).isEqualTo(0xD8);
        }
      }
      CameraServerTest.Response snapshot = CameraServerTest.get(port, "/snapshot.jpg");
      assertThat(snapshot.code()).isEqualTo(200);
      assertThat(snapshot.headers()).containsEntry("content-type", "image/jpeg");
      Await.until(WAIT, () -> camera.h264Mode().equals("passthrough"), () -> "passthrough");
      long ffmpegs =
          ProcessHandle.current()
              .descendants()
              .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
              .count();
      assertThat(ffmpegs).as("ffmpeg children: the source's one, no encoder").isEqualTo(1);
    }
  }

  @Test
  void ffprobeReadsThePassedThroughStream() throws Exception {
    Path ffprobe = Tools.require("ffprobe");
    Path file = h264File("-bf", "0");
    try (Camera camera = camera(loop(file)).start()) {
      String url = "http://127.0.0.1:" + CameraServerTest.port(camera) + "/stream.mp4";
      String probe =
          new String(
              run(
                  List.of(
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
                      url)),
              StandardCharsets.UTF_8);
      assertThat(probe).contains("codec_name=h264", "width=320", "height=240");
      int frames =
          Integer.parseInt(probe.replaceAll("(?s).*nb_read_frames=(\\d+).*", "$1").strip());
      assertThat(frames).isGreaterThan(10);
      assertThat(camera.encoder().children()).isZero();
    }
  }

  @Test
  void anInputWithBFramesIsReEncoded() throws Exception {
    Path file = h264File("-bf", "2");
    try (Camera camera = camera(loop(file)).start()) {
      FrameHub.Subscription wanted = camera.fragments().demand(); // as a viewer would
      try {
        // The first pictures may be passed through until a B-slice comes; then the source
        // restarts and the camera encodes its JPEG frames instead, for good.
        Await.until(WAIT, () -> camera.encoder().running(), () -> "the encoder runs");
        assertThat(camera.h264Mode()).isEqualTo("encoded");
        assertThat(camera.fragments().awaitCodecs(WAIT)).startsWith("avc1.");
      } finally {
        wanted.close();
      }
    }
  }

  @Test
  void h264ViewersSeeNoSignalWithAKeyframeEverySecond() throws Exception {
    Path missing = dir.resolve("missing.mp4");
    assertThat(Files.exists(missing)).isFalse();
    try (Camera camera = camera("ffmpeg:-re -i " + missing).start();
        Mp4StreamTest.Opened viewer =
            Mp4StreamTest.open(CameraServerTest.port(camera), "/stream.mp4", 0)) {
      assertThat(viewer.status()).isEqualTo(200);
      DataInputStream in = new DataInputStream(viewer.socket().getInputStream());
      // NO SIGNAL comes about once a second; fed only those, -g 25 would put keyframes 25 s
      // apart. The encoder repeats the last frame at --fps meanwhile, so they stay a second apart.
      List<Long> keyframeNanos = new ArrayList<>();
      int pictures = 0;
      while (keyframeNanos.size() < 4 && pictures < 200) {
        Box box = readBox(in);
        if (!box.type().equals("mdat")) {
          continue;
        }
        pictures++;
        // One picture may be several slices (zerolatency slices it): a keyframe if any is IDR.
        if (nalUnits(box.body()).stream().anyMatch(nal -> AnnexB.type(nal) == AnnexB.IDR_SLICE)) {
          keyframeNanos.add(System.nanoTime());
        }
      }
      assertThat(keyframeNanos).as("keyframes in %d NO SIGNAL pictures", pictures).hasSize(4);
      for (int i = 1; i < keyframeNanos.size(); i++) {
        // A second, with slack for a busy machine (the writer waits up to 0.4 s before padding).
        assertThat(keyframeNanos.get(i) - keyframeNanos.get(i - 1))
            .as("nanoseconds between keyframes")
            .isLessThan(TimeUnit.MILLISECONDS.toNanos(2000));
      }
      assertThat(camera.encoder().padded()).isPositive();
      // The source failed and was restarted (its state flips to running for each attempt).
      assertThat(camera.sourceStatus().restarts()).isPositive();
    }
  }
}
