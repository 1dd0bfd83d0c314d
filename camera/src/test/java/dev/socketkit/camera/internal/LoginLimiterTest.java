package dev.socketkit.camera.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LoginLimiterTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private LoginLimiter limiter(int maxFailures, int maxAddresses) {
    return new LoginLimiter(maxFailures, Duration.ofMinutes(1), maxAddresses, now::get);
  }

  private void advance(Duration by) {
    now.addAndGet(by.toNanos());
  }

  private static InetAddress address(String text) throws Exception {
    return InetAddress.getByName(text);
  }

  @Test
  void locksAnAddressOutAfterTheNthFailureForOneWindowAndSaysSoOnce() throws Exception {
    LoginLimiter limiter = limiter(3, 100);
    InetAddress a = address("192.0.2.1");
    assertThat(limiter.failed(a)).isFalse();
    assertThat(limiter.failed(a)).isFalse();
    assertThat(limiter.lockedOutFor(a)).isZero();
    assertThat(limiter.failed(a)).as("the failure that locks").isTrue();
    assertThat(limiter.failed(a)).as("said once per lock-out").isFalse();
    assertThat(limiter.lockedOutFor(a)).isEqualTo(Duration.ofMinutes(1));
    advance(Duration.ofSeconds(59));
    assertThat(limiter.lockedOutFor(a)).isEqualTo(Duration.ofSeconds(1));
    advance(Duration.ofSeconds(1));
    assertThat(limiter.lockedOutFor(a)).as("the lock-out is over").isZero();
    assertThat(limiter.failed(a)).as("a fresh count").isFalse();
  }

  @Test
  void failuresOlderThanTheWindowAreForgotten() throws Exception {
    LoginLimiter limiter = limiter(3, 100);
    InetAddress a = address("192.0.2.1");
    limiter.failed(a);
    limiter.failed(a);
    advance(Duration.ofMinutes(1));
    assertThat(limiter.failed(a)).isFalse();
    assertThat(limiter.failed(a)).isFalse();
    assertThat(limiter.lockedOutFor(a)).isZero();
  }

  @Test
  void oneAddressLockedOutLeavesTheOthersFree() throws Exception {
    LoginLimiter limiter = limiter(2, 100);
    limiter.failed(address("192.0.2.1"));
    limiter.failed(address("192.0.2.1"));
    limiter.failed(address("192.0.2.2"));
    assertThat(limiter.lockedOutFor(address("192.0.2.1"))).isPositive();
    assertThat(limiter.lockedOutFor(address("192.0.2.2"))).isZero();
    assertThat(limiter.lockedOutFor(address("192.0.2.3"))).isZero();
  }

  @Test
  void countsAnIpv6HostPerSlash64SoItCannotSprayItsOwnAddresses() throws Exception {
    LoginLimiter limiter = limiter(2, 100);
    limiter.failed(address("2001:db8:1:2::1"));
    limiter.failed(address("2001:db8:1:2:ffff::9"));
    assertThat(limiter.lockedOutFor(address("2001:db8:1:2::77"))).isPositive();
    assertThat(limiter.lockedOutFor(address("2001:db8:1:3::1"))).isZero();
  }

  @Test
  void aSprayOfAddressesCannotGrowTheTablePastItsCap() throws Exception {
    LoginLimiter limiter = limiter(2, 50);
    InetAddress locked = address("192.0.2.1");
    limiter.failed(locked);
    limiter.failed(locked);
    for (int i = 0; i < 1_000; i++) {
      limiter.failed(InetAddress.getByAddress(new byte[] {10, 0, (byte) (i >> 8), (byte) i}));
      assertThat(limiter.size()).isLessThanOrEqualTo(50);
      if (i < 48) {
        assertThat(limiter.lockedOutFor(locked)).as("still locked at %d", i).isPositive();
      }
    }
    assertThat(limiter.size()).isEqualTo(50);
  }

  @Test
  void aFullTableDropsExpiredEntriesBeforeLiveOnes() throws Exception {
    LoginLimiter limiter = limiter(2, 3);
    InetAddress old = address("192.0.2.1");
    limiter.failed(old);
    advance(Duration.ofSeconds(30));
    InetAddress locked = address("192.0.2.2");
    limiter.failed(locked);
    limiter.failed(locked);
    limiter.failed(address("192.0.2.3"));
    advance(Duration.ofSeconds(31)); // the first entry's window is over; the lock-out is not
    limiter.failed(address("192.0.2.4"));
    assertThat(limiter.size()).isEqualTo(3);
    assertThat(limiter.lockedOutFor(locked)).as("a live lock-out survives").isPositive();
  }

  @Test
  void refusesLimitsThatMakeNoSense() {
    assertThatThrownBy(() -> limiter(0, 10)).hasMessageContaining("maxFailures: 0");
    assertThatThrownBy(() -> limiter(1, 0)).hasMessageContaining("maxAddresses: 0");
    assertThatThrownBy(() -> new LoginLimiter(1, Duration.ZERO, 1, now::get))
        .hasMessageContaining("window");
  }
}
