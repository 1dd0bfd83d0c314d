package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.Camera;
import dev.socketkit.camera.MotionSettings;
import dev.socketkit.camera.RecordFormat;
import dev.socketkit.camera.RecordMode;
import dev.socketkit.camera.RecordingSettings;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

class SurveillanceOptionsTest {
  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe {
    @Mixin SurveillanceOptions options;
  }

  private static SurveillanceOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.options;
  }

  @Test
  void defaultsLeaveSurveillanceOff() {
    SurveillanceOptions options = parse();
    assertThat(options.enabled()).isFalse();
    assertThat(options.record).isEqualTo(RecordMode.OFF);
    assertThat(options.motionArea).isEqualTo(0.01);
    assertThat(options.motionSettings()).isNull();
    assertThat(options.recordingSettings()).isNull();
  }

  @Test
  void theHelpShowsPercentagesAsTheyAre() {
    assertThat(new CommandLine(new Probe()).getUsageMessage())
        .contains("0.01 or 1% (default: 1%)")
        .doesNotContain("%%");
  }

  @Test
  void parsesEveryFlag() {
    SurveillanceOptions options =
        parse(
            "--motion",
            "--motion-fps",
            "2",
            "--motion-threshold",
            "30",
            "--motion-area",
            "2.5%",
            "--motion-min-duration",
            "1",
            "--motion-gap",
            "4",
            "--on-motion-start",
            "notify 'motion at door'",
            "--on-motion-end",
            "true",
            "--hook-timeout",
            "10",
            "--record",
            "motion",
            "--record-dir",
            dir.toString(),
            "--segment",
            "5",
            "--pre-capture",
            "3",
            "--post-capture",
            "7",
            "--keep-days",
            "14",
            "--max-disk",
            "10G",
            "--record-format",
            "mp4");
    assertThat(options.motionArea).isEqualTo(0.025);
    assertThat(options.maxDisk).isEqualTo(10L << 30);
    MotionSettings motion = options.motionSettings();
    assertThat(motion.fps()).isEqualTo(2);
    assertThat(motion.threshold()).isEqualTo(30);
    assertThat(motion.minDuration()).isEqualTo(Duration.ofSeconds(1));
    assertThat(motion.gap()).isEqualTo(Duration.ofSeconds(4));
    RecordingSettings recording = options.recordingSettings();
    assertThat(recording.mode()).isEqualTo(RecordMode.MOTION);
    assertThat(recording.segment().toMinutes()).isEqualTo(5);
    assertThat(recording.preCapture()).isEqualTo(Duration.ofSeconds(3));
    assertThat(recording.postCapture()).isEqualTo(Duration.ofSeconds(7));
    assertThat(recording.keepDays()).isEqualTo(14);
    assertThat(recording.maxDiskBytes()).isEqualTo(10L << 30);
    assertThat(recording.directory()).isEqualTo(dir);
    assertThat(recording.format()).contains(RecordFormat.MP4);
    options.configure(Camera.builder()); // every value is accepted
  }

  @Test
  void badValuesAndCombinationsAreOneSentence() {
    assertThatThrownBy(() -> parse("--record", "motion").validate())
        .isInstanceOf(CommandFailure.class)
        .hasMessage("--record motion needs --motion (or use --record continuous)");
    assertThatThrownBy(() -> parse("--record", "motion").configure(Camera.builder()))
        .isInstanceOf(CommandFailure.class)
        .hasMessage("--record motion needs --motion (or use --record continuous)");
    assertThatThrownBy(() -> parse("--motion", "--motion-area", "0").configure(Camera.builder()))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("area: 0.0");
    assertThatThrownBy(
            () -> parse("--motion", "--on-motion-start", "say 'hi").configure(Camera.builder()))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("--on-motion-start: command has an unclosed ' quote");
    assertThatThrownBy(() -> parse("--record", "sometimes"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("expected: off, motion or continuous");
    assertThatThrownBy(() -> parse("--max-disk", "lots"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("a size like 500M or 10G");
    assertThat(parse("--max-disk", "0").maxDisk).as("0 is no limit").isZero();
    assertThatThrownBy(() -> parse("--record-format", "mkv"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("expected: mp4 or avi");
    assertThat(parse("--record", "continuous").recordingSettings().format())
        .as("the camera chooses: mp4 when it can encode H.264")
        .isEmpty();
  }

  @Test
  void aRecordDirectoryWithoutRecordingListsWithoutRecording() {
    RecordingSettings listing = parse("--record-dir", dir.toString()).recordingSettings();
    assertThat(listing.mode()).isEqualTo(RecordMode.OFF);
    assertThat(listing.directory()).isEqualTo(dir);
    assertThat(parse("--record", "continuous").recordingSettings().directory())
        .isEqualTo(Path.of("recordings"));
  }
}
