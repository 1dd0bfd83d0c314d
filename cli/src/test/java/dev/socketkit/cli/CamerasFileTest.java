package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

class CamerasFileTest {
  @TempDir Path dir;

  private Path file;

  private CamerasFile read(String... lines) throws Exception {
    file = dir.resolve("cameras.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
    return CamerasFile.read(file);
  }

  /** The one sentence a file made of {@code lines} is refused with. */
  private String refusal(String... lines) {
    Throwable thrown = null;
    try {
      read(lines);
    } catch (Exception e) {
      thrown = e;
    }
    assertThat(thrown).isInstanceOf(CamerasFile.Invalid.class);
    return thrown.getMessage();
  }

  /** What the refusal of a file should read: its name, then the line, then the sentence. */
  private String at(int line, String sentence) {
    return file + " line " + line + ": " + sentence;
  }

  @Test
  void turnsServerAndThreeCamerasIntoTheirFlagsInFileOrder() throws Exception {
    CamerasFile cameras =
        read(
            "server:",
            "  host: 0.0.0.0",
            "  port: 0",
            "  auth-file: /etc/socketkit/users",
            "cameras:",
            "  - name: front",
            "    source: test",
            "  - name: yard",
            "    source: dir:/var/lib/yard",
            "    fps: 30",
            "    write-deadline: 10s",
            "  - name: garage",
            "    source: 'ffmpeg:-re -f lavfi -i testsrc2=size=320x240:rate=15'",
            "    quality: 70",
            "    motion-area: 0.05");
    assertThat(cameras.serverArgs())
        .containsExactly("--host", "0.0.0.0", "--port", "0", "--auth-file", "/etc/socketkit/users");
    assertThat(cameras.mqttArgs()).isEmpty();
    assertThat(cameras.cameras())
        .containsExactly(
            new CamerasFile.Entry("front", 6, List.of("--name", "front", "--source", "test")),
            new CamerasFile.Entry(
                "yard",
                8,
                List.of(
                    "--name",
                    "yard",
                    "--source",
                    "dir:/var/lib/yard",
                    "--fps",
                    "30",
                    "--write-deadline",
                    "10s")),
            new CamerasFile.Entry(
                "garage",
                12,
                List.of(
                    "--name",
                    "garage",
                    "--source",
                    "ffmpeg:-re -f lavfi -i testsrc2=size=320x240:rate=15",
                    "--quality",
                    "70",
                    "--motion-area",
                    "0.05")));
  }

  @Test
  void theNameComesFirstWhereverTheFileGivesIt() throws Exception {
    CamerasFile cameras = read("cameras:", "  - fps: 5", "    name: back");
    assertThat(cameras.cameras().get(0).args()).containsExactly("--name", "back", "--fps", "5");
    assertThat(cameras.cameras().get(0).line()).isEqualTo(2);
  }

  @Test
  void trueIsTheBareSwitchAndFalseLeavesItOut() throws Exception {
    CamerasFile cameras =
        read(
            "server:",
            "  insecure: true",
            "  metrics-public: false",
            "cameras:",
            "  - name: front",
            "    motion: yes",
            "  - name: back",
            "    motion: false",
            "    h264-passthrough: off",
            "    record: off",
            "  - name: side",
            "    motion: 'true'",
            "  - name: top",
            "    motion: 'false'");
    assertThat(cameras.serverArgs()).containsExactly("--insecure");
    assertThat(cameras.cameras().get(0).args()).containsExactly("--name", "front", "--motion");
    // YAML 1.1 reads `off` as false; a flag that takes a value gets the word as written
    assertThat(cameras.cameras().get(1).args())
        .containsExactly("--name", "back", "--h264-passthrough", "off", "--record", "off");
    assertThat(cameras.cameras().get(2).args()).containsExactly("--name", "side", "--motion");
    assertThat(cameras.cameras().get(3).args()).containsExactly("--name", "top");
  }

  @Test
  void aListInEitherYamlFormRepeatsTheFlag() throws Exception {
    CamerasFile inline =
        read("server:", "  allowed-host: [a.example, b.example]", "cameras:", "  - name: front");
    assertThat(inline.serverArgs())
        .containsExactly("--allowed-host", "a.example", "--allowed-host", "b.example");
    CamerasFile block =
        read(
            "server:",
            "  allowed-host:",
            "    - a.example",
            "    - b.example",
            "  port: 8080",
            "cameras:",
            "  - name: front");
    assertThat(block.serverArgs())
        .containsExactly(
            "--allowed-host", "a.example", "--allowed-host", "b.example", "--port", "8080");
  }

  @Test
  void mqttIsABrokerUrlOrAMapOfTheMqttFlags() throws Exception {
    assertThat(read("mqtt: mqtt://127.0.0.1:1883", "cameras:", "  - name: a").mqttArgs())
        .containsExactly("--mqtt", "mqtt://127.0.0.1:1883");
    CamerasFile map =
        read(
            "mqtt:",
            "  url: mqtts://broker.example:8883",
            "  user: cam",
            "  password-file: /etc/socketkit/mqtt-password",
            "  ca: /etc/socketkit/ca.pem",
            "  topic-prefix: house",
            "cameras:",
            "  - name: a");
    assertThat(map.mqttArgs())
        .containsExactly(
            "--mqtt",
            "mqtts://broker.example:8883",
            "--mqtt-user",
            "cam",
            "--mqtt-password-file",
            "/etc/socketkit/mqtt-password",
            "--mqtt-ca",
            "/etc/socketkit/ca.pem",
            "--mqtt-topic-prefix",
            "house");
    assertThat(map.serverArgs()).isEmpty();
  }

  @Test
  void refusesAnAliasRatherThanReadItsName() {
    // the streaming parser gives an alias as its name, and loses a scalar's anchor
    assertThat(
            refusal(
                "cameras:",
                "  - name: a",
                "    source: &pattern test",
                "  - name: b",
                "    source: *pattern"))
        .isEqualTo(at(5, "the alias *pattern is not supported here; write the value out"));
  }

  @Test
  void theExampleFileLoadsWithThreeCameras() throws Exception {
    CamerasFile example = CamerasFile.read(Path.of("..", "packaging", "cameras.example.yaml"));
    assertThat(example.cameras()).extracting(CamerasFile.Entry::name).hasSize(3);
    assertThat(example.cameras().get(0).args()).contains("test");
    assertThat(example.cameras().get(1).args()).anyMatch(arg -> arg.startsWith("dir:"));
    assertThat(example.cameras().get(2).args()).anyMatch(arg -> arg.contains("-f lavfi"));
  }

  @Test
  void theExampleFileDocumentsEveryKeyTheCommandHas() throws Exception {
    String example =
        Files.readString(
            Path.of("..", "packaging", "cameras.example.yaml"), StandardCharsets.UTF_8);
    List<String> missing = new ArrayList<>();
    for (OptionSpec option : new CommandLine(new CameraCommand()).getCommandSpec().options()) {
      String key = option.longestName().substring(2);
      if (option.usageHelp() || option.versionHelp() || key.equals("config")) {
        continue;
      }
      String written = key.startsWith("mqtt-") ? key.substring("mqtt-".length()) : key;
      if (!example.matches("(?s).*[ #]" + java.util.regex.Pattern.quote(written) + ":.*")) {
        missing.add(key);
      }
    }
    assertThat(missing).as("keys the example does not show").isEmpty();
  }

  // --- refusals: one sentence naming the file, the line and the key ---

  @Test
  void refusesTextThatIsNotYaml() {
    assertThat(refusal("cameras:", "  - name: a", "    fps: 3: 4"))
        .isEqualTo(at(3, "this is not valid YAML (mapping values are not allowed here)"));
    assertThat(refusal("cameras:", "  - name: 'front", "    fps: 5"))
        .isEqualTo(
            at(
                4,
                "this is not valid YAML (while scanning a quoted scalar from line 2: found"
                    + " unexpected end of stream)"));
    assertThat(refusal("cameras:", "\t- name: a"))
        .startsWith(at(2, "this is not valid YAML (while scanning for the next token: found"));
  }

  @Test
  void refusesAnUnknownTopLevelKey() {
    assertThat(refusal("cameras:", "  - name: a", "camras: []"))
        .isEqualTo(at(3, "'camras' is not a top-level key (did you mean 'cameras'?)"));
    assertThat(refusal("cameras:", "  - name: a", "fps: 5"))
        .isEqualTo(
            at(
                3,
                "'fps' is not a top-level key (a camera option goes under a camera in 'cameras')"));
    assertThat(refusal("cameras:", "  - name: a", "zoom: 2"))
        .isEqualTo(at(3, "'zoom' is not a top-level key (expected: server, mqtt, cameras)"));
  }

  @Test
  void refusesAFileWithoutCameras() {
    assertThat(refusal("server:", "  port: 8000"))
        .isEqualTo(at(1, "'cameras' is missing: give a list of cameras, each with a name"));
    assertThat(refusal("# nothing yet"))
        .isEqualTo(at(1, "'cameras' is missing: the file is empty"));
    assertThat(refusal("server:", "  port: 8000", "cameras: []"))
        .isEqualTo(at(3, "'cameras' is empty: give at least one camera"));
    assertThat(refusal("server:", "  port: 8000", "cameras:"))
        .isEqualTo(
            at(3, "'cameras' must be a list of cameras, each item a map beginning '- name: NAME'"));
    assertThat(refusal("cameras:", "  name: a"))
        .isEqualTo(
            at(1, "'cameras' must be a list of cameras, each item a map beginning '- name: NAME'"));
    assertThat(refusal("cameras:", "  - front"))
        .isEqualTo(at(2, "each item of 'cameras' must be a map of camera options"));
  }

  @Test
  void refusesACameraWithoutAName() {
    assertThat(refusal("cameras:", "  - name: a", "  - source: test", "    fps: 5"))
        .isEqualTo(at(3, "'name' is missing: give each camera a name"));
  }

  @Test
  void refusesANameThatCannotBeAPathSegment() {
    String rule =
        "'name' must be 1 to 64 letters, digits, '-' or '_', since it is part of the camera's"
            + " URLs (/cameras/NAME/), not '";
    assertThat(refusal("cameras:", "  - name: front door")).isEqualTo(at(2, rule + "front door'"));
    assertThat(refusal("cameras:", "  - name: a", "  - name: ../etc"))
        .isEqualTo(at(3, rule + "../etc'"));
    String long65 = "a".repeat(65);
    assertThat(refusal("cameras:", "  - name: " + long65)).isEqualTo(at(2, rule + long65 + "'"));
    assertThat(refusal("cameras:", "  - name: ''")).isEqualTo(at(2, rule + "'"));
    assertThat(refusal("cameras:", "  - name:")).isEqualTo(at(2, "'name' needs a value"));
  }

  @Test
  void acceptsTheLongestNameAndEveryAllowedCharacter() throws Exception {
    String name = "Az09_-" + "x".repeat(58);
    assertThat(read("cameras:", "  - name: " + name).cameras().get(0).name()).isEqualTo(name);
  }

  @Test
  void refusesTwoCamerasWithOneNameNamingBothLines() {
    assertThat(
            refusal(
                "cameras:",
                "  - name: front",
                "    source: test",
                "  - name: back",
                "  - name: front"))
        .isEqualTo(at(5, "'name': two cameras are named 'front' (lines 2 and 5)"));
  }

  @Test
  void refusesAnUnknownKeySuggestingTheClosest() {
    assertThat(refusal("cameras:", "  - name: a", "    source: test", "    fsp: 5"))
        .isEqualTo(at(4, "'fsp' is not a camera option (did you mean 'fps'?)"));
    assertThat(refusal("cameras:", "  - name: a", "    Quality: 5"))
        .isEqualTo(at(3, "'Quality' is not a camera option (did you mean 'quality'?)"));
    assertThat(refusal("cameras:", "  - name: a", "    brightness: 5"))
        .isEqualTo(at(3, "'brightness' is not a camera option"));
    assertThat(refusal("server:", "  prot: 80", "cameras:", "  - name: a"))
        .isEqualTo(at(2, "'prot' is not a server option (did you mean 'port'?)"));
  }

  @Test
  void refusesAKeyInTheWrongSection() {
    assertThat(refusal("cameras:", "  - name: a", "    port: 8080"))
        .isEqualTo(at(3, "'port' is a server option: give it once, under 'server'"));
    assertThat(refusal("server:", "  fps: 5", "cameras:", "  - name: a"))
        .isEqualTo(at(2, "'fps' is a camera option: give it to each camera under 'cameras'"));
    assertThat(refusal("cameras:", "  - name: a", "    mqtt-user: cam"))
        .isEqualTo(
            at(3, "'mqtt-user' is an MQTT option: give it under the top-level 'mqtt' as 'user'"));
    assertThat(refusal("server:", "  mqtt: mqtt://127.0.0.1", "cameras:", "  - name: a"))
        .isEqualTo(at(2, "'mqtt' is an MQTT option: give it under the top-level 'mqtt'"));
  }

  @Test
  void refusesConfigHelpAndVersion() {
    assertThat(refusal("cameras:", "  - name: a", "    config: other.yaml"))
        .isEqualTo(at(3, "'config' cannot be given in a cameras file"));
    assertThat(refusal("server:", "  help: true", "cameras:", "  - name: a"))
        .isEqualTo(at(2, "'help' cannot be given in a cameras file"));
    assertThat(refusal("cameras:", "  - name: a", "    version: true"))
        .isEqualTo(at(3, "'version' cannot be given in a cameras file"));
  }

  @Test
  void refusesAValueOfTheWrongType() {
    assertThat(refusal("cameras:", "  - name: a", "    fps: {max: 5}"))
        .isEqualTo(at(3, "'fps' takes one value, not a map"));
    assertThat(refusal("cameras:", "  - name: a", "    fps: [5, 10]"))
        .isEqualTo(at(3, "'fps' takes one value, not a list"));
    assertThat(refusal("cameras:", "  - name: a", "    source:"))
        .isEqualTo(at(3, "'source' needs a value"));
    assertThat(refusal("cameras:", "  - name: a", "    motion: 5"))
        .isEqualTo(at(3, "'motion' is a switch: give true or false, not '5'"));
    assertThat(refusal("server:", "  allowed-host: [a.example, [b]]", "cameras:", "  - name: a"))
        .isEqualTo(at(2, "each item of 'allowed-host' must be one value"));
    assertThat(refusal("server: 8000", "cameras:", "  - name: a"))
        .isEqualTo(at(1, "'server' must be a map of server options such as 'port'"));
  }

  @Test
  void refusesAValuePicocliRefusesAtItsKey() {
    assertThat(refusal("cameras:", "  - name: a", "    source: test", "    fps: fast"))
        .isEqualTo(at(4, "'fps' is refused: 'fast' is not an int"));
    assertThat(refusal("cameras:", "  - name: a", "    source: --fps", "    fps: 5"))
        .isEqualTo(
            at(
                3,
                "'source' is refused: Expected parameter for option '--source' but found '--fps'"));
    assertThat(refusal("cameras:", "  - name: a", "  - name: b", "    record: sometimes"))
        .startsWith(at(4, "'record' is refused: "))
        .contains("sometimes");
    assertThat(refusal("server:", "  host: 0.0.0.0", "  port: http", "cameras:", "  - name: a"))
        .isEqualTo(at(3, "'port' is refused: 'http' is not an int"));
  }

  @Test
  void refusesAnMqttMapWithoutUrlOrWithAnUnknownKey() {
    assertThat(refusal("mqtt:", "  user: cam", "cameras:", "  - name: a"))
        .isEqualTo(at(1, "'mqtt' needs a 'url', e.g. url: mqtt://127.0.0.1:1883"));
    assertThat(refusal("mqtt:", "  url: mqtt://127.0.0.1", "  usr: cam", "cameras:", "  - name: a"))
        .isEqualTo(at(3, "'usr' is not an MQTT option (did you mean 'user'?)"));
  }

  @Test
  void refusesAKeyGivenTwiceAndASecondDocument() {
    assertThat(refusal("cameras:", "  - name: a", "    fps: 5", "    fps: 10"))
        .isEqualTo(at(4, "'fps' is given twice in one map (lines 3 and 4)"));
    assertThat(refusal("cameras:", "  - name: a", "---", "cameras:", "  - name: b"))
        .isEqualTo(at(4, "the file holds a second YAML document ('---'); give one only"));
  }

  @Test
  void takesAValueBeginningWithAtAsItIsWritten() throws Exception {
    // expanded as picocli's @-file, this would be "--on-motion-start --fps fast", refused
    Path other = Files.writeString(dir.resolve("other"), "--fps fast\n");
    CamerasFile cameras = read("cameras:", "  - name: a", "    on-motion-start: '@" + other + "'");
    assertThat(cameras.cameras().get(0).args())
        .containsExactly("--name", "a", "--on-motion-start", "@" + other);
  }

  @Test
  void refusesAFileThatIsNotUtf8() throws Exception {
    Path latin1 = dir.resolve("latin1.yaml");
    Files.write(latin1, "cameras:\n  - name: caf\u00e9\n".getBytes(StandardCharsets.ISO_8859_1));
    assertThatThrownBy(() -> CamerasFile.read(latin1))
        .isInstanceOf(CamerasFile.Invalid.class)
        .hasMessage("the cameras file " + latin1 + " is not UTF-8 text");
  }

  @Test
  void refusesAMissingFile() {
    Path absent = dir.resolve("absent.yaml");
    assertThatThrownBy(() -> CamerasFile.read(absent))
        .isInstanceOf(CamerasFile.Invalid.class)
        .hasMessage("no such cameras file: " + absent);
  }
}
