package dev.socketkit.select;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class WakeupPipeTest {
  @Test
  void aWakeUpFromAnotherThreadEndsAWaitWithoutTimeout() throws Exception {
    try (WakeupPipe wakeup = WakeupPipe.open()) {
      CountDownLatch waiting = new CountDownLatch(1);
      CompletableFuture<List<SelectableChannel>> woken =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  waiting.countDown();
                  List<SelectableChannel> source = List.of(wakeup.source());
                  List<SelectableChannel> reads =
                      Select.select(source, List.of(), List.of(), null).reads();
                  Select.forget(wakeup.source());
                  return reads;
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      assertThat(waiting.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(wakeup.wakeUp()).isTrue();
      assertThat(woken.get(10, TimeUnit.SECONDS)).containsExactly(wakeup.source());
    }
  }

  @Test
  void aWakeUpBeforeTheWaitMakesItReturnAtOnceAndDrainRearmsIt() throws Exception {
    try (WakeupPipe wakeup = WakeupPipe.open()) {
      for (int i = 0; i < 3; i++) {
        assertThat(wakeup.wakeUp()).isTrue();
      }
      List<SelectableChannel> source = List.of(wakeup.source());
      assertThat(Select.select(source, List.of(), List.of(), null).reads()).hasSize(1);
      wakeup.drain();
      assertThat(Select.select(source, List.of(), List.of(), Duration.ZERO).isEmpty()).isTrue();
      Select.forget(wakeup.source());
    }
  }

  @Test
  void wakingAFullPipeNeverBlocks() throws Exception {
    try (WakeupPipe wakeup = WakeupPipe.open()) {
      for (int i = 0; i < 1_000_000; i++) { // more than any pipe buffer holds
        assertThat(wakeup.wakeUp()).isTrue();
      }
      wakeup.drain();
      assertThat(wakeup.source().read(java.nio.ByteBuffer.allocate(1))).isZero();
    }
  }

  @Test
  void wakingAClosedPipeSaysSoAndCloseIsIdempotent() throws Exception {
    WakeupPipe wakeup = WakeupPipe.open();
    wakeup.close();
    wakeup.close();
    assertThat(wakeup.wakeUp()).isFalse();
    assertThat(wakeup.source().isOpen()).isFalse();
    wakeup.drain(); // does nothing once closed
  }
}
