package dev.socketkit.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class DidYouMeanTest {
  @Test
  void countsInsertionsDeletionsAndReplacements() {
    assertThat(DidYouMean.editDistance("fsp", "fps")).isEqualTo(2);
    assertThat(DidYouMean.editDistance("kitten", "sitting")).isEqualTo(3);
    assertThat(DidYouMean.editDistance("", "abc")).isEqualTo(3);
    assertThat(DidYouMean.editDistance("same", "same")).isZero();
  }

  @Test
  void suggestsTheClosestCandidateWithinTwoEditsIgnoringCase() {
    assertThat(DidYouMean.suggestion("sorce", List.of("size", "source"), "-"))
        .isEqualTo(" (did you mean 'source'?)");
    assertThat(DidYouMean.suggestion("FPS", List.of("fps", "quality"), "-"))
        .isEqualTo(" (did you mean 'fps'?)");
    assertThat(DidYouMean.suggestion("colour", List.of("size", "source"), "-")).isEqualTo("-");
  }

  @Test
  void prefersTheFirstOfEquallyCloseCandidates() {
    assertThat(DidYouMean.suggestion("ab", List.of("ax", "ay"), "-"))
        .isEqualTo(" (did you mean 'ax'?)");
  }
}
