package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PacerTest {
  /** A clock that only moves when the test (or the pacer's sleep) moves it. */
  private static final class FakeClock implements Pacer.Clock {
    long now = 5_000_000_000L; // not zero: the schedule must not depend on the origin
    final List<Long> sleeps = new ArrayList<>();

    @Override
    public long nanoTime() {
      return now;
    }

    @Override
    public void sleep(long nanos) {
      sleeps.add(nanos);
      now += nanos;
    }

    void work(long nanos) {
      now += nanos;
    }
  }

  @Test
  void thirtyTicksTakeExactlyOneSecondWhateverTheWorkCosts() throws InterruptedException {
    FakeClock clock = new FakeClock();
    long start = clock.now;
    Pacer pacer = new Pacer(30, clock);
    for (int i = 0; i < 30; i++) {
      clock.work(7_000_000 + i * 100_000L); // uneven work, always shorter than a period
      pacer.awaitNextTick();
    }
    assertThat(clock.now - start).isEqualTo(1_000_000_000L);
    assertThat(clock.sleeps).hasSize(30);
    assertThat(pacer.missedTicks()).isZero();
  }

  @Test
  void aLateTickRunsAtOnceAndTheNextKeepsItsSlot() throws InterruptedException {
    FakeClock clock = new FakeClock();
    long start = clock.now;
    Pacer pacer = new Pacer(10, clock); // 100 ms period
    clock.work(250_000_000L); // the first frame took two and a half periods
    pacer.awaitNextTick(); // tick 1 was due at 100 ms: late, no sleep
    assertThat(clock.sleeps).isEmpty();
    pacer.awaitNextTick(); // tick 2 was due at 200 ms: late too
    assertThat(clock.sleeps).isEmpty();
    pacer.awaitNextTick(); // tick 3 keeps its slot at 300 ms
    assertThat(clock.sleeps).containsExactly(50_000_000L);
    assertThat(clock.now - start).isEqualTo(300_000_000L);
    pacer.awaitNextTick();
    assertThat(clock.now - start).isEqualTo(400_000_000L);
    assertThat(pacer.missedTicks()).isZero();
  }

  @Test
  void aLoopMoreThanASecondBehindCountsTheMissedTicksAndReBases() throws InterruptedException {
    FakeClock clock = new FakeClock();
    long start = clock.now;
    Pacer pacer = new Pacer(10, clock);
    clock.work(1_550_000_000L); // stalled for 1.55 s: tick 1 (due at 100 ms) is 1.45 s late
    pacer.awaitNextTick();
    assertThat(clock.sleeps).isEmpty();
    assertThat(pacer.missedTicks()).isEqualTo(14);
    pacer.awaitNextTick(); // a new schedule: one period after the re-base
    assertThat(clock.now - start).isEqualTo(1_650_000_000L);
    assertThat(clock.sleeps).containsExactly(100_000_000L);
  }

  @Test
  void aLoopJustUnderASecondBehindCatchesUpInstead() throws InterruptedException {
    FakeClock clock = new FakeClock();
    long start = clock.now;
    Pacer pacer = new Pacer(10, clock);
    clock.work(1_050_000_000L); // tick 1 is 950 ms late
    for (int i = 0; i < 10; i++) {
      pacer.awaitNextTick(); // ticks 1..10 were all due by 1 s: none sleeps
    }
    assertThat(clock.sleeps).isEmpty();
    pacer.awaitNextTick(); // tick 11 at 1.1 s
    assertThat(clock.now - start).isEqualTo(1_100_000_000L);
    assertThat(pacer.missedTicks()).isZero();
  }

  @Test
  void resetStartsTheScheduleFromNow() throws InterruptedException {
    FakeClock clock = new FakeClock();
    Pacer pacer = new Pacer(20, clock); // 50 ms
    pacer.awaitNextTick();
    clock.work(60_000_000_000L); // idle for a minute
    pacer.reset();
    long resumed = clock.now;
    pacer.awaitNextTick();
    assertThat(clock.now - resumed).isEqualTo(50_000_000L);
    assertThat(pacer.missedTicks()).isZero();
  }

  @Test
  void aPeriodThatIsNotAWholeNumberOfNanosecondsDoesNotDrift() throws InterruptedException {
    FakeClock clock = new FakeClock();
    long start = clock.now;
    Pacer pacer = new Pacer(30, clock);
    for (int i = 0; i < 30 * 3600; i++) {
      pacer.awaitNextTick();
    }
    assertThat(clock.now - start).isEqualTo(3600L * 1_000_000_000L);
  }

  @Test
  void rejectsARateThatIsNotPositive() {
    assertThatThrownBy(() -> new Pacer(0)).hasMessageContaining("fps: 0");
  }
}
