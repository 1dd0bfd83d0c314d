package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.FrameHub;
import dev.socketkit.camera.Surveillance;
import dev.socketkit.camera.recording.RecordMode;
import java.nio.file.Files;
import java.nio.file.Path;
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
    try (Surveillance s = options.create(new FrameHub(), "cam", 30)) {
      assertThat(s.enabled()).isFalse();
    }
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
            "10G");
    assertThat(options.motionArea).isEqualTo(0.025);
    assertThat(options.maxDisk).isEqualTo(10L << 30);
    try (Surveillance s = options.create(new FrameHub(), "front door", 15)) {
      assertThat(s.events()).isNotNull();
      assertThat(s.recorder().settings().mode()).isEqualTo(RecordMode.MOTION);
      assertThat(s.recorder().settings().segment().toMinutes()).isEqualTo(5);
      assertThat(s.recorder().settings().keepDays()).isEqualTo(14);
      assertThat(s.recorder().settings().directory()).isEqualTo(dir);
    }
  }

  @Test
  void badValuesAndCombinationsAreOneSentence() {
    assertThatThrownBy(() -> parse("--record", "motion").validate())
        .isInstanceOf(CommandFailure.class)
        .hasMessage("--record motion needs --motion (or use --record continuous)");
    assertThatThrownBy(() -> parse("--record", "motion").create(new FrameHub(), "cam", 30))
        .isInstanceOf(CommandFailure.class)
        .hasMessage("--record motion needs --motion (or use --record continuous)");
    assertThatThrownBy(
            () -> parse("--motion", "--motion-area", "0").create(new FrameHub(), "cam", 30))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("area: 0.0");
    assertThatThrownBy(
            () ->
                parse("--motion", "--on-motion-start", "say 'hi").create(new FrameHub(), "cam", 30))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("--on-motion-start: command has an unclosed ' quote");
    assertThatThrownBy(() -> parse("--record", "sometimes"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("expected: off, motion or continuous");
    assertThatThrownBy(() -> parse("--max-disk", "lots"))
        .isInstanceOf(CommandLine.ParameterException.class)
        .hasMessageContaining("a size like 500M or 10G");
    assertThat(parse("--max-disk", "0").maxDisk).as("0 is no limit").isZero();
  }

  @Test
  void theTemporarySnapshotDirectoryIsDeletedAtExitButARecordDirectoryIsKept() throws Exception {
    SurveillanceOptions options = parse("--motion", "--on-motion-start", "true");
    try (Surveillance s = options.create(new FrameHub(), "cam", 30)) {
      assertThat(s.enabled()).isTrue();
      assertThat(options.temporarySnapshots).isNotNull();
      Files.createDirectories(options.temporarySnapshots);
      Files.write(options.temporarySnapshots.resolve("20260101T000000.000Z.jpg"), new byte[] {1});
    }
    options.deleteTemporarySnapshots();
    assertThat(options.temporarySnapshots).doesNotExist();

    SurveillanceOptions recording = parse("--motion", "--record-dir", dir.toString());
    try (Surveillance s = recording.create(new FrameHub(), "cam", 30)) {
      assertThat(s.enabled()).isTrue();
      assertThat(recording.temporarySnapshots).isNull();
    }
    Files.createDirectories(dir.resolve("events"));
    recording.deleteTemporarySnapshots();
    assertThat(dir.resolve("events")).exists();
  }
}
