package dev.socketkit.camera.internal.hls;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.camera.internal.h264.Fragment;
import dev.socketkit.camera.internal.mp4.AccessUnit;
import dev.socketkit.camera.internal.mp4.AccessUnitReader;
import dev.socketkit.camera.internal.mp4.AnnexB;
import dev.socketkit.camera.internal.mp4.Fmp4Writer;
import dev.socketkit.testkit.Tools;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * ffmpeg encodes, the MP4 writer makes one fragment per picture, the segmenter cuts and lists them;
 * ffprobe and ffmpeg read the playlist and its segments from files, twice: one encoder run, and two
 * runs of different sizes joined by a discontinuity and a second init segment.
 */
@Timeout(120)
class HlsFfmpegTest {
  private static final int FRAME = Fmp4Writer.TIMESCALE / 30;

  @TempDir Path dir;

  @Test
  void ffprobeAndFfmpegPlayThePlaylist() throws Exception {
    Path ffmpeg = Tools.require("ffmpeg");
    Path ffprobe = Tools.require("ffprobe");
    try (HlsSegmenter segmenter = segmenter()) {
      segmenter.touch();
      feed(segmenter, encode(ffmpeg, "640x480", 150), 0);
      assertThat(segmenter.window()).hasSize(4).allMatch(HlsSegment::keyframe);
      Path playlist = writeOut(segmenter);
      assertThat(probe(ffprobe, playlist))
          .contains("codec_name=h264", "width=640", "height=480", "nb_read_frames=120");
      assertThat(
              run(
                  List.of(
                      ffmpeg.toString(),
                      "-v",
                      "error",
                      "-nostdin",
                      "-i",
                      playlist.toString(),
                      "-f",
                      "null",
                      "-")))
          .isEmpty();
    }
  }

  @Test
  void ffmpegPlaysAcrossANewInitSegment() throws Exception {
    Path ffmpeg = Tools.require("ffmpeg");
    try (HlsSegmenter segmenter = segmenter()) {
      segmenter.touch();
      // The encoder restarted: a new init segment, and its clock starts at 0 again. (Same size:
      // ffmpeg's HLS reader keeps the first init's parameter sets; Safari and hls.js do not.)
      feed(segmenter, encode(ffmpeg, "320x240", 61), 0);
      feed(segmenter, encode(ffmpeg, "320x240", 61), 0);
      assertThat(segmenter.window()).extracting(HlsSegment::initId).containsExactly(1, 1, 1, 2, 2);
      Path playlist = writeOut(segmenter);
      assertThat(Files.readString(playlist)).contains("#EXT-X-DISCONTINUITY\n#EXT-X-MAP");
      String decoded =
          run(
              List.of(
                  ffmpeg.toString(),
                  "-v",
                  "error",
                  "-nostdin",
                  "-i",
                  playlist.toString(),
                  "-f",
                  "null",
                  "-"));
      assertThat(decoded).isEmpty();
    }
  }

  private static HlsSegmenter segmenter() {
    return new HlsSegmenter(listener -> () -> {}, Duration.ofSeconds(30));
  }

  /** Feeds an encoder run: its init, then one fragment per picture from {@code decodeTime}. */
  private static void feed(HlsSegmenter segmenter, List<AccessUnit> pictures, long decodeTime) {
    AccessUnit first = pictures.get(0);
    Fmp4Writer writer = new Fmp4Writer(first.find(AnnexB.SPS), first.find(AnnexB.PPS));
    segmenter.onInit(writer.initSegment());
    long capture = 1_795_817_077_000_000L;
    for (int i = 0; i < pictures.size(); i++) {
      AccessUnit picture = pictures.get(i);
      long at = decodeTime + writer.decodeTime();
      byte[] fragment =
          writer.fragment(List.of(new Fmp4Writer.Sample(picture, FRAME)), capture + i * 33_333L);
      segmenter.onFragment(
          new Fragment(fragment, picture.isKeyframe(), i + 1, at, FRAME, capture + i * 33_333L));
    }
  }

  /** The playlist and what it names, as files beside it. */
  private Path writeOut(HlsSegmenter segmenter) throws Exception {
    String text = segmenter.awaitPlaylist(Duration.ZERO, "");
    for (String line : text.lines().toList()) {
      if (line.startsWith("#EXT-X-MAP:URI=\"")) {
        String name = line.substring("#EXT-X-MAP:URI=\"".length(), line.length() - 1);
        Files.write(dir.resolve(name), segmenter.init(name));
      } else if (!line.startsWith("#")) {
        Files.write(dir.resolve(line), segmenter.segment(line));
      }
    }
    // ENDLIST: files read as a finished stream; without it ffmpeg waits for the next segment.
    return Files.writeString(dir.resolve("index.m3u8"), text + "#EXT-X-ENDLIST\n");
  }

  /** {@code frames} pictures of ffmpeg's test source, a keyframe every 30, no B-frames. */
  private List<AccessUnit> encode(Path ffmpeg, String size, int frames) throws Exception {
    Path h264 = dir.resolve(size + ".h264");
    run(
        List.of(
            ffmpeg.toString(),
            "-v",
            "error",
            "-nostdin",
            "-y",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=" + size + ":rate=30",
            "-frames:v",
            Integer.toString(frames),
            "-c:v",
            "libx264",
            "-g",
            "30",
            "-bf",
            "0",
            "-pix_fmt",
            "yuv420p",
            "-f",
            "h264",
            h264.toString()));
    List<AccessUnit> pictures = new ArrayList<>();
    try (InputStream in = Files.newInputStream(h264)) {
      AccessUnitReader reader = new AccessUnitReader(in);
      AccessUnit picture;
      while ((picture = reader.next()) != null) {
        pictures.add(picture);
      }
    }
    assertThat(pictures).hasSize(frames);
    return pictures;
  }

  private List<String> probe(Path ffprobe, Path playlist) throws Exception {
    return run(List.of(
            ffprobe.toString(),
            "-v",
            "error",
            "-count_frames",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=codec_name,width,height,nb_read_frames",
            "-of",
            "default=noprint_wrappers=1",
            playlist.toString()))
        .lines()
        .toList();
  }

  /** Runs a program to its end; returns stdout and stderr together; fails on a non-zero exit. */
  private String run(List<String> command) throws IOException, InterruptedException {
    List<String> full = new ArrayList<>(command);
    if (full.get(0).endsWith("ffmpeg") || full.get(0).endsWith("ffprobe")) {
      // A playlist on disk names files beside it: let ffmpeg open them.
      full.addAll(1, List.of("-protocol_whitelist", "file,crypto,data"));
    }
    Path log = Files.createTempFile(dir, "run", ".log");
    Process process =
        new ProcessBuilder(full)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    boolean ended = process.waitFor(60, TimeUnit.SECONDS);
    if (!ended) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    String output = Files.readString(log);
    assertThat(ended).as("%s ends: %s", full, output).isTrue();
    assertThat(process.exitValue()).as("%s: %s", full, output).isZero();
    return output.strip();
  }
}
