package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.socketkit.cli.CameraFlags.Kind;
import org.junit.jupiter.api.Test;

class CameraFlagsTest {
  private final CameraFlags flags = new CameraFlags();

  @Test
  void everyServerKeyIsAFlagOfTheCommand() {
    assertThat(flags.keys(Kind.SERVER))
        .containsExactlyInAnyOrderElementsOf(CameraFlags.SERVER_KEYS);
  }

  @Test
  void sortsTheCommandsFlagsIntoServerCameraAndMqtt() {
    assertThat(flags.keys(Kind.CAMERA))
        .contains("name", "source", "size", "fps", "motion", "record", "max-disk")
        .doesNotContain("port", "mqtt", "help", "config");
    assertThat(flags.mqttKeys())
        .containsExactly("url", "user", "password-file", "ca", "topic-prefix");
    assertThat(flags.kind("help")).isEqualTo(Kind.FORBIDDEN);
    assertThat(flags.kind("version")).isEqualTo(Kind.FORBIDDEN);
    assertThat(flags.kind("config")).isEqualTo(Kind.FORBIDDEN);
    assertThat(flags.kind("--fps")).isEqualTo(Kind.UNKNOWN);
    assertThat(flags.kind("h")).isEqualTo(Kind.UNKNOWN);
  }

  @Test
  void aSwitchTakesNoValueAndAllowedHostTakesMany() {
    assertThat(flags.option("--motion").arity().max()).isZero();
    assertThat(flags.option("--insecure").arity().max()).isZero();
    assertThat(flags.option("--allowed-host").isMultiValue()).isTrue();
    assertThat(flags.option("--fps").isMultiValue()).isFalse();
  }
}
