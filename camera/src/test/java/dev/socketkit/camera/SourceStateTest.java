package dev.socketkit.camera;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SourceStateTest {
  @Test
  void labelsAreTheLowerCaseWordsStateHasAlwaysShown() {
    assertThat(SourceState.values())
        .extracting(SourceState::label)
        .containsExactly("starting", "running", "restarting", "stopped");
  }
}
