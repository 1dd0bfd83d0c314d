package dev.socketkit.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.error.MarkedYAMLException;

/*
 * Why a tree of our own and not Jackson's JsonNode: a JsonNode forgets where it came from, and
 * every complaint about a cameras file names its line. So the document is read with Jackson's
 * streaming YAMLParser and each key, value and list item keeps the line of its token
 * (currentTokenLocation()); a syntax error is placed at SnakeYAML's problem mark. Scalars keep
 * their text as written: YAML 1.1 reads `off` as the boolean false, but `h264-passthrough: off`
 * means the word, and only a switch asks whether a scalar is a boolean.
 *
 * Aliases (*name) are refused, not resolved: the streaming parser reports an alias only as its
 * name, and it loses the anchor (&name) of a scalar in a map (jackson-dataformat-yaml 2.20), so a
 * resolved alias would sometimes be its own name instead of the value, silently.
 */

/**
 * A YAML document read into maps, lists and scalars that remember their line. Stateless; {@link
 * #read} may be called from any thread.
 */
final class YamlTree {
  private static final YAMLFactory FACTORY = new YAMLFactory();

  private YamlTree() {}

  /** A value in the document and the line (from 1) where it starts. */
  sealed interface Node permits Scalar, Sequence, Mapping {
    /** The line, from 1, where the value starts. */
    int line();
  }

  /**
   * A scalar: its text as written, and its token, which tells a string from a number, a boolean
   * ({@code true}, {@code yes}, {@code off} ...) or null ({@code ~} or nothing).
   */
  record Scalar(String text, JsonToken token, int line) implements Node {
    boolean isNull() {
      return token == JsonToken.VALUE_NULL;
    }
  }

  /** A list. */
  record Sequence(List<Node> items, int line) implements Node {
    Sequence {
      items = List.copyOf(items);
    }
  }

  /** A map whose keys are unique, in the order of the document. */
  record Mapping(List<Field> fields, int line) implements Node {
    Mapping {
      fields = List.copyOf(fields);
    }
  }

  /** One key of a map, the line of the key, and its value. */
  record Field(String key, int line, Node value) {}

  /** Why a document was not read, and the line (from 1) that says so. */
  static final class Malformed extends Exception {
    private static final long serialVersionUID = 1L;

    private final int line;

    Malformed(int line, String message, Throwable cause) {
      super(message, cause);
      this.line = line;
    }

    /** The line, from 1, where the problem was found. */
    int line() {
      return line;
    }
  }

  /**
   * Reads the one document of {@code in}; null when it holds none (an empty file or only comments).
   *
   * @throws Malformed when the text is not YAML, holds more than one document, gives a key twice in
   *     one map, or uses an alias
   * @throws IOException when {@code in} cannot be read, or its bytes are not text ({@link
   *     CharacterCodingException})
   */
  static Node read(Reader in) throws Malformed, IOException {
    try (JsonParser parser = FACTORY.createParser(in)) {
      if (parser.nextToken() == null) {
        return null;
      }
      Node root = value(parser);
      if (parser.nextToken() != null) {
        throw new Malformed(
            line(parser), "the file holds a second YAML document ('---'); give one only", null);
      }
      return root;
    } catch (JsonProcessingException e) {
      for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
        if (cause instanceof CharacterCodingException undecodable) {
          // the reader's failure, which the YAML parser wraps: not a syntax error
          throw undecodable;
        }
      }
      throw syntaxError(e);
    }
  }

  /**
   * SnakeYAML's own words, without the excerpt of the file it adds on further lines, at the line
   * where it found the problem; the line where what it was reading began is added when it differs:
   * "line 3: this is not valid YAML (while scanning a quoted scalar from line 2: found unexpected
   * end of stream)". Other errors are placed at Jackson's location.
   */
  private static Malformed syntaxError(JsonProcessingException e) {
    if (e.getCause() instanceof MarkedYAMLException marked && marked.getProblemMark() != null) {
      int line = marked.getProblemMark().getLine() + 1;
      String context = marked.getContext();
      if (context != null && marked.getContextMark() != null) {
        int from = marked.getContextMark().getLine() + 1;
        context += from == line ? "" : " from line " + from;
      }
      String problem = context == null ? marked.getProblem() : context + ": " + marked.getProblem();
      return new Malformed(line, "this is not valid YAML (" + problem + ")", e);
    }
    JsonLocation at = e.getLocation();
    int line = at == null || at.getLineNr() < 1 ? 1 : at.getLineNr();
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    int end = message.indexOf('\n');
    return new Malformed(
        line,
        "this is not valid YAML (" + (end < 0 ? message : message.substring(0, end)).strip() + ")",
        e);
  }

  /** The value whose first token is the parser's current one; leaves the parser on its last. */
  private static Node value(JsonParser parser) throws Malformed, IOException {
    int line = line(parser);
    if (parser instanceof YAMLParser yaml && yaml.isCurrentAlias()) {
      throw new Malformed(
          line,
          "the alias *" + parser.getText() + " is not supported here; write the value out",
          null);
    }
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_OBJECT) {
      return mapping(parser, line);
    }
    if (token == JsonToken.START_ARRAY) {
      List<Node> items = new ArrayList<>();
      while (parser.nextToken() != JsonToken.END_ARRAY) {
        items.add(value(parser));
      }
      return new Sequence(items, line);
    }
    return new Scalar(token == JsonToken.VALUE_NULL ? "" : parser.getText(), token, line);
  }

  private static Mapping mapping(JsonParser parser, int line) throws Malformed, IOException {
    List<Field> fields = new ArrayList<>();
    Map<String, Integer> seen = new HashMap<>();
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      int keyLine = line(parser);
      Integer before = seen.putIfAbsent(key, keyLine);
      if (before != null) {
        throw new Malformed(
            keyLine,
            "'" + key + "' is given twice in one map (lines " + before + " and " + keyLine + ")",
            null);
      }
      parser.nextToken();
      fields.add(new Field(key, keyLine, value(parser)));
    }
    return new Mapping(fields, line);
  }

  private static int line(JsonParser parser) {
    return Math.max(1, parser.currentTokenLocation().getLineNr());
  }
}
