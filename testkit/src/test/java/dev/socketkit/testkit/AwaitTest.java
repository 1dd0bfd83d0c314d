package dev.socketkit.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AwaitTest {
  @Test
  void returnsAtOnceWhenTheConditionAlreadyHolds() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    Await.until(Duration.ofSeconds(5), () -> checks.incrementAndGet() > 0, () -> "anything");
    assertThat(checks).hasValue(1);
  }

  @Test
  void returnsOnceTheConditionComesToHold() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    Await.until(Duration.ofSeconds(5), () -> checks.incrementAndGet() >= 5, () -> "five checks");
    assertThat(checks).hasValue(5);
  }

  @Test
  void failsWithTheDescriptionAndTheTimeout() {
    assertThatThrownBy(() -> Await.until(Duration.ofMillis(100), () -> false, () -> "the moon"))
        .isInstanceOf(AssertionError.class)
        .hasMessage("timed out after 100 ms waiting for: the moon");
  }

  @Test
  void describesTheStateAsItIsWhenTheWaitFails() {
    AtomicInteger checks = new AtomicInteger();
    assertThatThrownBy(
            () ->
                Await.until(
                    Duration.ofSeconds(1),
                    () -> checks.incrementAndGet() < 0,
                    () -> "a negative count; last " + checks.get()))
        .hasMessageStartingWith("timed out after 1 s waiting for: a negative count; last ")
        .hasMessageNotContaining("last 0");
  }

  @Test
  void returnsTheFirstValueTheProbeGives() throws Exception {
    AtomicInteger checks = new AtomicInteger();
    String value =
        Await.value(
            Duration.ofSeconds(5),
            () -> checks.incrementAndGet() == 3 ? "third" : null,
            () -> "a value");
    assertThat(value).isEqualTo("third");
  }

  @Test
  void passesOnWhatTheConditionThrows() {
    assertThatThrownBy(
            () ->
                Await.until(
                    Duration.ofSeconds(5),
                    () -> {
                      throw new IOException("broken");
                    },
                    () -> "never"))
        .isInstanceOf(IOException.class)
        .hasMessage("broken");
  }

  @Test
  void refusesATimeoutThatIsNotPositive() {
    assertThatThrownBy(() -> Await.until(Duration.ZERO, () -> true, () -> "x"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("expected: > 0");
  }

  @Test
  void anInterruptEndsTheWaitAndKeepsTheFlag() {
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> Await.until(Duration.ofSeconds(5), () -> false, () -> "x"))
          .isInstanceOf(AssertionError.class)
          .hasMessage("interrupted waiting for: x");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
  }
}
