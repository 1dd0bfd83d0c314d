package dev.socketkit.server.internal;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/*
 * Python's ThreadingMixIn keeps a list of its request threads (_Threads) only to join them in
 * server_close when block_on_close is true, and reaps finished ones on every append. Here each
 * thread removes itself from the live set when it finishes, so the set never holds a finished
 * thread, whatever blockOnClose says.
 */

/**
 * The threads that run requests for a threading server: one new thread per request (virtual or
 * platform), or a fixed pool.
 *
 * <p>{@link #execute} is called by the serving thread; {@link #active()} and {@link #close} from
 * any thread.
 */
public abstract class RequestThreads {
  private static final AtomicLong SERVERS = new AtomicLong();

  /** The name prefix of this server's request threads, e.g. {@code socketkit-server-3-request-}. */
  final String prefix = "socketkit-server-" + SERVERS.incrementAndGet() + "-request-";

  final AtomicLong counter = new AtomicLong();

  RequestThreads() {}

  /** A new thread for each request; virtual threads are always daemon threads. */
  public static RequestThreads perRequest(boolean virtual, boolean daemon) {
    return new PerRequest(virtual, daemon);
  }

  /** A pool of {@code size} platform threads; the serving thread waits for a free one. */
  public static RequestThreads pool(int size, boolean daemon) {
    return new Pool(size, daemon);
  }

  /**
   * Runs {@code task} on a request thread. A pool waits for a free thread, checking {@code giveUp}
   * every {@code pollInterval}.
   *
   * @return false if the task was not started because {@code giveUp} said so or the calling thread
   *     was interrupted (its interrupt status stays set); the caller then closes the request
   */
  public abstract boolean execute(Runnable task, BooleanSupplier giveUp, Duration pollInterval);

  /** How many request threads are running a request now. */
  public abstract int active();

  /**
   * Stops taking requests; with {@code block}, waits until every running request has finished
   * (never for the calling thread itself). Restores the interrupt status if interrupted while
   * waiting, and returns.
   */
  public abstract void close(boolean block);

  private static final class PerRequest extends RequestThreads {
    private final boolean virtual;
    private final boolean daemon;
    private final Set<Thread> live = ConcurrentHashMap.newKeySet();

    PerRequest(boolean virtual, boolean daemon) {
      this.virtual = virtual;
      this.daemon = daemon;
    }

    @Override
    public boolean execute(Runnable task, BooleanSupplier giveUp, Duration pollInterval) {
      Runnable removingItself =
          () -> {
            try {
              task.run();
            } finally {
              live.remove(Thread.currentThread());
            }
          };
      String name = prefix + counter.incrementAndGet();
      Thread thread;
      if (virtual) {
        thread = VirtualThreads.newThread(removingItself, name);
      } else {
        thread = new Thread(removingItself, name);
        thread.setDaemon(daemon);
      }
      live.add(thread); // before start, so that the thread's own remove always comes after
      try {
        thread.start();
      } catch (RuntimeException | Error e) {
        live.remove(thread);
        throw e;
      }
      return true;
    }

    @Override
    public int active() {
      return live.size();
    }

    @Override
    public void close(boolean block) {
      if (!block) {
        return;
      }
      Thread me = Thread.currentThread();
      try {
        for (Thread thread : Set.copyOf(live)) {
          if (thread != me) {
            thread.join();
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static final class Pool extends RequestThreads {
    private final ThreadPoolExecutor executor;
    private final Semaphore free;
    private final AtomicInteger running = new AtomicInteger();

    Pool(int size, boolean daemon) {
      this.free = new Semaphore(size);
      this.executor =
          new ThreadPoolExecutor(
              size,
              size,
              0,
              TimeUnit.MILLISECONDS,
              new LinkedBlockingQueue<>(),
              task -> {
                Thread thread = new Thread(task, prefix + counter.incrementAndGet());
                thread.setDaemon(daemon);
                return thread;
              });
    }

    @Override
    public boolean execute(Runnable task, BooleanSupplier giveUp, Duration pollInterval) {
      // Waiting here, before the next accept, leaves further clients in the kernel's listen
      // backlog (or a datagram socket's receive buffer) instead of in an unbounded Java queue.
      try {
        while (!free.tryAcquire(pollInterval.toNanos(), TimeUnit.NANOSECONDS)) {
          if (giveUp.getAsBoolean()) {
            return false;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      try {
        executor.execute(
            () -> {
              running.incrementAndGet();
              try {
                task.run();
              } finally {
                running.decrementAndGet();
                free.release();
              }
            });
      } catch (RuntimeException e) {
        free.release();
        throw e;
      }
      return true;
    }

    @Override
    public int active() {
      return running.get();
    }

    @Override
    public void close(boolean block) {
      executor.shutdown();
      if (!block) {
        return;
      }
      try {
        while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
          // Keep waiting: blockOnClose means every request finishes before close returns.
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
