package dev.socketkit.camera.internal.mqtt;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The messages waiting for the broker, bounded by count and by payload bytes: when one more would
 * pass either bound, the oldest messages are dropped (and counted) to make room. Oldest, because
 * what a subscriber needs is the newest state (the motion topic is retained, the discovery configs
 * are sent again on every connection), and a broker that is away for a minute makes the old events
 * stale anyway.
 *
 * <p>Thread-safe: any thread {@link #offer}s and never waits longer than a short lock; the MQTT
 * thread {@link #take}s.
 */
final class OutboundQueue {
  private final int maxMessages;
  private final long maxBytes;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final Deque<OutboundMessage> messages = new ArrayDeque<>(); // guarded by lock
  private long bytes; // guarded by lock
  private long dropped; // guarded by lock

  OutboundQueue(int maxMessages, long maxBytes) {
    if (maxMessages < 1) {
      throw new IllegalArgumentException("maxMessages: " + maxMessages + " (expected: >= 1)");
    }
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Adds {@code message} at the tail, dropping the oldest ones past the bounds. Never blocks. */
  void offer(OutboundMessage message) {
    lock.lock();
    try {
      messages.addLast(message);
      bytes += message.payload().length;
      trim(0);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Puts {@code first} at the head, in their order: messages that must go before the others (the
   * announcement on a new connection, or one taken but not delivered). Past the bounds, the oldest
   * of the others are dropped first, the given ones only when they alone pass them.
   */
  void offerFirst(List<OutboundMessage> first) {
    lock.lock();
    try {
      for (int i = first.size() - 1; i >= 0; i--) {
        messages.addFirst(first.get(i));
        bytes += first.get(i).payload().length;
      }
      trim(first.size());
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Drops the oldest messages after the first {@code keep} until the bounds hold. */
  private void trim(int keep) {
    Iterator<OutboundMessage> it = messages.iterator();
    for (int i = 0; i < keep && it.hasNext(); i++) {
      it.next();
    }
    while ((messages.size() > maxMessages || bytes > maxBytes) && it.hasNext()) {
      bytes -= it.next().payload().length;
      it.remove();
      dropped++;
    }
    // Still past the bounds: the kept messages themselves go, oldest first.
    while ((messages.size() > maxMessages || bytes > maxBytes) && !messages.isEmpty()) {
      bytes -= messages.removeFirst().payload().length;
      dropped++;
    }
  }

  /** The oldest message, waiting at most {@code timeout} for one; null if none came. */
  OutboundMessage take(long timeout, TimeUnit unit) throws InterruptedException {
    long left = unit.toNanos(timeout);
    lock.lock();
    try {
      while (messages.isEmpty()) {
        if (left <= 0) {
          return null;
        }
        left = changed.awaitNanos(left);
      }
      OutboundMessage message = messages.removeFirst();
      bytes -= message.payload().length;
      return message;
    } finally {
      lock.unlock();
    }
  }

  /** Wakes a thread waiting in {@link #take} (it then finds nothing and returns null). */
  void wakeUp() {
    lock.lock();
    try {
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Messages waiting now. */
  int size() {
    lock.lock();
    try {
      return messages.size();
    } finally {
      lock.unlock();
    }
  }

  /** Messages dropped so far to keep within the bounds. */
  long dropped() {
    lock.lock();
    try {
      return dropped;
    } finally {
      lock.unlock();
    }
  }
}
