package dev.socketkit.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Which flags of {@code socketkit camera} a cameras file may give, and in which of its sections:
 * asked of picocli's model of {@link CameraCommand}, so that a flag the command gains is a key of
 * the file at once. A key is a long flag without its dashes ({@code fps} for {@code --fps}).
 *
 * <p>Only two things are listed by hand: {@link #SERVER_KEYS}, the flags of the one server that the
 * cameras of a process share, and that every flag named {@code --mqtt*} is MQTT's. Every other flag
 * is a camera's, except {@code config} (a file naming a file) and help/version.
 *
 * <p>Each instance holds its own model of the command; use it on one thread.
 */
final class CameraFlags {
  /** The server's flags: under {@code server:}, never under a camera. */
  static final Set<String> SERVER_KEYS =
      Set.of(
          "host",
          "port",
          "auth-file",
          "tls-keystore",
          "tls-password-file",
          "tls-password-env",
          "insecure",
          "metrics-public",
          "allowed-host",
          "max-connections-per-client");

  /** The key of {@code mqtt:} that stands for {@code --mqtt} itself, the broker's URL. */
  static final String MQTT_URL = "url";

  /** Where a key of the file belongs. */
  enum Kind {
    SERVER,
    CAMERA,
    MQTT,
    /** A flag of the command that a file cannot give: config, help, version. */
    FORBIDDEN,
    UNKNOWN
  }

  private final CommandSpec spec = new CommandLine(new CameraCommand()).getCommandSpec();

  /** Where {@code key} belongs. */
  Kind kind(String key) {
    if (key.equals("config")) {
      return Kind.FORBIDDEN;
    }
    if (key.isEmpty() || key.startsWith("-")) {
      return Kind.UNKNOWN;
    }
    OptionSpec option = spec.findOption("--" + key);
    if (option == null || !option.longestName().equals("--" + key)) {
      return Kind.UNKNOWN;
    }
    if (option.usageHelp() || option.versionHelp()) {
      return Kind.FORBIDDEN;
    }
    if (key.startsWith("mqtt")) {
      return Kind.MQTT;
    }
    return SERVER_KEYS.contains(key) ? Kind.SERVER : Kind.CAMERA;
  }

  /** The option named {@code flag} ({@code --fps}); null if the command has none. */
  OptionSpec option(String flag) {
    return spec.findOption(flag);
  }

  /** The keys of one kind, in the command's order of options. */
  List<String> keys(Kind wanted) {
    List<String> keys = new ArrayList<>();
    for (OptionSpec option : spec.options()) {
      String name = option.longestName();
      if (name.startsWith("--") && kind(name.substring(2)) == wanted) {
        keys.add(name.substring(2));
      }
    }
    return keys;
  }

  /** The keys of {@code mqtt:}: {@value #MQTT_URL} for {@code --mqtt}, X for {@code --mqtt-X}. */
  List<String> mqttKeys() {
    List<String> keys = new ArrayList<>();
    for (String key : keys(Kind.MQTT)) {
      keys.add(mqttKey(key));
    }
    return keys;
  }

  /** The key of {@code mqtt:} for the flag whose key is {@code key} ({@code mqtt-user}: user). */
  static String mqttKey(String key) {
    return key.equals("mqtt") ? MQTT_URL : key.substring("mqtt-".length());
  }

  /** The flag a key of {@code mqtt:} stands for ({@code user}: {@code --mqtt-user}). */
  static String mqttFlag(String mqttKey) {
    return mqttKey.equals(MQTT_URL) ? "--mqtt" : "--mqtt-" + mqttKey;
  }
}
