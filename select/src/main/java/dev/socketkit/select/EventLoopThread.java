package dev.socketkit.select;

import java.io.Closeable;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/*
 * Design notes.
 *
 * The loop that servers used to hand-roll around an EventLoop: one thread owns the selector core,
 * a task queue and timers, as Netty's NioEventLoop and Jetty's ManagedSelector do. One pass is:
 * the before-select hook, one select (blocking until the next timer, or not at all when tasks
 * wait), the handlers of the ready channels, the due timers, then the queued tasks.
 *
 * Waking the selector costs a system call (a write to the selector's wake-up pipe), so execute()
 * wakes it only when the loop is about to block or blocked: the loop sets `selecting` before it
 * looks at the queue one last time and blocks; a producer that queues a task and then finds
 * `selecting` set (and clears it, so that a burst of producers wakes the loop once) calls
 * wakeup(). A task queued before the loop's last look is seen by that look; one queued after it
 * sees `selecting` set. The queue is a ConcurrentLinkedQueue (lock-free).
 *
 * Timers are a PriorityQueue touched only by the loop's thread; schedule() from another thread
 * queues the insertion as a task. cancel() only marks a timer (any thread may call it); the loop
 * drops marked timers when they reach the head, and purges the queue when most of it is cancelled,
 * so that timeouts re-armed on every message do not pile up.
 *
 * Nothing on the hot path allocates: the dispatch action is one field, the handler is the
 * registration's data, and an idle pass with no timers and no tasks touches no collection.
 */

/**
 * An event loop that owns its thread, selector, task queue and timers: the one loop under
 * socketkit's single-threaded servers and the load generator (Netty's {@code NioEventLoop}, Jetty's
 * {@code ManagedSelector}).
 *
 * <pre>{@code
 * EventLoopThread loop = EventLoopThread.open();
 * loop.execute(() -> loop.register(server, EventLoop.READ, (registration, events) -> accept()));
 * loop.start("acceptor", true);   // or loop.run() to serve on this thread until shutdown()
 * ...
 * loop.shutdown();                // from any thread; waits until the loop has ended
 * }</pre>
 *
 * <h2>Threads</h2>
 *
 * The loop's thread is the one in {@link #run()}, or the one {@link #start} made. It alone runs
 * handlers, tasks and timers, and it alone may call {@link #register}, {@link #modify}, {@link
 * #unregister} and {@link #beforeSelect}; before the loop runs, the thread that sets it up may call
 * them too. Any thread may call {@link #execute}, {@link #schedule}, {@link #inEventLoop}, {@link
 * #shutdown} and {@link #close}; other threads reach the channels through {@link #execute}.
 *
 * <h2>Failures</h2>
 *
 * A {@link Throwable} thrown by a handler, a task or a timer is logged with its stack trace through
 * {@link System.Logger} (an {@link IOException} from a handler at {@code DEBUG}: one connection
 * failed; anything else at {@code WARNING}), and the loop goes on with the next one. The channel
 * whose handler threw is closed: its state is unknown, and a level-triggered selector would report
 * it again at once.
 *
 * <h2>Lifecycle</h2>
 *
 * A loop runs once: {@link #run()} or {@link #start}, then {@link #shutdown()}. Tasks queued before
 * the loop ends run before it ends, on its thread; timers not yet due are dropped. The loop then
 * closes its selector, which deregisters the channels but does not close them: their owners close
 * them. A loop shut down before it ran never runs, and its queued tasks are dropped.
 */
public final class EventLoopThread implements Closeable {
  private static final System.Logger LOG = System.getLogger(EventLoopThread.class.getName());

  /**
   * The most tasks one pass runs; the rest wait for the next pass, which then polls instead of
   * blocking. Bounds how long a flood of tasks (or a task that re-queues itself) delays I/O.
   */
  static final int TASKS_PER_PASS = 1024;

  /**
   * Cancelled timers tolerated in the queue before a purge; below it dropping them lazily is
   * cheaper.
   */
  private static final int PURGE_THRESHOLD = 256;

  private static final int NEW = 0;
  private static final int RUNNING = 1;
  private static final int SHUTTING_DOWN = 2;
  private static final int TERMINATED = 3;

  /**
   * What the loop runs when a registered channel is ready; the channel's {@code data} in {@link
   * EventLoop.Registration}.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * Handles one ready channel, on the loop's thread. A throw closes the channel (see the class
     * comment).
     *
     * @param registration the channel's registration
     * @param events {@link EventLoop#READ}, {@link EventLoop#WRITE} or both; never 0
     * @throws IOException if the channel failed; the loop closes it
     */
    void ready(EventLoop.Registration registration, int events) throws IOException;
  }

  /**
   * A task scheduled with {@link #schedule}: a handle to cancel it. Any thread may call its
   * methods.
   */
  public static final class Timer implements Comparable<Timer> {
    private static final int PENDING = 0;
    private static final int FIRED = 1;
    private static final int CANCELLED = 2;

    private final EventLoopThread loop;
    private final long deadline; // System.nanoTime()
    private final long sequence; // orders timers with the same deadline by scheduling
    private final Runnable task;
    private final AtomicInteger state = new AtomicInteger(PENDING);

    private Timer(EventLoopThread loop, long deadline, long sequence, Runnable task) {
      this.loop = loop;
      this.deadline = deadline;
      this.sequence = sequence;
      this.task = task;
    }

    /**
     * Stops the task from running, if it has not started yet.
     *
     * @return true if this call cancelled it; false if it already ran, is running, or was cancelled
     *     before
     */
    public boolean cancel() {
      if (!state.compareAndSet(PENDING, CANCELLED)) {
        return false;
      }
      loop.cancelledTimers.incrementAndGet();
      return true;
    }

    /** Whether {@link #cancel()} stopped the task. */
    public boolean isCancelled() {
      return state.get() == CANCELLED;
    }

    @Override
    public int compareTo(Timer other) {
      int byDeadline = Long.compare(deadline - other.deadline, 0); // nanoTime may wrap
      return byDeadline != 0 ? byDeadline : Long.compare(sequence, other.sequence);
    }

    // compareTo is consistent with identity: no two timers share a sequence number.
    @Override
    public boolean equals(Object other) {
      return this == other;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  private final EventLoop loop;
  private final EventLoop.Action dispatch = this::dispatch;
  private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Timer> timers = new PriorityQueue<>(); // loop thread only
  private final AtomicInteger cancelledTimers = new AtomicInteger();
  private final AtomicBoolean selecting = new AtomicBoolean();
  private final AtomicInteger state = new AtomicInteger(NEW);
  private final CountDownLatch terminated = new CountDownLatch(1);
  private final AtomicLong timerSequence = new AtomicLong();
  private boolean ownThread; // set by start(): shutdown() joins the thread it made
  private volatile Thread thread;
  private Runnable beforeSelect;

  private EventLoopThread(EventLoop loop) {
    this.loop = loop;
  }

  /**
   * Opens a loop with a new selector; it runs once {@link #run()} or {@link #start} is called.
   *
   * @throws IOException if the selector cannot be opened
   */
  public static EventLoopThread open() throws IOException {
    return new EventLoopThread(EventLoop.open());
  }

  /**
   * Runs the loop on a new thread and returns at once.
   *
   * @param threadName the thread's name
   * @param daemon whether the thread is a daemon (does not keep the JVM alive)
   * @throws IllegalStateException if the loop already runs, ran or was shut down
   */
  public void start(String threadName, boolean daemon) {
    Objects.requireNonNull(threadName, "threadName");
    Thread started = new Thread(this::runLoop, threadName);
    started.setDaemon(daemon);
    claim(started, true);
    started.start();
  }

  /**
   * Runs the loop on the calling thread until {@link #shutdown()}; returns when the loop has ended
   * and its selector is closed.
   *
   * @throws IllegalStateException if the loop already runs, ran or was shut down
   */
  public void run() {
    claim(Thread.currentThread(), false);
    runLoop();
  }

  private void claim(Thread owner, boolean own) {
    if (!state.compareAndSet(NEW, RUNNING)) {
      throw new IllegalStateException(
          state.get() == RUNNING ? "the loop is already running" : "the loop has ended");
    }
    ownThread = own;
    thread = owner; // volatile: publishes ownThread too
  }

  /** Whether the calling thread is the loop's thread. */
  public boolean inEventLoop() {
    return Thread.currentThread() == thread;
  }

  /**
   * Runs {@code task} on the loop's thread, after the tasks queued before it. Any thread may call
   * it; it wakes the selector only when the loop is blocked in it (or about to be).
   *
   * @throws RejectedExecutionException if the loop has ended
   */
  public void execute(Runnable task) {
    Objects.requireNonNull(task, "task");
    tasks.offer(task);
    if (state.get() == TERMINATED && tasks.remove(task)) {
      throw new RejectedExecutionException("the event loop has ended");
    }
    if (selecting.get() && !inEventLoop() && selecting.compareAndSet(true, false)) {
      loop.wakeup();
    }
  }

  /**
   * Runs {@code task} on the loop's thread once {@code delay} has passed (not before; later when
   * the loop is busy). Any thread may call it.
   *
   * @param delay how long to wait; zero or negative runs the task at the next pass
   * @return a handle to cancel the task
   * @throws RejectedExecutionException if the loop has ended
   */
  public Timer schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(task, "task");
    long nanos;
    try {
      nanos = delay.toNanos();
    } catch (ArithmeticException tooLong) {
      nanos = Long.MAX_VALUE / 2; // about 146 years: never, in practice
    }
    long deadline = System.nanoTime() + Math.min(nanos, Long.MAX_VALUE / 2);
    Timer timer = new Timer(this, deadline, timerSequence.getAndIncrement(), task);
    if (inEventLoop()) {
      timers.add(timer);
    } else {
      execute(() -> timers.add(timer)); // the timer queue is the loop thread's alone
    }
    return timer;
  }

  /**
   * Sets what the loop runs at the start of every pass, before it selects: work that must see
   * everything the previous pass did (flushing what the handlers queued, say). Loop thread, or
   * before the loop runs.
   *
   * @param hook the work, or null for none
   */
  public void beforeSelect(Runnable hook) {
    checkOwner();
    beforeSelect = hook;
  }

  /**
   * Registers {@code channel} for {@code events} with {@code handler}, switching it to non-blocking
   * mode. The handler is the registration's {@link EventLoop.Registration#data()}; replacing it
   * with {@link EventLoop.Registration#attach} is allowed only with another handler. Loop thread,
   * or before the loop runs.
   *
   * @param events a combination of {@link EventLoop#READ} and {@link EventLoop#WRITE}
   * @throws IOException if the channel is closed or cannot be made non-blocking
   * @throws IllegalStateException if called from another thread while the loop runs, or if the
   *     channel is already registered
   */
  public EventLoop.Registration register(SelectableChannel channel, int events, Handler handler)
      throws IOException {
    checkOwner();
    Objects.requireNonNull(handler, "handler");
    return loop.register(channel, events, handler);
  }

  /**
   * Changes the events a registration watches; costs nothing when they do not change. Loop thread,
   * or before the loop runs.
   */
  public void modify(EventLoop.Registration registration, int events) {
    checkOwner();
    loop.modify(registration, events);
  }

  /**
   * Stops watching a channel without closing it. Loop thread, or before the loop runs. (Closing the
   * channel unregisters it too.)
   */
  public void unregister(EventLoop.Registration registration) throws IOException {
    checkOwner();
    loop.unregister(registration);
  }

  /**
   * Ends the loop and waits until it has ended; any thread may call it, any number of times. From
   * the loop's own thread it returns at once and the loop ends after the current pass. If the
   * waiting thread is interrupted, it stops waiting and keeps its interrupt status.
   */
  public void shutdown() {
    if (state.compareAndSet(NEW, TERMINATED)) {
      closeSelector();
      terminated.countDown();
      return;
    }
    state.compareAndSet(RUNNING, SHUTTING_DOWN);
    if (inEventLoop()) {
      return;
    }
    loop.wakeup();
    try {
      terminated.await();
      Thread owner = thread;
      if (ownThread && owner != null) {
        owner.join(); // after the latch: the thread only has to return from run
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@link #shutdown()}. */
  @Override
  public void close() {
    shutdown();
  }

  /** Whether the loop has ended (or was shut down before it ran). */
  public boolean isTerminated() {
    return state.get() == TERMINATED;
  }

  /** Timers in the queue, cancelled ones not yet dropped included; loop thread, for tests. */
  int pendingTimers() {
    return timers.size();
  }

  private void runLoop() {
    try {
      while (state.get() == RUNNING) {
        runPass();
      }
    } finally {
      state.set(TERMINATED);
      runTasks(Integer.MAX_VALUE); // tasks queued before the end, and any raced in since
      timers.clear();
      closeSelector();
      terminated.countDown();
    }
  }

  /** One pass: hook, select, handlers, due timers, tasks. */
  private void runPass() {
    Runnable hook = beforeSelect;
    if (hook != null) {
      runSafely(hook, "a before-select hook");
    }
    long timeout = nextTimerNanos();
    if (timeout != 0) {
      selecting.set(true);
      if (!tasks.isEmpty() || state.get() != RUNNING) {
        timeout = 0;
      }
    }
    try {
      loop.selectNanos(timeout, dispatch);
    } catch (IOException | RuntimeException e) {
      LOG.log(Level.WARNING, "the event loop's select failed; going on", e);
    } finally {
      selecting.set(false);
    }
    runTimers();
    runTasks(TASKS_PER_PASS);
  }

  /** Nanoseconds until the first live timer is due: -1 if none, 0 if due or tasks wait. */
  private long nextTimerNanos() {
    if (!tasks.isEmpty()) {
      return 0;
    }
    Timer first;
    while ((first = timers.peek()) != null && first.isCancelled()) {
      timers.poll();
      cancelledTimers.decrementAndGet();
    }
    if (first == null) {
      return -1;
    }
    return Math.max(0, first.deadline - System.nanoTime());
  }

  private void runTimers() {
    if (timers.isEmpty()) {
      return;
    }
    int cancelled = cancelledTimers.get();
    if (cancelled > PURGE_THRESHOLD && cancelled > timers.size() / 2) {
      timers.removeIf(Timer::isCancelled);
      cancelledTimers.addAndGet(-cancelled); // approximately: a racing cancel is counted later
    }
    long now = System.nanoTime();
    Timer first;
    while ((first = timers.peek()) != null && first.deadline - now <= 0) {
      timers.poll();
      if (first.state.compareAndSet(Timer.PENDING, Timer.FIRED)) {
        runSafely(first.task, "a timer");
      } else if (first.isCancelled()) {
        cancelledTimers.decrementAndGet();
      }
    }
  }

  private void runTasks(int max) {
    Runnable task;
    for (int i = 0; i < max && (task = tasks.poll()) != null; i++) {
      runSafely(task, "a task");
    }
  }

  private static void runSafely(Runnable work, String what) {
    try {
      work.run();
    } catch (Throwable t) { // the loop serves every channel: one failure must not end it
      LOG.log(Level.WARNING, what + " on the event loop failed; going on", t);
    }
  }

  private void dispatch(EventLoop.Registration registration, int events) {
    try {
      ((Handler) registration.data()).ready(registration, events);
    } catch (Throwable t) { // the loop serves every channel: one failure must not end it
      SelectableChannel channel = registration.channel();
      LOG.log(
          t instanceof IOException ? Level.DEBUG : Level.WARNING,
          "the handler of " + channel + " failed; closing it",
          t);
      try {
        channel.close();
      } catch (IOException ignored) {
        // The channel already failed; closing it is all that is left to do.
      }
    }
  }

  private void checkOwner() {
    Thread owner = thread;
    if (owner != null && owner != Thread.currentThread() && state.get() != TERMINATED) {
      throw new IllegalStateException(
          "called from " + Thread.currentThread().getName() + "; use execute() to reach the loop");
    }
  }

  private void closeSelector() {
    try {
      loop.close();
    } catch (IOException e) {
      LOG.log(Level.DEBUG, "closing the event loop's selector failed", e);
    }
  }
}
