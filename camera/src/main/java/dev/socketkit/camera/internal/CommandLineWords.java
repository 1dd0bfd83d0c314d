package dev.socketkit.camera.internal;

import java.util.ArrayList;
import java.util.List;

/*
 * Design notes.
 *
 * One splitter for every command line the camera is given (ffmpeg input options, motion hooks), so
 * that the same line means the same words on every path. The rules are Python's shlex.split in
 * POSIX mode, state for state (shlex.read_token with whitespace_split and no comments):
 *
 *  - outside quotes, whitespace ends a word; a backslash takes the next character literally;
 *  - in single quotes every character is literal up to the closing quote;
 *  - in double quotes a backslash escapes only " and \ and is kept before anything else;
 *  - quotes join the word around them ('a'"b"c is abc), and '' alone is one empty word;
 *  - a backslash with nothing after it is an error (shlex: "No escaped character"), as is an
 *    unclosed quote (shlex: "No closing quotation").
 *
 * Nothing else is special: no variables, globs, comments or operators, so a line can never run
 * more than the one program it names. Whitespace is Character.isWhitespace, a superset of shlex's
 * " \t\r\n" that splits the same on every line a user types.
 */

/**
 * Splits a command line into words as Python's {@code shlex.split} does (POSIX mode), without
 * expanding anything. Stateless; any thread.
 */
public final class CommandLineWords {
  private CommandLineWords() {}

  /**
   * The words of {@code line}.
   *
   * @throws IllegalArgumentException on an unclosed quote or a trailing backslash, with a message
   *     that completes a sentence whose subject the caller names: {@code has an unclosed ' quote}
   *     or {@code ends with a backslash that escapes nothing}
   */
  public static List<String> split(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = new StringBuilder();
    boolean inWord = false; // a word has begun, perhaps an empty quoted one
    char quote = 0; // the open quote, or 0
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\\' && quote != '\'') {
        if (i + 1 == line.length()) {
          throw new IllegalArgumentException("ends with a backslash that escapes nothing");
        }
        char next = line.charAt(++i);
        if (quote == '"' && next != '"' && next != '\\') {
          word.append('\\'); // shlex keeps a backslash that escapes nothing in double quotes
        }
        word.append(next);
        inWord = true;
      } else if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          words.add(word.toString());
          word.setLength(0);
          inWord = false;
        }
      } else {
        word.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("has an unclosed " + quote + " quote");
    }
    if (inWord) {
      words.add(word.toString());
    }
    return words;
  }
}
