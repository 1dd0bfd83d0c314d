package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** Each expectation is what Python's {@code shlex.split(line)} returns for the same line. */
class CommandLineWordsTest {
  @Test
  void splitsOnRunsOfWhitespace() {
    assertThat(CommandLineWords.split("  -f v4l2\t-i  /dev/video0\n"))
        .containsExactly("-f", "v4l2", "-i", "/dev/video0");
  }

  @Test
  void anEmptyOrBlankLineHasNoWords() {
    assertThat(CommandLineWords.split("")).isEmpty();
    assertThat(CommandLineWords.split(" \t ")).isEmpty();
  }

  @Test
  void quotesGroupWordsAndJoinTheWordAroundThem() {
    assertThat(CommandLineWords.split("notify-send 'Motion at door' \"a b\" x'y z'\"!\""))
        .containsExactly("notify-send", "Motion at door", "a b", "xy z!");
    assertThat(CommandLineWords.split("'' \"\" a''")).containsExactly("", "", "a");
  }

  @Test
  void singleQuotesKeepEveryCharacterLiterally() {
    assertThat(CommandLineWords.split("'a \\\" $HOME \\'")).containsExactly("a \\\" $HOME \\");
  }

  @Test
  void aBackslashOutsideQuotesTakesTheNextCharacterLiterally() {
    assertThat(CommandLineWords.split("x\\ y \\'q \\\\ \\a"))
        .containsExactly("x y", "'q", "\\", "a");
  }

  @Test
  void aBackslashInDoubleQuotesEscapesOnlyAQuoteOrABackslash() {
    assertThat(CommandLineWords.split("\"a \\\"b\\\" c\\\\d \\$e\""))
        .containsExactly("a \"b\" c\\d \\$e");
  }

  @Test
  void nothingIsExpandedOrInterpreted() {
    assertThat(CommandLineWords.split("$HOME;rm *.jpg # not a comment | cat"))
        .containsExactly("$HOME;rm", "*.jpg", "#", "not", "a", "comment", "|", "cat");
  }

  @Test
  void aTrailingBackslashIsAnErrorInsideOrOutsideQuotes() {
    // shlex: ValueError("No escaped character")
    assertThatThrownBy(() -> CommandLineWords.split("echo a\\"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("ends with a backslash that escapes nothing");
    assertThatThrownBy(() -> CommandLineWords.split("echo \"a\\"))
        .hasMessage("ends with a backslash that escapes nothing");
  }

  @Test
  void anUnclosedQuoteIsAnError() {
    // shlex: ValueError("No closing quotation")
    assertThatThrownBy(() -> CommandLineWords.split("echo 'open"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("has an unclosed ' quote");
    assertThatThrownBy(() -> CommandLineWords.split("echo \"open"))
        .hasMessage("has an unclosed \" quote");
  }
}
