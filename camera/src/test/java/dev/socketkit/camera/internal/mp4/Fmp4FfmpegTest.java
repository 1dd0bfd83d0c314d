package dev.socketkit.camera.internal.mp4;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.testkit.Tools;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** ffmpeg encodes, this package muxes, ffprobe and ffmpeg read the result back. */
@Timeout(120)
class Fmp4FfmpegTest {
  private static final int FRAMES = 60;
  private static final int FRAME_DURATION = Fmp4Writer.TIMESCALE / 30;

  @TempDir Path dir;

  @Test
  void ffprobeAndFfmpegReadWhatWeMuxFromFfmpegsAnnexBOutput() throws Exception {
    Path ffmpeg = Tools.require("ffmpeg");
    Path ffprobe = Tools.require("ffprobe");
    Path h264 = dir.resolve("in.h264");
    run(
        List.of(
            ffmpeg.toString(),
            "-v",
            "error",
            "-nostdin",
            "-f",
            "lavfi",
            "-i",
            "testsrc=size=320x240:rate=30",
            "-frames:v",
            Integer.toString(FRAMES),
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
    assertThat(pictures).hasSize(FRAMES);
    assertThat(pictures.get(0).isKeyframe()).isTrue();
    assertThat(pictures.get(30).isKeyframe()).isTrue(); // -g 30
    assertThat(pictures.get(1).isKeyframe()).isFalse();

    AccessUnit first = pictures.get(0);
    Fmp4Writer writer = new Fmp4Writer(first.find(AnnexB.SPS), first.find(AnnexB.PPS));
    assertThat(writer.sps().width()).isEqualTo(320);
    assertThat(writer.sps().height()).isEqualTo(240);
    // The first second one fragment per picture (the live view), the second in groups of five.
    long capture = 1_795_817_077_000_000L;
    List<byte[]> fragments = new ArrayList<>();
    List<Integer> firstPictures = new ArrayList<>();
    for (int i = 0; i < FRAMES; ) {
      int count = i < 30 ? 1 : 5;
      List<Fmp4Writer.Sample> samples = new ArrayList<>();
      for (int j = 0; j < count; j++) {
        samples.add(new Fmp4Writer.Sample(pictures.get(i + j), FRAME_DURATION));
      }
      fragments.add(writer.fragment(samples, capture + i * 33_333L));
      firstPictures.add(i);
      i += count;
    }
    Path mp4 = write("out.mp4", writer.initSegment(), fragments);
    assertThat(probe(ffprobe, mp4))
        .contains("codec_name=h264", "width=320", "height=240", "nb_read_frames=" + FRAMES);
    assertThat(decodeErrors(ffmpeg, mp4)).isEmpty();

    // A viewer who joins late gets the init segment, then fragments from a keyframe on.
    Path late =
        write(
            "late.mp4",
            writer.initSegment(),
            fragments.subList(firstPictures.indexOf(30), fragments.size()));
    assertThat(probe(ffprobe, late)).contains("nb_read_frames=" + (FRAMES - 30));
    assertThat(decodeErrors(ffmpeg, late)).isEmpty();
  }

  private Path write(String name, byte[] init, List<byte[]> fragments) throws IOException {
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    file.writeBytes(init);
    for (byte[] fragment : fragments) {
      file.writeBytes(fragment);
    }
    return Files.write(dir.resolve(name), file.toByteArray());
  }

  private List<String> probe(Path ffprobe, Path mp4) throws IOException, InterruptedException {
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
            mp4.toString()))
        .lines()
        .toList();
  }

  private String decodeErrors(Path ffmpeg, Path mp4) throws IOException, InterruptedException {
    return run(
        List.of(
            ffmpeg.toString(), "-v", "error", "-nostdin", "-i", mp4.toString(), "-f", "null", "-"));
  }

  /** Runs a program to its end; returns stdout and stderr together; fails on a non-zero exit. */
  private String run(List<String> command) throws IOException, InterruptedException {
    Process process =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    String output;
    try (InputStream in = process.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s ends", command.get(0)).isTrue();
    assertThat(process.exitValue()).as("%s: %s", command, output).isZero();
    return output.strip();
  }
}
