package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.camera.MqttConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

@Timeout(60)
class MqttOptionsTest {
  @TempDir Path dir;

  @Command(name = "probe")
  static final class Probe {
    @Mixin MqttOptions options;
  }

  private static MqttOptions parse(String... args) {
    Probe probe = new Probe();
    new CommandLine(probe).parseArgs(args);
    return probe.options;
  }

  @Test
  void withoutMqttNothingStartsAndItsOtherFlagsAreRefused() {
    assertThat(parse().start("1")).isNull();
    assertThatThrownBy(() -> parse("--mqtt-user", "cam").start("1"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("need --mqtt");
  }

  @Test
  void refusesCredentialsInTheAddressAndAPasswordFileWithoutAUser() throws Exception {
    assertThatThrownBy(() -> parse("--mqtt", "mqtt://cam:secret@127.0.0.1").start("1"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("--mqtt-password-file")
        .hasMessageNotContaining("secret");
    Path password = Files.writeString(dir.resolve("password"), "secret\n");
    assertThatThrownBy(
            () ->
                parse("--mqtt", "mqtt://127.0.0.1", "--mqtt-password-file", password.toString())
                    .start("1"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("needs --mqtt-user");
    assertThatThrownBy(() -> parse("--mqtt", "http://127.0.0.1").start("1"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("mqtt://HOST:1883");
    assertThatThrownBy(
            () -> parse("--mqtt", "mqtt://127.0.0.1", "--mqtt-ca", password.toString()).start("1"))
        .isInstanceOf(CommandFailure.class)
        .hasMessageContaining("mqtts://");
  }

  @Test
  void startsAtOnceWhenTheBrokerIsNotThereAndTakesThePasswordFromTheFilesFirstLine()
      throws Exception {
    int refused;
    try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      refused = free.getLocalPort();
    }
    Path password = Files.writeString(dir.resolve("password"), "s3cret\nignored\n");
    try (MqttConnection mqtt =
        parse(
                "--mqtt",
                "mqtt://127.0.0.1:" + refused,
                "--mqtt-user",
                "cam",
                "--mqtt-password-file",
                password.toString(),
                "--mqtt-topic-prefix",
                "home/cams")
            .start("1.2")) {
      assertThat(mqtt.connected()).isFalse();
      assertThat(mqtt.settings().password()).containsExactly('s', '3', 'c', 'r', 'e', 't');
      assertThat(mqtt.settings().user()).isEqualTo("cam");
      assertThat(mqtt.settings().topicPrefix()).isEqualTo("home/cams");
      assertThat(mqtt.state().toString()).doesNotContain("s3cret");
    }
  }
}
