package dev.socketkit.gui.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {
  @Test
  void doublesEachDelayUpToTheMaximumAndStartsOverAfterReset() {
    Backoff backoff = new Backoff(Duration.ofMillis(250), Duration.ofSeconds(3));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(250));
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(500));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(1));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(2));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(3));
    assertThat(backoff.next()).isEqualTo(Duration.ofSeconds(3));
    backoff.reset();
    assertThat(backoff.next()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void rejectsAZeroFirstDelayAndAMaximumBelowIt() {
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("first: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("max: PT1S (expected: >= first, PT2S)");
  }
}
