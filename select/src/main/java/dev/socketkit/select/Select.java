package dev.socketkit.select;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.channels.SelectableChannel;
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
 * Selector instead remembers registrations across calls. We keep one EventLoop (socketkit's one
 * selector core, also usable directly as Python's selectors) per calling thread, in a
 * ThreadLocal, and diff each call's lists against what that loop already holds: a channel whose
 * wanted events did not change costs one field comparison, a changed one costs one modify() (one
 * epoll_ctl), and a channel left out of every list keeps its registration with nothing watched,
 * so that passing it again later is cheap. Only the channels watched in the previous call are
 * examined for that, never every registration. Closed channels are deregistered by NIO itself.
 *
 * Results are built by walking the caller's lists again, so they come back in the caller's order,
 * as CPython's select does, and hold the caller's own references.
 *
 * The loop of a thread that ends is closed by a Cleaner, but only once the garbage collector has
 * found the thread's state unreachable, which may be long after the thread ended: until then its
 * selector's descriptors stay open. Threads that may call select and then end or go back to a pool
 * (the threading servers' request threads) call closeSelectorIfOpen when they are done.
 *
 * Why this stays one class of some 500 lines: it is one function, Python's select.select, and its
 * per-thread state; half of the file is the Javadoc of its contract (readiness, errors, timeouts,
 * ownership), and the selector work itself already lives in EventLoop.
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
 *   <li>it is closed before the call, or by another thread during it (reported when the call next
 *       wakes: another channel is ready, the timeout passes, or at the latest one second later —
 *       closing a descriptor in another thread does not wake Linux {@code select(2)} at all);
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
 * <p>One call costs O(r + w + x + p) time, where r, w and x are the sizes of the three lists and p
 * the number of channels the thread's previous call watched, plus one {@code epoll_wait} (more only
 * when woken with nothing to report), plus one {@code epoll_ctl} for each channel whose wanted
 * events changed since that previous call. It allocates the three result lists. A channel seen for
 * the first time is switched to non-blocking mode and registered with the thread's {@link Selector}
 * (one more {@code epoll_ctl}). There is no limit of 1,024 descriptors: the limit is the process's
 * open-file limit. A server that watches thousands of mostly idle channels and wants O(ready) work
 * per wait uses {@link EventLoop}, the registration-based form on the same core.
 *
 * <h2>Threads</h2>
 *
 * <p>Each calling thread has its own {@link Selector}, created on its first call and closed by
 * {@link #closeSelectorIfOpen()}, or else some time after the thread ends, once the garbage
 * collector finds it gone (pooled and short-lived threads should call {@code closeSelectorIfOpen}
 * when done, or their descriptors stay open until a collection). A channel may be passed to select
 * from one thread at a time. Once passed, a channel stays in non-blocking mode and registered with
 * that thread's selector until it is closed or {@link #forget(SelectableChannel)} is called; call
 * {@code forget} before switching it back to blocking mode or handing it to another thread's
 * select.
 */
public final class Select {
  private static final Cleaner CLEANER = Cleaner.create();
  private static final ThreadLocal<State> STATE = new ThreadLocal<>(); // null until first select

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
    EventLoop.nanos(timeout); // rejects a negative timeout before anything is registered
    State state = STATE.get();
    if (state == null) {
      state = State.open();
      STATE.set(state);
    }
    return state.select(reads, writes, errors, timeout);
  }

  /**
   * Deregisters {@code channel} from the calling thread's selector, so that it can be switched back
   * to blocking mode or selected from another thread. Does nothing for a channel this thread never
   * selected.
   */
  public static void forget(SelectableChannel channel) throws IOException {
    State state = STATE.get();
    if (state == null) {
      return; // this thread has no selector, so the channel is not registered with it
    }
    EventLoop loop = state.loop;
    EventLoop.Registration registration = loop.registration(channel);
    if (registration != null) {
      loop.unregister(registration);
    }
  }

  /**
   * Closes the calling thread's selector now instead of when the thread ends, if it has one; does
   * not open one. Channels it held stay open but are deregistered. The next {@link #select} call on
   * this thread opens a new selector. Same as {@link #closeSelectorIfOpen()}.
   *
   * @throws IOException never in practice; kept for compatibility (a failing close is ignored)
   */
  public static void closeSelector() throws IOException {
    closeSelectorIfOpen();
  }

  /**
   * Closes the calling thread's selector if it has one, and never opens one: for a thread that may
   * have called {@link #select} and is about to end or go back to a pool, so that its selector's
   * descriptors are released now rather than when the garbage collector finds the thread gone.
   * Channels it held stay open but are deregistered; the next {@link #select} call on this thread
   * opens a new selector. A failure to close the selector is ignored (there is nothing the caller
   * could do). Python has no counterpart: its {@code select.select} keeps no state between calls.
   *
   * @return whether the thread had a selector
   */
  public static boolean closeSelectorIfOpen() {
    State state = STATE.get();
    if (state == null) {
      return false;
    }
    STATE.remove();
    state.cleanable.clean();
    return true;
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

  /** How long one wait may last before the lists are checked for channels closed meanwhile. */
  private static final long RECHECK_NANOS = 1_000_000_000L;

  /** A pass this full may have left ready channels out (see State.select). */
  private static final int FULL_PASS = 256;

  /** What one registered channel wants and got; the data of its registration. */
  private static final class Entry {
    long generation; // the call in which wanted was last reset
    int wanted; // IN_* bits for the current call
    long readyGeneration; // the call in which readyEvents was filled in
    int readyEvents; // EventLoop.READ / WRITE
    boolean failed; // closed, cancelled, or its connect failed
    long reportedGeneration; // the call in which reported was last reset
    int reported; // IN_* bits: the result lists this channel was put in
    long watchedGeneration; // the call that put it in State.watchingNext

    boolean isReported(int bit, long gen) {
      return reportedGeneration == gen && (reported & bit) != 0;
    }
  }

  /** One thread's event loop and call counter. Touched only by its thread. */
  private static final class State implements EventLoop.Action {
    final EventLoop loop;
    final Cleaner.Cleanable cleanable;
    long generation;
    private int fresh; // channels first seen ready in this call, during the current pass
    private int passed; // channels the current pass reported

    /** Registrations watching something after the previous call, and the ones of this call. */
    private ArrayList<EventLoop.Registration> watching = new ArrayList<>();

    private ArrayList<EventLoop.Registration> watchingNext = new ArrayList<>();

    /** Entries of unusable channels that have no valid registration, valid for one call only. */
    private final IdentityHashMap<SelectableChannel, Entry> failedEntries = new IdentityHashMap<>();

    private State(EventLoop loop) {
      this.loop = loop;
      this.cleanable = CLEANER.register(this, new CloseLoop(loop));
    }

    static State open() {
      try {
        return new State(EventLoop.open());
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
      stopWatchingForgotten(gen);

      // A channel that is already unusable is an answer by itself: poll instead of blocking.
      long wait = anyFailed ? 0 : EventLoop.nanos(timeout);
      long deadline = System.nanoTime() + Math.max(0, wait);
      while (true) {
        long remaining = wait < 0 ? Long.MAX_VALUE : Math.max(0, deadline - System.nanoTime());
        // Closing a channel in another thread does not wake a selector (nor Linux select(2)):
        // waiting in slices lets such a channel be reported within RECHECK.
        long slice = Math.min(remaining, RECHECK_NANOS);
        do {
          fresh = 0;
          passed = loop.selectNanos(slice, this);
          slice = 0;
          // One wait reports at most FULL_PASS channels (the JDK's epoll selector takes 1,024
          // events per epoll_wait); poll again while that yields channels not seen yet, so that
          // every ready channel is reported, as Python's select does.
        } while (passed >= FULL_PASS && fresh > 0);
        Ready<C> ready = results(reads, writes, errors, gen);
        if (!ready.isEmpty() || (wait >= 0 && deadline - System.nanoTime() <= 0)) {
          return ready;
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new InterruptedIOException("select interrupted");
        }
        // Woken with nothing to report (a connect still pending, a spurious wakeup, the end of a
        // slice): wait again, as CPython does after EINTR (PEP 475), with what is left.
      }
    }

    /** Called by the loop for each ready channel: remembers what it got for this call. */
    @Override
    public void ready(EventLoop.Registration registration, int events) {
      Entry entry = (Entry) registration.data();
      if (registration.connectFailure() != null) {
        entry.failed = true;
        return;
      }
      if (entry.readyGeneration != generation) {
        fresh++;
      }
      entry.readyEvents = events;
      entry.readyGeneration = generation;
      // A connect that just completed turns OP_CONNECT into OP_WRITE; keep only what is wanted.
      loop.modify(registration, eventsFor(registration.channel(), entry.wanted));
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
      EventLoop.Registration registration = loop.registration(channel);
      if (registration != null && registration.isValid()) {
        return (Entry) registration.data();
      }
      if (registration != null || !channel.isOpen()) {
        // Closed or cancelled since the last call: remember it as failed. The stale registration
        // is not reused; a fresh Entry answers for it during this call only.
        Entry entry = new Entry();
        entry.failed = true;
        return failedEntries.computeIfAbsent(channel, c -> entry);
      }
      Entry entry = new Entry();
      loop.register(channel, 0, entry);
      return entry;
    }

    private void updateInterest(Collection<? extends SelectableChannel> list, long gen) {
      for (SelectableChannel channel : list) {
        EventLoop.Registration registration = loop.registration(channel);
        if (registration == null || !registration.isValid()) {
          continue;
        }
        Entry entry = (Entry) registration.data();
        int events = eventsFor(channel, entry.wanted);
        if (registration.events() != events) {
          loop.modify(registration, events);
        }
        if (events != 0 && entry.watchedGeneration != gen) {
          entry.watchedGeneration = gen; // in watchingNext once, however many lists hold it
          watchingNext.add(registration);
        }
      }
    }

    /**
     * Channels watched in the previous call but in none of this call's lists keep their
     * registration (passing them again later is cheap) with nothing watched, so that a readable
     * channel the caller no longer asks about cannot wake every call. Costs O(previous lists).
     */
    private void stopWatchingForgotten(long gen) {
      for (EventLoop.Registration registration : watching) {
        if (registration.isValid() && ((Entry) registration.data()).generation != gen) {
          loop.modify(registration, 0);
        }
      }
      watching.clear();
      ArrayList<EventLoop.Registration> swap = watching;
      watching = watchingNext;
      watchingNext = swap;
    }

    /** The loop's events for what a channel is wanted for in this call. */
    private static int eventsFor(SelectableChannel channel, int wanted) {
      int events = 0;
      if ((wanted & IN_READS) != 0) {
        events |= EventLoop.READ;
      }
      boolean connecting = channel instanceof SocketChannel socket && socket.isConnectionPending();
      if ((wanted & IN_WRITES) != 0 || (connecting && (wanted & IN_ERRORS) != 0)) {
        events |= EventLoop.WRITE; // for a pending connect: OP_CONNECT, to see it fail
      }
      return events;
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
                || (entry.readyGeneration == gen && (entry.readyEvents & EventLoop.READ) != 0);
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
                || (entry.readyGeneration == gen && (entry.readyEvents & EventLoop.WRITE) != 0);
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
      EventLoop.Registration registration = loop.registration(channel);
      if (registration == null) {
        if (channel.isOpen()) {
          return null;
        }
        // Closed during this call and already deregistered by the selector.
        Entry entry = new Entry();
        entry.failed = true;
        failedEntries.put(channel, entry);
        return entry;
      }
      Entry entry = (Entry) registration.data();
      if (!registration.isValid() || !channel.isOpen()) {
        entry.failed = true;
      }
      return entry;
    }
  }

  /** The Cleaner's action: must not refer to the State it cleans up after. */
  private static final class CloseLoop implements Runnable {
    private final EventLoop loop;

    CloseLoop(EventLoop loop) {
      this.loop = loop;
    }

    @Override
    public void run() {
      try {
        loop.close();
      } catch (IOException ignored) {
        // Nothing to report to: the thread that owned this selector is gone.
      }
    }
  }
}
