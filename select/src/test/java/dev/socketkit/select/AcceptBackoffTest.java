package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AcceptBackoffTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);
  private final List<String> warnings = new ArrayList<>();
  private final AcceptBackoff backoff = new AcceptBackoff(warnings::add, now::get);

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  @Test
  void acceptsUntilAFailureThenPausesForAHundredMilliseconds() {
    assertThat(backoff.paused()).isFalse();
    assertThat(backoff.remainingNanos()).isZero();

    backoff.failed("echo server: accepting a client", new IOException("Too many open files"));

    assertThat(backoff.paused()).isTrue();
    assertThat(backoff.remainingNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    advance(Duration.ofMillis(99));
    assertThat(backoff.remainingNanos()).isEqualTo(Duration.ofMillis(1).toNanos());
    advance(Duration.ofMillis(1));
    assertThat(backoff.paused()).isFalse();
    assertThat(backoff.failures()).isEqualTo(1);
  }

  @Test
  void warnsAtMostOnceEveryTenSecondsWithTheCountSoFar() {
    IOException emfile = new IOException("Too many open files");
    for (int i = 0; i < 50; i++) { // five seconds of failing every 100 ms
      backoff.failed("server on :80: taking a request", emfile);
      advance(Duration.ofMillis(100));
    }
    assertThat(warnings)
        .containsExactly(
            "server on :80: taking a request failed (java.io.IOException: Too many open files);"
                + " pausing 100 ms (1 failure so far)");

    advance(Duration.ofSeconds(5));
    backoff.failed("server on :80: taking a request", emfile);

    assertThat(warnings).hasSize(2);
    assertThat(warnings.get(1)).endsWith("(51 failures so far)");
    assertThat(backoff.failures()).isEqualTo(51);
  }

  @Test
  void aFailureDuringAPauseStartsTheFullPauseAgain() {
    backoff.failed("x", new IOException("a"));
    advance(Duration.ofMillis(60));
    backoff.failed("x", new IOException("b"));
    assertThat(backoff.remainingNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
  }
}
