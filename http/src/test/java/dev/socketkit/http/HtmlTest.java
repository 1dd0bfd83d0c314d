package dev.socketkit.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

// Expected values are what CPython's html.escape returns.
final class HtmlTest {
  @Test
  void escapesTheFiveCharactersAsPythonsHtmlEscapeWithQuote() {
    assertThat(Html.escape("<a href=\"x\">Tom & Jerry's</a>"))
        .isEqualTo("&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#x27;s&lt;/a&gt;");
  }

  @Test
  void leavesQuotesAloneWithoutQuote() {
    assertThat(Html.escape("<b>\"it's\" & more</b>", false))
        .isEqualTo("&lt;b&gt;\"it's\" &amp; more&lt;/b&gt;");
  }

  @Test
  void escapesAnAmpersandOnlyOnce() {
    assertThat(Html.escape("&amp;")).isEqualTo("&amp;amp;");
  }

  @Test
  void returnsTextWithoutSpecialCharactersUnchanged() {
    assertThat(Html.escape("")).isEmpty();
    assertThat(Html.escape("café €")).isEqualTo("café €");
  }
}
