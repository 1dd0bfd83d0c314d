package dev.socketkit.cli;

import com.fasterxml.jackson.core.JsonToken;
import dev.socketkit.cli.CameraFlags.Kind;
import dev.socketkit.cli.YamlTree.Field;
import dev.socketkit.cli.YamlTree.Mapping;
import dev.socketkit.cli.YamlTree.Node;
import dev.socketkit.cli.YamlTree.Scalar;
import dev.socketkit.cli.YamlTree.Sequence;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import picocli.CommandLine;
import picocli.CommandLine.MissingParameterException;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParameterException;

/*
 * The file is turned into command-line arguments, not into setters, so that it reads like the
 * command line and every per-camera flag CameraCommand has (or gains) works in it at once: which
 * keys exist is asked of picocli's model of CameraCommand, never of a second list (CameraFlags says
 * which section each belongs to: server, mqtt, or a camera).
 *
 * Each section's arguments are parsed by picocli once here, so that a value picocli's converters
 * refuse (a number that is none, a size, a record mode) is reported with the key and line it came
 * from instead of as a flag the user never typed. Values the command checks only when it builds
 * the camera (--size, --write-deadline, --h264-passthrough) are checked then, by the caller.
 */

/**
 * The cameras file of {@code socketkit camera --config FILE}: a YAML map of {@code server} (the
 * server's flags), {@code mqtt} (a broker URL, or a map of the {@code --mqtt-*} flags) and {@code
 * cameras} (a list of maps of per-camera flags, each with a {@code name}), each key a long flag of
 * {@code socketkit camera} without its dashes. {@link #read} turns it into the arguments those
 * flags would be on the command line: {@code --key value} for a scalar, the bare {@code --key} for
 * a switch set to {@code true} (nothing for {@code false}), the flag repeated for a list.
 *
 * <p>A file that is not right in any way is refused whole with {@link Invalid}, whose message is
 * one sentence naming the file, the line and the key; nothing is started from it.
 *
 * <p>Immutable. {@link #read} keeps no state and may run on any thread (the command's at start, the
 * signal thread on SIGHUP).
 *
 * @param serverArgs the {@code server:} flags, e.g. {@code --host 0.0.0.0 --port 8000}
 * @param mqttArgs the {@code --mqtt*} flags, e.g. {@code --mqtt mqtt://127.0.0.1:1883}; empty
 *     without {@code mqtt:}
 * @param cameras one entry per camera, in the order of the file (never empty)
 */
record CamerasFile(List<String> serverArgs, List<String> mqttArgs, List<Entry> cameras) {
  /** The keys of the top-level map. */
  private static final List<String> TOP_KEYS = List.of("server", "mqtt", "cameras");

  /** A camera's name is a path segment of its URLs (/cameras/NAME/) and of its MQTT topics. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-]{1,64}");

  CamerasFile {
    serverArgs = List.copyOf(serverArgs);
    mqttArgs = List.copyOf(mqttArgs);
    cameras = List.copyOf(cameras);
  }

  /**
   * One camera of the file.
   *
   * @param name its name, valid as a URL path segment
   * @param line the line of the file where its list item starts, for messages about it
   * @param args its flags as on the command line, beginning with {@code --name NAME}
   */
  record Entry(String name, int line, List<String> args) {
    Entry {
      args = List.copyOf(args);
    }
  }

  /** A cameras file that cannot be used; the message is the one sentence to show the user. */
  static final class Invalid extends Exception {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message);
    }

    Invalid(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Reads and checks {@code file}.
   *
   * @throws Invalid when it cannot be read, is not YAML, or anything in it is not a flag of the
   *     place it is in or a value that flag takes
   */
  static CamerasFile read(Path file) throws Invalid {
    Node root;
    try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      root = YamlTree.read(in);
    } catch (NoSuchFileException e) {
      throw new Invalid("no such cameras file: " + file, e);
    } catch (CharacterCodingException e) {
      throw new Invalid("the cameras file " + file + " is not UTF-8 text", e);
    } catch (IOException e) {
      throw new Invalid("cannot read the cameras file " + file + ": " + e.getMessage(), e);
    } catch (YamlTree.Malformed e) {
      throw new Invalid(file + " line " + e.line() + ": " + e.getMessage(), e);
    }
    return new Reading(file).file(root);
  }

  /** Where a flag was given: its key as written in the file, and the key's line. */
  private record Origin(String key, int line) {}

  /** One reading of one file. */
  private static final class Reading {
    private final Path file;
    private final CameraFlags flags = new CameraFlags();

    Reading(Path file) {
      this.file = file;
    }

    CamerasFile file(Node root) throws Invalid {
      if (root == null) {
        throw invalid(1, "'cameras' is missing: the file is empty");
      }
      if (!(root instanceof Mapping top)) {
        throw invalid(root.line(), "expected a map of 'server', 'mqtt' and 'cameras' at the top");
      }
      List<String> serverArgs = new ArrayList<>();
      List<String> mqttArgs = new ArrayList<>();
      Map<String, Origin> origins = new HashMap<>();
      Field cameras = null;
      for (Field field : top.fields()) {
        switch (field.key()) {
          case "server" -> server(field, serverArgs, origins);
          case "mqtt" -> mqtt(field, mqttArgs, origins);
          case "cameras" -> cameras = field;
          default -> throw unknownTopKey(field);
        }
      }
      List<String> shared = new ArrayList<>(serverArgs);
      shared.addAll(mqttArgs);
      check(shared, origins, top.line(), "the server's options");
      if (cameras == null) {
        throw invalid(top.line(), "'cameras' is missing: give a list of cameras, each with a name");
      }
      return new CamerasFile(serverArgs, mqttArgs, cameras(cameras));
    }

    private Invalid unknownTopKey(Field field) {
      String key = field.key();
      String hint =
          switch (flags.kind(key)) {
            case CAMERA -> " (a camera option goes under a camera in 'cameras')";
            case SERVER -> " (a server option goes under 'server')";
            case MQTT -> " (an MQTT option goes under 'mqtt')";
            default -> DidYouMean.suggestion(key, TOP_KEYS, " (expected: server, mqtt, cameras)");
          };
      return invalid(field.line(), "'" + key + "' is not a top-level key" + hint);
    }

    private void server(Field section, List<String> args, Map<String, Origin> origins)
        throws Invalid {
      if (!(section.value() instanceof Mapping map)) {
        throw invalid(section.line(), "'server' must be a map of server options such as 'port'");
      }
      for (Field field : map.fields()) {
        String key = field.key();
        switch (flags.kind(key)) {
          case SERVER -> {
            String flag = "--" + key;
            origins.put(flag, new Origin(key, field.line()));
            add(args, flag, field, flags.option(flag));
          }
          case CAMERA ->
              throw invalid(
                  field.line(),
                  "'" + key + "' is a camera option: give it to each camera under 'cameras'");
          default -> throw misplaced(field, "server", flags.keys(Kind.SERVER));
        }
      }
    }

    private void mqtt(Field section, List<String> args, Map<String, Origin> origins)
        throws Invalid {
      if (!(section.value() instanceof Mapping map)) {
        origins.put("--mqtt", new Origin("mqtt", section.line()));
        add(args, "--mqtt", section, flags.option("--mqtt"));
        return;
      }
      List<String> keys = flags.mqttKeys();
      boolean url = false;
      for (Field field : map.fields()) {
        String key = field.key();
        if (!keys.contains(key)) {
          throw invalid(
              field.line(),
              "'"
                  + key
                  + "' is not an MQTT option"
                  + DidYouMean.suggestion(
                      key, keys, " (expected: " + String.join(", ", keys) + ")"));
        }
        String flag = CameraFlags.mqttFlag(key);
        origins.put(flag, new Origin(key, field.line()));
        add(args, flag, field, flags.option(flag));
        url |= key.equals(CameraFlags.MQTT_URL);
      }
      if (!url) {
        throw invalid(section.line(), "'mqtt' needs a 'url', e.g. url: mqtt://127.0.0.1:1883");
      }
    }

    private List<Entry> cameras(Field section) throws Invalid {
      if (!(section.value() instanceof Sequence list)) {
        throw invalid(
            section.line(),
            "'cameras' must be a list of cameras, each item a map beginning '- name: NAME'");
      }
      if (list.items().isEmpty()) {
        throw invalid(section.line(), "'cameras' is empty: give at least one camera");
      }
      List<Entry> entries = new ArrayList<>();
      Map<String, Integer> names = new HashMap<>();
      for (Node item : list.items()) {
        Entry entry = camera(item);
        Integer before = names.putIfAbsent(entry.name(), entry.line());
        if (before != null) {
          throw invalid(
              entry.line(),
              "'name': two cameras are named '"
                  + entry.name()
                  + "' (lines "
                  + before
                  + " and "
                  + entry.line()
                  + ")");
        }
        entries.add(entry);
      }
      return entries;
    }

    private Entry camera(Node item) throws Invalid {
      if (!(item instanceof Mapping map)) {
        throw invalid(item.line(), "each item of 'cameras' must be a map of camera options");
      }
      Field nameField = null;
      List<String> args = new ArrayList<>();
      Map<String, Origin> origins = new LinkedHashMap<>();
      for (Field field : map.fields()) {
        String key = field.key();
        switch (flags.kind(key)) {
          case CAMERA -> {
            String flag = "--" + key;
            origins.put(flag, new Origin(key, field.line()));
            if (key.equals("name")) {
              nameField = field;
            } else {
              add(args, flag, field, flags.option(flag));
            }
          }
          case SERVER ->
              throw invalid(
                  field.line(), "'" + key + "' is a server option: give it once, under 'server'");
          default -> throw misplaced(field, "camera", flags.keys(Kind.CAMERA));
        }
      }
      if (nameField == null) {
        throw invalid(item.line(), "'name' is missing: give each camera a name");
      }
      List<String> named = new ArrayList<>();
      add(named, "--name", nameField, flags.option("--name"));
      String name = named.get(1);
      if (!NAME.matcher(name).matches()) {
        throw invalid(
            nameField.line(),
            "'name' must be 1 to 64 letters, digits, '-' or '_', since it is part of the camera's"
                + " URLs (/cameras/NAME/), not '"
                + name
                + "'");
      }
      named.addAll(args);
      check(named, origins, item.line(), "camera '" + name + "'");
      return new Entry(name, item.line(), named);
    }

    /** The error for a key that is neither the place's nor the other section's. */
    private Invalid misplaced(Field field, String place, List<String> candidates) {
      String key = field.key();
      String message =
          switch (flags.kind(key)) {
            case MQTT ->
                "'"
                    + key
                    + "' is an MQTT option: give it under the top-level 'mqtt'"
                    + (key.equals("mqtt") ? "" : " as '" + CameraFlags.mqttKey(key) + "'");
            case FORBIDDEN -> "'" + key + "' cannot be given in a cameras file";
            default ->
                "'"
                    + key
                    + "' is not a "
                    + place
                    + " option"
                    + DidYouMean.suggestion(key, candidates, "");
          };
      return invalid(field.line(), message);
    }

    /** Adds the arguments that {@code field}'s value gives the flag {@code option}. */
    private void add(List<String> args, String flag, Field field, OptionSpec option)
        throws Invalid {
      String key = field.key();
      Node value = field.value();
      if (value instanceof Scalar scalar && scalar.isNull()) {
        throw invalid(value.line(), "'" + key + "' needs a value");
      }
      if (option.arity().max() == 0) {
        Boolean on = value instanceof Scalar scalar ? truth(scalar) : null;
        if (on == null) {
          throw invalid(
              value.line(), "'" + key + "' is a switch: give true or false, not " + shown(value));
        }
        if (on) {
          args.add(flag);
        }
      } else if (value instanceof Scalar scalar) {
        args.add(flag);
        args.add(scalar.text());
      } else if (value instanceof Sequence list && option.isMultiValue()) {
        for (Node item : list.items()) {
          if (!(item instanceof Scalar scalar) || scalar.isNull()) {
            throw invalid(item.line(), "each item of '" + key + "' must be one value");
          }
          args.add(flag);
          args.add(scalar.text());
        }
      } else {
        throw invalid(value.line(), "'" + key + "' takes one value, not " + shown(value));
      }
    }

    /**
     * Parses {@code args} as picocli would on the command line; a value it refuses is reported at
     * the key it came from.
     */
    private void check(List<String> args, Map<String, Origin> origins, int line, String what)
        throws Invalid {
      try {
        // A value of the file is literal: '@FILE' must not make picocli read another file.
        new CommandLine(new CameraCommand())
            .setExpandAtFiles(false)
            .parseArgs(args.toArray(String[]::new));
      } catch (ParameterException e) {
        ArgSpec arg = e.getArgSpec();
        if (arg == null && e instanceof MissingParameterException missing) {
          // "Expected parameter for option '--source' but found '--fps'" names no ArgSpec
          arg = missing.getMissing().isEmpty() ? null : missing.getMissing().get(0);
        }
        if (!(arg instanceof OptionSpec option) || !origins.containsKey(option.longestName())) {
          throw new Invalid(file + " line " + line + ": " + what + ": " + e.getMessage(), e);
        }
        Origin origin = origins.get(option.longestName());
        String message = String.valueOf(e.getMessage());
        // picocli words a converter's refusal "Invalid value for option '--fps': 'x' is not an int"
        String prefix = "Invalid value for option '" + option.longestName() + "': ";
        if (message.startsWith(prefix)) {
          message = message.substring(prefix.length());
        }
        throw new Invalid(
            file + " line " + origin.line() + ": '" + origin.key() + "' is refused: " + message, e);
      }
    }

    private Invalid invalid(int line, String message) {
      return new Invalid(file + " line " + line + ": " + message);
    }
  }

  /**
   * A switch's value: YAML's booleans ({@code true}, {@code yes}, {@code off} ...) and the quoted
   * words {@code 'true'} and {@code 'false'}; null for anything else.
   */
  private static Boolean truth(Scalar scalar) {
    if (scalar.token() == JsonToken.VALUE_TRUE) {
      return Boolean.TRUE;
    }
    if (scalar.token() == JsonToken.VALUE_FALSE) {
      return Boolean.FALSE;
    }
    if (scalar.token() == JsonToken.VALUE_STRING
        && (scalar.text().equals("true") || scalar.text().equals("false"))) {
      return Boolean.valueOf(scalar.text());
    }
    return null;
  }

  /** How a wrong value is named in a message. */
  private static String shown(Node value) {
    if (value instanceof Mapping) {
      return "a map";
    }
    if (value instanceof Sequence) {
      return "a list";
    }
    return "'" + ((Scalar) value).text() + "'";
  }
}
