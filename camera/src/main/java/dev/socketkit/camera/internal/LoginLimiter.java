package dev.socketkit.camera.internal;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/*
 * Design notes. One record per client address: when its window started (the first failure), how
 * many failures it holds, and, once locked, until when. A record whose window or lock-out is over
 * is worth nothing and is dropped when it is next looked at. The table is a LinkedHashMap in access
 * order, so its first entry is the address looked at least recently; inserting into a full table
 * first drops every expired record (one pass, O(cap), paid only by a new address arriving at a full
 * table, and each such arrival already cost a slow hash) and, if none expired, the least recently
 * used one. A success never clears a count: on an address shared by many clients (a NAT, a proxy),
 * a user's good logins would otherwise wipe an attacker's failures.
 *
 * IPv6 clients are counted per /64, the block one host is usually given: per address, one host could
 * spray 2^64 addresses past the limit.
 */

/**
 * Counts failed logins per client address and locks out an address that fails too often: after
 * {@code maxFailures} failures within {@code window} of the first one, the address is locked out
 * for {@code window} from the failure that locked it. The table holds at most {@code maxAddresses}
 * addresses (expired ones, then the least recently seen, are evicted first), so a spray of
 * addresses cannot grow it. IPv6 addresses are counted per /64 prefix.
 *
 * <p>Thread-safe: every method locks the limiter for a short, bounded time; any thread.
 */
public final class LoginLimiter {
  /** Failed logins from one address within {@link #WINDOW} that lock it out. */
  public static final int MAX_FAILURES = 10;

  /** The window failures are counted in, and how long a lock-out lasts. */
  public static final Duration WINDOW = Duration.ofMinutes(1);

  /** Addresses remembered at once: about 1 MiB of records at most. */
  public static final int MAX_ADDRESSES = 10_000;

  private final int maxFailures;
  private final long windowNanos;
  private final int maxAddresses;
  private final LongSupplier clock;
  private final Map<InetAddress, Failures> table = new LinkedHashMap<>(16, 0.75f, true);

  /** One address's failures; guarded by the limiter. */
  private static final class Failures {
    final long start;
    int failures;
    boolean locked;
    long lockedUntil;

    Failures(long start) {
      this.start = start;
    }
  }

  /** A limiter with the default limits and the system's nano clock. */
  public LoginLimiter() {
    this(MAX_FAILURES, WINDOW, MAX_ADDRESSES, System::nanoTime);
  }

  /**
   * A limiter with the given limits; {@code nanoClock} is read as {@link System#nanoTime()} is.
   *
   * @throws IllegalArgumentException if {@code maxFailures} or {@code maxAddresses} is below 1, or
   *     {@code window} is not above zero
   */
  public LoginLimiter(int maxFailures, Duration window, int maxAddresses, LongSupplier nanoClock) {
    if (maxFailures < 1) {
      throw new IllegalArgumentException("maxFailures: " + maxFailures + " (expected: >= 1)");
    }
    if (window.isNegative() || window.isZero()) {
      throw new IllegalArgumentException("window: " + window + " (expected: > 0)");
    }
    if (maxAddresses < 1) {
      throw new IllegalArgumentException("maxAddresses: " + maxAddresses + " (expected: >= 1)");
    }
    this.maxFailures = maxFailures;
    this.windowNanos = window.toNanos();
    this.maxAddresses = maxAddresses;
    this.clock = nanoClock;
  }

  /** How long {@code address} stays locked out: {@link Duration#ZERO} when it may log in. */
  public synchronized Duration lockedOutFor(InetAddress address) {
    long now = clock.getAsLong();
    Failures record = live(key(address), now);
    if (record == null || !record.locked) {
      return Duration.ZERO;
    }
    return Duration.ofNanos(record.lockedUntil - now);
  }

  /**
   * Counts a failed login from {@code address}.
   *
   * @return true when this failure locked the address out (once per lock-out: log it then)
   */
  public synchronized boolean failed(InetAddress address) {
    long now = clock.getAsLong();
    InetAddress key = key(address);
    Failures record = live(key, now);
    if (record == null) {
      if (table.size() >= maxAddresses) {
        evict(now);
      }
      record = new Failures(now);
      table.put(key, record);
    }
    record.failures++;
    if (!record.locked && record.failures >= maxFailures) {
      record.locked = true;
      record.lockedUntil = now + windowNanos;
      return true;
    }
    return false;
  }

  /** How many addresses the table holds now, expired ones included. */
  public synchronized int size() {
    return table.size();
  }

  /** The record of {@code key} if it still counts; an expired one is removed. */
  private Failures live(InetAddress key, long now) {
    Failures record = table.get(key);
    if (record != null && expired(record, now)) {
      table.remove(key);
      return null;
    }
    return record;
  }

  private boolean expired(Failures record, long now) {
    return record.locked ? now - record.lockedUntil >= 0 : now - record.start >= windowNanos;
  }

  /** Makes room for one: drops every expired record, else the least recently seen one. */
  private void evict(long now) {
    table.values().removeIf(record -> expired(record, now));
    Iterator<InetAddress> eldest = table.keySet().iterator();
    while (table.size() >= maxAddresses && eldest.hasNext()) {
      eldest.next();
      eldest.remove();
    }
  }

  /** The address counted: itself, or for IPv6 its /64 prefix. */
  static InetAddress key(InetAddress address) {
    if (!(address instanceof Inet6Address)) {
      return address;
    }
    byte[] bytes = address.getAddress();
    Arrays.fill(bytes, 8, 16, (byte) 0);
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError("16 bytes are always an IPv6 address", e);
    }
  }
}
