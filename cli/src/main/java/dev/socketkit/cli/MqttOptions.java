package dev.socketkit.cli;

import dev.socketkit.camera.Camera;
import dev.socketkit.camera.MqttConnection;
import dev.socketkit.camera.MqttSettings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The camera's MQTT flags: the broker, the user and the file holding the password (never the
 * password itself: argv is readable by every user of the machine), the CA for TLS, the topic
 * prefix. A picocli mixin ({@code @Mixin MqttOptions mqtt}); {@link #start} checks them and starts
 * the one connection every camera of the process shares. Used on picocli's thread.
 */
final class MqttOptions {
  @Option(
      names = "--mqtt",
      paramLabel = "URL",
      description =
          "Publish motion to this MQTT broker, mqtt://HOST[:1883] or mqtts://HOST[:8883] (TLS),"
              + " with Home Assistant discovery; the camera starts even while it is down.")
  String broker;

  @Option(
      names = "--mqtt-user",
      paramLabel = "NAME",
      description = "MQTT user name (default: connect anonymously).")
  String user;

  @Option(
      names = "--mqtt-password-file",
      paramLabel = "FILE",
      description = "File holding the MQTT user's password (first line).")
  Path passwordFile;

  @Option(
      names = "--mqtt-ca",
      paramLabel = "FILE",
      description =
          "PEM file of the certificate authorities trusted for mqtts:// (default: the JDK's).")
  Path caFile;

  @Option(
      names = "--mqtt-topic-prefix",
      paramLabel = "PREFIX",
      defaultValue = MqttSettings.DEFAULT_TOPIC_PREFIX,
      description =
          "First level of the topics: PREFIX/status, PREFIX/CAMERA/motion ... (default:"
              + " ${DEFAULT-VALUE}).")
  String topicPrefix;

  /**
   * Starts the MQTT connection the flags ask for and gives it to the camera's builder; returns it
   * (the caller closes it after the camera, with {@link #close}), or null without {@code --mqtt}.
   *
   * @throws CommandFailure on a bad flag, a flag without {@code --mqtt}, or an unreadable file
   */
  MqttConnection configure(Camera.Builder builder) {
    MqttConnection connection = start(versionOf());
    builder.mqtt(connection);
    return connection;
  }

  /** Closes {@code connection} (publishing {@code offline}); nothing when it is null. */
  static void close(MqttConnection connection) {
    if (connection != null) {
      connection.close();
    }
  }

  private static String versionOf() {
    String line = new SocketkitCommand.Version().getVersion()[0]; // "socketkit VERSION"
    return line.substring(line.indexOf(' ') + 1);
  }

  /** As {@link #configure}, without a builder; for tests. */
  MqttConnection start(String version) {
    if (broker == null) {
      if (user != null || passwordFile != null || caFile != null) {
        throw new CommandFailure("--mqtt-user, --mqtt-password-file and --mqtt-ca need --mqtt");
      }
      return null;
    }
    if (passwordFile != null && user == null) {
      throw new CommandFailure("--mqtt-password-file needs --mqtt-user");
    }
    if (caFile != null && !broker.toLowerCase(Locale.ROOT).startsWith("mqtts:")) {
      throw new CommandFailure("--mqtt-ca is for a TLS broker (mqtts://)");
    }
    char[] password = passwordFile == null ? null : readPassword(passwordFile);
    try {
      return MqttConnection.start(
          MqttSettings.builder(broker)
              .user(user)
              .password(password)
              .caFile(caFile)
              .topicPrefix(topicPrefix)
              .softwareVersion(version)
              .build());
    } catch (IllegalArgumentException e) {
      throw new CommandFailure("--mqtt: " + e.getMessage(), e);
    } finally {
      if (password != null) {
        Arrays.fill(password, '\0');
      }
    }
  }

  private static char[] readPassword(Path file) {
    try {
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.indexOf('\n');
      String line = (end < 0 ? text : text.substring(0, end)).strip();
      if (line.isEmpty()) {
        throw new CommandFailure(
            "the MQTT password file " + file + " has no password on its first line");
      }
      return line.toCharArray();
    } catch (IOException e) {
      throw new CommandFailure(
          "cannot read the MQTT password file " + file + ": " + e.getMessage(), e);
    }
  }
}
