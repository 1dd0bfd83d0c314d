package dev.socketkit.camera.internal.recording;

import dev.socketkit.camera.internal.h264.FragmentHub;
import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.AccessUnitReader;
import dev.socketkit.camera.internal.mp4.AnnexB;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A small H.264 stream made by the real ffmpeg (testsrc, no B-frames, a keyframe every {@code gop}
 * pictures), and the camera's fragment hub fed with it as the encoder feeds it.
 */
final class H264Pictures {
  private final List<AccessUnit> pictures;
  private final int fps;
  private Fmp4Writer writer;
  private int next;

  private H264Pictures(List<AccessUnit> pictures, int fps) {
    this.pictures = pictures;
    this.fps = fps;
  }

  /** {@code count} pictures of 160x120 at {@code fps}, a keyframe every {@code gop}. */
  static H264Pictures encode(Path dir, int count, int fps, int gop)
      throws IOException, InterruptedException {
    Path ffmpeg = Tools.require("ffmpeg");
    Path h264 = Files.createTempFile(dir, "pictures", ".h264");
    Process process =
        new ProcessBuilder(
                ffmpeg.toString(),
                "-v",
                "error",
                "-nostdin",
                "-y",
                "-f",
                "lavfi",
                "-i",
                "testsrc=size=160x120:rate=" + fps,
                "-frames:v",
                Integer.toString(count),
                "-c:v",
                "libx264",
                "-g",
                Integer.toString(gop),
                "-keyint_min",
                Integer.toString(gop),
                "-sc_threshold",
                "0",
                "-bf",
                "0",
                "-pix_fmt",
                "yuv420p",
                "-f",
                "h264",
                h264.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("ffmpeg failed: " + output);
    }
    List<AccessUnit> pictures = new ArrayList<>();
    try (InputStream in = Files.newInputStream(h264)) {
      AccessUnitReader reader = new AccessUnitReader(in);
      for (AccessUnit picture; (picture = reader.next()) != null; ) {
        pictures.add(picture);
      }
    }
    if (pictures.size() != count) {
      throw new IOException("ffmpeg made " + pictures.size() + " pictures, not " + count);
    }
    return new H264Pictures(pictures, fps);
  }

  /** How many pictures there are. */
  int size() {
    return pictures.size();
  }

  /**
   * Publishes the next {@code count} pictures into {@code hub} as the encoder does, picture {@code
   * i} captured at {@code t0 + i / fps}; the first call publishes the init segment first.
   */
  void publish(FragmentHub hub, long t0, int count) {
    int duration = Fmp4Writer.TIMESCALE / fps;
    for (int end = next + count; next < end; next++) {
      AccessUnit picture = pictures.get(next);
      if (writer == null) {
        writer = new Fmp4Writer(picture.find(AnnexB.SPS), picture.find(AnnexB.PPS));
        hub.publishInit(writer.initSegment(), writer.sps().codec());
      }
      long capture = t0 + next * 1_000_000L / fps;
      long decodeTime = writer.decodeTime();
      byte[] bytes = writer.fragment(List.of(new Fmp4Writer.Sample(picture, duration)), capture);
      hub.publish(bytes, picture.isKeyframe(), decodeTime, duration, capture);
    }
  }
}
