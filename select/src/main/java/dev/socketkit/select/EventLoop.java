package dev.socketkit.select;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;

/*
 * Design notes.
 *
 * This is the one event-loop core of socketkit. Select.select keeps one EventLoop per calling
 * thread and drives it with lists; servers that want the least work per event drive it directly,
 * as Python code drives selectors.DefaultSelector: register once, modify when what a channel waits
 * for changes, unregister (or close) when done.
 *
 * The hot path allocates nothing: a Registration is made once per channel and is the key's
 * attachment; select() uses Selector.select(Consumer, timeout) (JDK 11+), which walks the ready
 * keys without building the selected-key set or an iterator, and the consumer is one field made
 * in the constructor. modify() costs one epoll_ctl only when the interest really changes.
 *
 * A pending non-blocking connect is finished here (finishConnect) when its OP_CONNECT fires, so
 * callers only ever see READ and WRITE, as in Python, and a channel reported writable is
 * connected or has failed (Registration.connectFailure()).
 */

/**
 * A registration-based selector and event loop: Python's {@code selectors.DefaultSelector} for Java
 * NIO channels.
 *
 * <pre>{@code
 * try (EventLoop loop = EventLoop.open()) {
 *   loop.register(server, EventLoop.READ, null);               // sel.register(sock, EVENT_READ)
 *   while (running) {
 *     loop.select(null, (registration, events) -> { ... });     // for key, mask in sel.select():
 *   }
 * }
 * }</pre>
 *
 * <h2>Events</h2>
 *
 * {@link #READ} on a {@link ServerSocketChannel} means a client waits to be accepted; on any other
 * channel that a read would not block (data, end of stream, or a reset that the read will throw).
 * {@link #WRITE} means that a write would not block; on a {@link SocketChannel} whose non-blocking
 * connect is pending it means the connect completed: the loop calls {@link
 * SocketChannel#finishConnect()} itself, and if the connect failed the channel is closed and {@link
 * Registration#connectFailure()} says why.
 *
 * <h2>Cost</h2>
 *
 * {@link #select} costs one {@code epoll_wait} plus O(1) per ready channel, and allocates nothing.
 * {@link #register} costs one {@code epoll_ctl} and one small object; {@link #modify} one {@code
 * epoll_ctl} when the interest changes and nothing otherwise.
 *
 * <h2>Threads and lifecycle</h2>
 *
 * One thread, the loop's owner, calls every method except {@link #wakeup()}, which any thread may
 * call. Registered channels are switched to non-blocking mode. Closing a channel unregisters it (at
 * the next {@code select}); {@link #close()} closes the loop's selector, not the channels.
 */
public final class EventLoop implements Closeable {
  /** Python's {@code selectors.EVENT_READ}: readable, or acceptable for a listening channel. */
  public static final int READ = 1;

  /** Python's {@code selectors.EVENT_WRITE}: writable, or connected for a connecting channel. */
  public static final int WRITE = 2;

  private final Selector selector;
  private final Consumer<SelectionKey> dispatch = this::dispatch;
  private Action action; // the current select() call's action; null between calls
  private int dispatched;

  private EventLoop(Selector selector) {
    this.selector = selector;
  }

  /**
   * Opens a loop with a new {@link Selector}. The caller closes it.
   *
   * @throws IOException if the selector cannot be opened (for example, no file descriptors left)
   */
  public static EventLoop open() throws IOException {
    return new EventLoop(Selector.open());
  }

  /**
   * What a {@link #select} call does for each ready channel: the body of Python's {@code for key,
   * mask in sel.select():} loop. Runs on the loop's thread; may register, modify, unregister and
   * close channels, including ones not yet dispatched in this call (they are then skipped).
   */
  @FunctionalInterface
  public interface Action {
    /**
     * Handles one ready channel.
     *
     * @param registration the channel's registration
     * @param events {@link #READ}, {@link #WRITE} or both; never 0
     */
    void ready(Registration registration, int events);
  }

  /**
   * One channel's registration: Python's {@code SelectorKey}. Made by {@link #register}, valid
   * until the channel is closed or unregistered. Touched only by the loop's thread.
   */
  public static final class Registration {
    private final SelectionKey key;
    private int events;
    private Object data;
    private IOException connectFailure;

    private Registration(SelectionKey key, int events, Object data) {
      this.key = key;
      this.events = events;
      this.data = data;
    }

    /** The registered channel ({@code key.fileobj}). */
    public SelectableChannel channel() {
      return key.channel();
    }

    /**
     * The events watched ({@code key.events}): a combination of {@link #READ} and {@link #WRITE}.
     */
    public int events() {
      return events;
    }

    /** The caller's object given to {@link #register} or {@link #attach} ({@code key.data}). */
    public Object data() {
      return data;
    }

    /** Replaces the caller's object. */
    public void attach(Object data) {
      this.data = data;
    }

    /** Whether the registration still holds: the channel is open and was not unregistered. */
    public boolean isValid() {
      return key.isValid();
    }

    /** Why the channel's non-blocking connect failed (the channel is closed then), or null. */
    public IOException connectFailure() {
      return connectFailure;
    }
  }

  /**
   * Registers {@code channel} for {@code events}, switching it to non-blocking mode: Python's
   * {@code sel.register(fileobj, events, data)}.
   *
   * @param events a combination of {@link #READ} and {@link #WRITE}; 0 registers the channel
   *     without watching anything yet
   * @param data any object the caller wants back with each event; may be null
   * @throws IllegalArgumentException if {@code events} has other bits
   * @throws IllegalStateException if the channel is already registered with this loop, or was
   *     unregistered by an action of the select call that is running
   * @throws java.nio.channels.ClosedChannelException if the channel is closed
   * @throws IOException if the channel cannot be switched to non-blocking mode
   */
  public Registration register(SelectableChannel channel, int events, Object data)
      throws IOException {
    checkEvents(events);
    SelectionKey existing = channel.keyFor(selector);
    if (existing != null) {
      if (existing.isValid()) {
        throw new IllegalStateException(channel + " is already registered");
      }
      if (action != null) {
        // Flushing the cancelled key takes a select, which must not run inside one.
        throw new IllegalStateException(
            channel + " was unregistered during this select; register it again after it returns");
      }
      selector.selectNow(EventLoop::ignore); // flushes the cancelled key before registering again
    }
    if (channel.isBlocking()) {
      channel.configureBlocking(false);
    }
    SelectionKey key = channel.register(selector, 0);
    Registration registration = new Registration(key, 0, data);
    key.attach(registration);
    modify(registration, events);
    return registration;
  }

  /**
   * Changes the events a registration watches: Python's {@code sel.modify(fileobj, events)}. Costs
   * nothing when the resulting interest is unchanged. Does nothing when the registration is no
   * longer valid (its channel was closed).
   *
   * @throws IllegalArgumentException if {@code events} has other bits
   */
  public void modify(Registration registration, int events) {
    checkEvents(events);
    registration.events = events;
    SelectionKey key = registration.key;
    try {
      int ops = interestOps(key.channel(), events);
      if (key.interestOps() != ops) {
        key.interestOps(ops);
      }
    } catch (CancelledKeyException ignored) {
      // Closed (perhaps by another thread) since the caller looked: nothing to watch any more.
    }
  }

  /**
   * Stops watching the channel now, so that it can be put back in blocking mode or registered
   * elsewhere: Python's {@code sel.unregister(fileobj)}. Called from an {@link Action}, the channel
   * stops being reported at once and is fully deregistered by the next select (until then it cannot
   * be put back in blocking mode). Does not close the channel.
   */
  public void unregister(Registration registration) throws IOException {
    registration.key.cancel();
    if (action == null) {
      // Completes the deregistration now, as configureBlocking requires. Inside an action (a
      // select is running) the next select completes it.
      selector.selectNow(EventLoop::ignore);
    }
  }

  /** The registration of {@code channel} with this loop, or null: Python's {@code sel.get_key}. */
  public Registration registration(SelectableChannel channel) {
    SelectionKey key = channel.keyFor(selector);
    return key == null ? null : (Registration) key.attachment();
  }

  /**
   * Waits for registered channels to become ready and runs {@code action} for each: Python's {@code
   * sel.select(timeout)}.
   *
   * <p>Returns after one wait: when channels were ready, when the timeout passed, when {@link
   * #wakeup()} was called, or when the thread was interrupted (its interrupt status stays set). It
   * may return 0 before the timeout; callers loop.
   *
   * @param timeout {@code null} to block, {@link Duration#ZERO} to poll, a positive duration to
   *     wait at most that long
   * @return how many channels {@code action} ran for
   * @throws IllegalArgumentException if {@code timeout} is negative
   * @throws IOException if the selector fails
   */
  public int select(Duration timeout, Action action) throws IOException {
    return selectNanos(nanos(timeout), action);
  }

  /** {@link #select} with a timeout in nanoseconds: negative blocks, 0 polls. */
  int selectNanos(long timeoutNanos, Action action) throws IOException {
    Objects.requireNonNull(action, "action");
    this.action = action;
    this.dispatched = 0;
    try {
      if (timeoutNanos < 0) {
        selector.select(dispatch);
      } else if (timeoutNanos == 0) {
        selector.selectNow(dispatch);
      } else {
        // Round up: a positive timeout must never become 0, which would mean "block".
        long millis =
            Math.max(1, timeoutNanos / 1_000_000 + (timeoutNanos % 1_000_000 == 0 ? 0 : 1));
        selector.select(dispatch, millis);
      }
    } finally {
      this.action = null;
    }
    return dispatched;
  }

  /**
   * Makes the current or next {@link #select} call return at once. Any thread may call it; this is
   * how another thread asks the loop's thread to look at something (stop, new work).
   */
  public void wakeup() {
    selector.wakeup();
  }

  /** Whether the loop's selector is open. */
  public boolean isOpen() {
    return selector.isOpen();
  }

  /** Closes the selector; registered channels stay open and are unregistered. */
  @Override
  public void close() throws IOException {
    selector.close();
  }

  /** Nanoseconds of a {@code select} timeout: -1 for null (block); saturates for huge values. */
  static long nanos(Duration timeout) {
    if (timeout == null) {
      return -1;
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException(
          "timeout: " + timeout + " (expected: >= 0, or null to block)");
    }
    try {
      return timeout.toNanos();
    } catch (ArithmeticException tooLong) {
      return Long.MAX_VALUE; // longer than 292 years: as good as blocking, but still a timeout
    }
  }

  private void dispatch(SelectionKey key) {
    if (!key.isValid()) {
      return; // closed by an earlier action of this same call
    }
    Registration registration = (Registration) key.attachment();
    int ready = key.readyOps();
    if ((ready & SelectionKey.OP_CONNECT) != 0) {
      ready &= ~SelectionKey.OP_CONNECT;
      SocketChannel channel = (SocketChannel) key.channel();
      try {
        if (channel.finishConnect()) {
          ready |= SelectionKey.OP_WRITE;
          key.interestOps(interestOps(channel, registration.events)); // OP_CONNECT -> OP_WRITE
        }
      } catch (IOException e) {
        registration.connectFailure = e; // NIO has closed the channel; report it writable
        ready |= SelectionKey.OP_WRITE;
      }
    }
    int events =
        ((ready & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0 ? READ : 0)
            | ((ready & SelectionKey.OP_WRITE) != 0 ? WRITE : 0);
    if (events != 0) {
      dispatched++;
      action.ready(registration, events);
    }
  }

  /** The NIO interest set for Python-style {@code events} on {@code channel}. */
  static int interestOps(SelectableChannel channel, int events) {
    int ops = 0;
    if ((events & READ) != 0) {
      ops |= channel instanceof ServerSocketChannel ? SelectionKey.OP_ACCEPT : SelectionKey.OP_READ;
    }
    if ((events & WRITE) != 0) {
      boolean connecting = channel instanceof SocketChannel socket && socket.isConnectionPending();
      ops |= connecting ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE;
    }
    return ops & channel.validOps();
  }

  private static void ignore(SelectionKey key) {
    // Flushing cancelled keys only: readiness is level-triggered and shows again next time.
  }

  private static void checkEvents(int events) {
    if ((events & ~(READ | WRITE)) != 0) {
      throw new IllegalArgumentException(
          "events: " + events + " (expected: a combination of READ = 1 and WRITE = 2)");
    }
  }
}
