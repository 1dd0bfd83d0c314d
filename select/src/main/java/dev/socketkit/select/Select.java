package dev.socketkit.select;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;

/*
 * Design notes.
 *
 * Python's select.select(r, w, x, timeout) takes three lists and returns three new lists. A Java
 * Selector instead remembers registrations across calls. We keep one Selector per calling thread
 * (a ThreadLocal) and diff each call's lists against what that Selector already holds: a channel
 * whose wanted operations did not change costs one field comparison, a changed one costs one
 * interestOps() call (one epoll_ctl), and a channel left out of every list keeps its registration
 * with interest 0 so that passing it again later is cheap. Closed channels are deregistered by NIO
 * itself.
 *
 * Results are built by walking the caller's lists again, so they come back in the caller's order,
 * as CPython's select does, and hold the caller's own references.
 *
 * The Selector of a thread that ends is closed by a Cleaner, so short-lived threads (one per
 * request in the threading servers) leak no descriptors.
 */

/**
 * Python's {@code select.select(rlist, wlist, xlist, timeout)} for Java NIO channels.
 *
 * <pre>{@code
 * Select.Ready<SelectableChannel> ready = Select.select(reads, List.of(), reads, null);
 * for (SelectableChannel channel : ready.reads()) { ... }
 * }</pre>
 *
 * <h2>Readiness</h2>
 *
 * <ul>
 *   <li>A {@link ServerSocketChannel} in {@code reads} is ready when a client waits to be accepted.
 *   <li>Any other channel in {@code reads} is ready when a read would not block: data arrived, the
 *       peer closed its side (the read returns -1) or reset the connection (the read throws).
 *   <li>A channel in {@code writes} is ready when a write would not block. A {@link SocketChannel}
 *       whose non-blocking {@code connect} is still pending is ready when the connection completes;
 *       {@code select} calls {@link SocketChannel#finishConnect()} for the caller, so a channel
 *       returned as writable is connected.
 * </ul>
 *
 * <h2>The errors list</h2>
 *
 * <p>Linux {@code select(2)} puts a TCP socket in its exceptional set only when out-of-band
 * (urgent) data arrives; Java NIO has no such event and no portable way to read a socket's pending
 * error without consuming data. In socketkit a channel listed in {@code errors} is reported there
 * when it cannot be used any more:
 *
 * <ul>
 *   <li>it is closed (before the call, or by another thread during it), or its registration was
 *       cancelled;
 *   <li>its pending non-blocking connect failed (refused, unreachable, timed out); NIO closes such
 *       a channel.
 * </ul>
 *
 * <p>A peer's reset is not an error event: as on Linux, the channel becomes readable and the read
 * throws. A closed channel or a failed connect that is not listed in {@code errors} is reported in
 * {@code reads} or {@code writes} instead, wherever the caller listed it, so that the caller's next
 * operation fails and tells why; it is never silently dropped.
 *
 * <h2>Cost</h2>
 *
 * <p>One call costs O(r + w + x) in the sizes of the three lists, plus one {@code epoll_wait}, plus
 * one {@code epoll_ctl} for each channel whose wanted operations changed since the calling thread's
 * previous call. A channel seen for the first time is switched to non-blocking mode and registered
 * with the thread's {@link Selector}. There is no limit of 1,024 descriptors: the limit is the
 * process's open-file limit.
 *
 * <h2>Threads</h2>
 *
 * <p>Each calling thread has its own {@link Selector}, created on its first call and closed when
 * the thread ends (or by {@link #closeSelector()}). A channel may be passed to select from one
 * thread at a time. Once passed, a channel stays in non-blocking mode and registered with that
 * thread's selector until it is closed or {@link #forget(SelectableChannel)} is called; call {@code
 * forget} before switching it back to blocking mode or handing it to another thread's select.
 */
public final class Select {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final ThreadLocal<State> STATE = ThreadLocal.withInitial(State::open);

  private Select() {}

  /**
   * Waits until at least one of the given channels is ready, or the timeout passes.
   *
   * <p>Stands for Python's {@code select.select(rlist, wlist, xlist, timeout)}.
   *
   * @param reads channels to watch for reading (accepting, for a listening channel)
   * @param writes channels to watch for writing (connecting, for a pending connect)
   * @param errors channels to watch for errors, as defined in the class documentation
   * @param timeout {@code null} to block until something is ready; a positive duration to wait at
   *     most that long; {@link Duration#ZERO} to poll and return at once
   * @return three new lists holding the caller's own channels that are ready, in the order they
   *     were given; all three are empty when the timeout passed first
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws InterruptedIOException if the calling thread is interrupted while it waits; its
   *     interrupt status stays set
   * @throws IOException if the selector fails
   */
  public static <C extends SelectableChannel> Ready<C> select(
      Collection<? extends C> reads,
      Collection<? extends C> writes,
      Collection<? extends C> errors,
      Duration timeout)
      throws IOException {
    Objects.requireNonNull(reads, "reads");
    Objects.requireNonNull(writes, "writes");
    Objects.requireNonNull(errors, "errors");
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException(
          "timeout: " + timeout + " (expected: >= 0, or null to block)");
    }
    return STATE.get().select(reads, writes, errors, timeout);
  }

  /**
   * Deregisters {@code channel} from the calling thread's selector, so that it can be switched back
   * to blocking mode or selected from another thread. Does nothing for a channel this thread never
   * selected.
   */
  public static void forget(SelectableChannel channel) throws IOException {
    State state = STATE.get();
    SelectionKey key = channel.keyFor(state.selector);
    if (key != null) {
      key.cancel();
      state.selector.selectNow(); // completes the deregistration now, as the JDK requires
      state.selector.selectedKeys().clear();
    }
  }

  /**
   * Closes the calling thread's selector now instead of when the thread ends. Channels it held stay
   * open but are deregistered. The next {@link #select} call on this thread opens a new selector.
   */
  public static void closeSelector() throws IOException {
    State state = STATE.get();
    STATE.remove();
    state.cleanable.clean();
  }

  /**
   * The three lists a {@link #select} call returns: Python's {@code r, w, x}.
   *
   * @param reads channels ready for reading (or accepting)
   * @param writes channels ready for writing (or whose connection completed)
   * @param errors channels that failed, as defined by {@link Select}
   * @param <C> the type of channel the caller passed in
   */
  public record Ready<C>(List<C> reads, List<C> writes, List<C> errors) {
    /** Makes unmodifiable copies of the three lists. */
    public Ready {
      reads = List.copyOf(reads);
      writes = List.copyOf(writes);
      errors = List.copyOf(errors);
    }

    /** Whether nothing was ready: the timeout passed first. */
    public boolean isEmpty() {
      return reads.isEmpty() && writes.isEmpty() && errors.isEmpty();
    }
  }

  /** Bits of {@link Entry#wanted}: which lists the channel is in during the current call. */
  private static final int IN_READS = 1;

  private static final int IN_WRITES = 2;
  private static final int IN_ERRORS = 4;

  /** What one registered channel wants and got; the attachment of its key. */
  private static final class Entry {
    long generation; // the call in which wanted was last reset
    int wanted; // IN_* bits for the current call
    long readyGeneration; // the call in which readyOps was filled in
    int readyOps;
    boolean failed; // closed, cancelled, or its connect failed
    long reportedGeneration; // the call in which reported was last reset
    int reported; // IN_* bits: the result lists this channel was put in

    boolean isReported(int bit, long gen) {
      return reportedGeneration == gen && (reported & bit) != 0;
    }
  }

  /** One thread's selector and call counter. Touched only by its thread. */
  private static final class State {
    final Selector selector;
    final Cleaner.Cleanable cleanable;
    long generation;

    /** Entries of unusable channels that have no valid key, valid for one call only. */
    private final IdentityHashMap<SelectableChannel, Entry> failedEntries = new IdentityHashMap<>();

    private State(Selector selector) {
      this.selector = selector;
      this.cleanable = CLEANER.register(this, new CloseSelector(selector));
    }

    static State open() {
      try {
        return new State(Selector.open());
      } catch (IOException e) {
        throw new UncheckedIOException("cannot open a selector", e);
      }
    }

    <C extends SelectableChannel> Ready<C> select(
        Collection<? extends C> reads,
        Collection<? extends C> writes,
        Collection<? extends C> errors,
        Duration timeout)
        throws IOException {
      long gen = ++generation;
      boolean anyFailed = false;
      anyFailed |= want(reads, IN_READS, gen);
      anyFailed |= want(writes, IN_WRITES, gen);
      anyFailed |= want(errors, IN_ERRORS, gen);
      updateInterest(reads, gen);
      updateInterest(writes, gen);
      updateInterest(errors, gen);

      // A channel that is already unusable is an answer by itself: poll instead of blocking.
      Duration wait = anyFailed ? Duration.ZERO : timeout;
      long deadline = wait == null ? 0 : System.nanoTime() + wait.toNanos();
      while (true) {
        int count;
        if (wait == null) {
          count = selector.select();
        } else {
          long remaining = deadline - System.nanoTime();
          count =
              remaining <= 0 || wait.isZero()
                  ? selector.selectNow()
                  : selector.select(Math.max(1, (remaining + 999_999) / 1_000_000));
        }
        if (count > 0) {
          collectReady(gen);
        }
        Ready<C> ready = results(reads, writes, errors, gen);
        if (!ready.isEmpty() || (wait != null && deadline - System.nanoTime() <= 0)) {
          return ready;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("select interrupted");
        }
        // Woken by wakeup() or spuriously with nothing ready: wait again, as CPython does after
        // EINTR (PEP 475), with what is left of the timeout.
      }
    }

    /** Marks each channel of {@code list} as wanting {@code bit}; returns whether any is closed. */
    private boolean want(Collection<? extends SelectableChannel> list, int bit, long gen)
        throws IOException {
      boolean anyFailed = false;
      for (SelectableChannel channel : list) {
        Entry entry = entryFor(channel);
        if (entry.generation != gen) {
          entry.generation = gen;
          entry.wanted = 0;
        }
        entry.wanted |= bit;
        anyFailed |= entry.failed;
      }
      return anyFailed;
    }

    private Entry entryFor(SelectableChannel channel) throws IOException {
      Objects.requireNonNull(channel, "channel");
      SelectionKey key = channel.keyFor(selector);
      if (key != null && key.isValid()) {
        return (Entry) key.attachment();
      }
      if (key != null || !channel.isOpen()) {
        // Closed or cancelled since the last call: remember it as failed. The stale key is not
        // reused; a fresh Entry answers for it during this call only.
        Entry entry = new Entry();
        entry.failed = true;
        return failedEntries.computeIfAbsent(channel, c -> entry);
      }
      if (channel.isBlocking()) {
        channel.configureBlocking(false);
      }
      Entry entry = new Entry();
      channel.register(selector, 0, entry);
      return entry;
    }

    private void updateInterest(Collection<? extends SelectableChannel> list, long gen) {
      for (SelectableChannel channel : list) {
        SelectionKey key = channel.keyFor(selector);
        if (key == null || !key.isValid()) {
          continue;
        }
        Entry entry = (Entry) key.attachment();
        int ops = interestFor(channel, entry.wanted);
        if (key.interestOps() != ops) {
          key.interestOps(ops);
        }
      }
      // Channels that were selected before but are in no list now keep their registration with
      // interest 0; cleared lazily below when their key is next examined.
      clearForgotten(gen);
    }

    private long clearedGeneration;

    /** Drops interest for keys whose channel is in none of this call's lists. */
    private void clearForgotten(long gen) {
      if (clearedGeneration == gen) {
        return;
      }
      clearedGeneration = gen;
      for (SelectionKey key : selector.keys()) {
        if (!key.isValid()) {
          continue;
        }
        Entry entry = (Entry) key.attachment();
        if (entry.generation != gen && key.interestOps() != 0) {
          key.interestOps(0);
        }
      }
    }

    private static int interestFor(SelectableChannel channel, int wanted) {
      int ops = 0;
      if ((wanted & IN_READS) != 0) {
        ops |=
            channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
      }
      boolean connecting = channel instanceof SocketChannel socket && socket.isConnectionPending();
      if (connecting && (wanted & (IN_WRITES | IN_ERRORS)) != 0) {
        ops |= SelectionKey.OP_CONNECT;
      } else if ((wanted & IN_WRITES) != 0) {
        ops |= SelectionKey.OP_WRITE;
      }
      return ops & channel.validOps();
    }

    /** Copies the ready operations of the selected keys into their entries. */
    private void collectReady(long gen) {
      for (SelectionKey key : selector.selectedKeys()) {
        Entry entry = (Entry) key.attachment();
        if (!key.isValid()) {
          entry.failed = true;
          continue;
        }
        int ready = key.readyOps();
        if ((ready & SelectionKey.OP_CONNECT) != 0) {
          SocketChannel channel = (SocketChannel) key.channel();
          try {
            if (channel.finishConnect()) {
              ready = (ready & ~SelectionKey.OP_CONNECT) | SelectionKey.OP_WRITE;
              // Now connected: from the next call on, watch OP_WRITE instead of OP_CONNECT.
              key.interestOps(interestFor(channel, entry.wanted));
            } else {
              ready &= ~SelectionKey.OP_CONNECT;
            }
          } catch (IOException e) {
            entry.failed = true; // NIO has closed the channel
          }
        }
        entry.readyOps = ready;
        entry.readyGeneration = gen;
      }
      selector.selectedKeys().clear();
    }

    private <C extends SelectableChannel> Ready<C> results(
        Collection<? extends C> reads,
        Collection<? extends C> writes,
        Collection<? extends C> errors,
        long gen) {
      List<C> r = new ArrayList<>();
      List<C> w = new ArrayList<>();
      List<C> x = new ArrayList<>();
      // Entry.reported (valid for reportedGeneration) keeps duplicates out in O(1) per channel.
      for (C channel : errors) {
        Entry entry = lookup(channel);
        if (entry != null && entry.failed && report(entry, IN_ERRORS, gen)) {
          x.add(channel);
        }
      }
      for (C channel : reads) {
        Entry entry = lookup(channel);
        if (entry == null || entry.isReported(IN_ERRORS, gen)) {
          continue;
        }
        boolean ready =
            entry.failed
                || (entry.readyGeneration == gen
                    && (entry.readyOps & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0);
        if (ready && report(entry, IN_READS, gen)) {
          r.add(channel);
        }
      }
      for (C channel : writes) {
        Entry entry = lookup(channel);
        if (entry == null || entry.isReported(IN_ERRORS, gen)) {
          continue;
        }
        boolean ready =
            entry.failed
                || (entry.readyGeneration == gen && (entry.readyOps & SelectionKey.OP_WRITE) != 0);
        if (ready && report(entry, IN_WRITES, gen)) {
          w.add(channel);
        }
      }
      failedEntries.clear();
      return new Ready<>(r, w, x);
    }

    /** Records that {@code entry} goes into the list {@code bit}; false if it is there already. */
    private static boolean report(Entry entry, int bit, long gen) {
      if (entry.reportedGeneration != gen) {
        entry.reportedGeneration = gen;
        entry.reported = 0;
      }
      if ((entry.reported & bit) != 0) {
        return false;
      }
      entry.reported |= bit;
      return true;
    }

    private Entry lookup(SelectableChannel channel) {
      Entry failed = failedEntries.get(channel);
      if (failed != null) {
        return failed;
      }
      SelectionKey key = channel.keyFor(selector);
      if (key == null) {
        return null;
      }
      Entry entry = (Entry) key.attachment();
      if (!key.isValid()) {
        entry.failed = true;
      }
      return entry;
    }
  }

  /** The Cleaner's action: must not refer to the State it cleans up after. */
  private static final class CloseSelector implements Runnable {
    private final Selector selector;

    CloseSelector(Selector selector) {
      this.selector = selector;
    }

    @Override
    public void run() {
      try {
        selector.close();
      } catch (IOException ignored) {
        // Nothing to report to: the thread that owned this selector is gone.
      }
    }
  }
}
