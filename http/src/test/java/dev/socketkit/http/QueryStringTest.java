package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

// Expected values are what CPython's urllib.parse.parse_qsl(q, keep_blank_values=True) returns.
final class QueryStringTest {
  private static List<Map.Entry<String, String>> pairs(String query) {
    return QueryString.parse(query).pairs();
  }

  @Test
  void keepsAnInvalidEscapeAsItCame() {
    assertThat(pairs("token=%zz")).containsExactly(entry("token", "%zz"));
    assertThat(pairs("%41%4")).containsExactly(entry("A%4", ""));
    assertThat(pairs("a=100%")).containsExactly(entry("a", "100%"));
  }

  @Test
  void readsPlusAsASpaceAndAnEncodedPlusAsAPlus() {
    assertThat(pairs("a+b=c+d&e=%2B")).containsExactly(entry("a b", "c d"), entry("e", "+"));
  }

  @Test
  void keepsBlankValuesAndNamesWithoutAnEqualsSign() {
    assertThat(pairs("a=&b&=v")).containsExactly(entry("a", ""), entry("b", ""), entry("", "v"));
  }

  @Test
  void skipsEmptyPiecesAndSplitsAtTheFirstEqualsSignOnly() {
    assertThat(pairs("&&a==b&")).containsExactly(entry("a", "=b"));
  }

  @Test
  void keepsRepeatedNamesInOrderAndTheFirstWinsInLookUps() {
    QueryString query = QueryString.parse("x=1&y=2&x=3");
    assertThat(query.pairs()).containsExactly(entry("x", "1"), entry("y", "2"), entry("x", "3"));
    assertThat(query.first("x")).isEqualTo("1");
    assertThat(query.all("x")).containsExactly("1", "3");
    assertThat(query.asMap()).containsExactly(entry("x", "1"), entry("y", "2"));
    assertThat(query.first("z")).isNull();
    assertThat(query.all("z")).isEmpty();
  }

  @Test
  void decodesUtf8AndReplacesBytesThatAreNotUtf8() {
    assertThat(pairs("a=caf%C3%A9&b=%ff&c=%e2%82&d=%E2%82%ACx%e2"))
        .containsExactly(
            entry("a", "café"), entry("b", "\uFFFD"), entry("c", "\uFFFD"), entry("d", "€x\uFFFD"));
  }

  @Test
  void keepsCharactersThatCameUnencoded() {
    assertThat(pairs("a=é&b=%zz%C3%A9")).containsExactly(entry("a", "é"), entry("b", "%zzé"));
  }

  @Test
  void treatsASemicolonAsAnOrdinaryCharacter() {
    assertThat(pairs("a=1;b=2")).containsExactly(entry("a", "1;b=2"));
  }

  @Test
  void hasNoPairsForANullOrEmptyQuery() {
    assertThat(QueryString.parse(null).isEmpty()).isTrue();
    assertThat(QueryString.parse("").pairs()).isEmpty();
    assertThat(QueryString.parse("&").isEmpty()).isTrue();
  }

  @Test
  void splitsATargetIntoPathAndQuery() {
    assertThat(QueryString.pathOf("/stream.mjpg?fps=5&token=a")).isEqualTo("/stream.mjpg");
    assertThat(QueryString.rawQueryOf("/stream.mjpg?fps=5&token=a")).isEqualTo("fps=5&token=a");
    assertThat(QueryString.pathOf("/a/b")).isEqualTo("/a/b");
    assertThat(QueryString.rawQueryOf("/a/b")).isEmpty();
    assertThat(QueryString.pathOf("/a?")).isEqualTo("/a");
    assertThat(QueryString.rawQueryOf("/a?")).isEmpty();
    assertThat(QueryString.pathOf("/a?x=1?y=2")).isEqualTo("/a");
    assertThat(QueryString.rawQueryOf("/a?x=1?y=2")).isEqualTo("x=1?y=2");
  }

  @Test
  void cutsAFragmentOffThePathAndTheQuery() {
    assertThat(QueryString.pathOf("/a#top?x=1")).isEqualTo("/a");
    assertThat(QueryString.rawQueryOf("/a#top?x=1")).isEmpty();
    assertThat(QueryString.rawQueryOf("/a?x=1#top")).isEqualTo("x=1");
  }

  @Test
  void parsesTheQueryOfATarget() {
    QueryString query = QueryString.ofTarget("/stream.mjpg?fps=5&token=a%2Bb");
    assertThat(query.first("fps")).isEqualTo("5");
    assertThat(query.first("token")).isEqualTo("a+b");
  }
}
