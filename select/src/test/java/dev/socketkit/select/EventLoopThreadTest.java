package dev.socketkit.select;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.testkit.Await;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class EventLoopThreadTest {
  private static final Duration WAIT = Duration.ofSeconds(10);

  private static ServerSocketChannel listen() throws IOException {
    ServerSocketChannel server = ServerSocketChannel.open();
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    return server;
  }

  /** Runs {@code task} on the loop and waits for it; fails the test if it throws. */
  private static <T> T onLoop(EventLoopThread loop, java.util.concurrent.Callable<T> task)
      throws Exception {
    CompletableFuture<T> result = new CompletableFuture<>();
    loop.execute(
        () -> {
          try {
            result.complete(task.call());
          } catch (Throwable t) {
            result.completeExceptionally(t);
          }
        });
    return result.get(10, TimeUnit.SECONDS);
  }

  @Test
  void tasksFromAnotherThreadRunOnTheLoopThreadInTheOrderTheyWereQueued() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("loop-under-test", true);
      List<Integer> order = new CopyOnWriteArrayList<>();
      AtomicReference<Thread> ranOn = new AtomicReference<>();
      for (int i = 0; i < 1000; i++) {
        int n = i;
        loop.execute(() -> order.add(n));
      }
      loop.execute(() -> ranOn.set(Thread.currentThread()));
      Await.until(WAIT, () -> ranOn.get() != null, () -> "the last task to run");
      assertThat(order).hasSize(1000).isSorted();
      assertThat(ranOn.get().getName()).isEqualTo("loop-under-test");
      assertThat(onLoop(loop, loop::inEventLoop)).isTrue();
      assertThat(loop.inEventLoop()).isFalse();
    }
  }

  @Test
  void aTaskWakesALoopBlockedInSelectWithNoTimers() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("blocked-loop", true);
      // Let the loop block: a task that schedules nothing, then a second one from here later.
      assertThat(onLoop(loop, () -> "first")).isEqualTo("first");
      Await.until(
          WAIT,
          () -> loopThreadIsSelecting("blocked-loop"),
          () -> "the loop thread to block in select");
      assertThat(onLoop(loop, () -> "second")).isEqualTo("second");
    }
  }

  private static boolean loopThreadIsSelecting(String name) {
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().equals(name)) {
        return thread.getState() == Thread.State.RUNNABLE
            && List.of(thread.getStackTrace()).stream()
                .anyMatch(frame -> frame.getMethodName().equals("selectNanos"));
      }
    }
    return false;
  }

  @Test
  void aHandlerGetsItsChannelsEventsOnTheLoopThread() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open();
        ServerSocketChannel server = listen();
        SocketChannel client = SocketChannel.open(server.getLocalAddress());
        SocketChannel accepted = server.accept()) {
      CompletableFuture<String> received = new CompletableFuture<>();
      ByteBuffer buffer = ByteBuffer.allocate(16);
      loop.register(
          accepted,
          EventLoop.READ,
          (registration, events) -> {
            assertThat(loop.inEventLoop()).isTrue();
            ((SocketChannel) registration.channel()).read(buffer);
            if (buffer.position() == 5) {
              received.complete(new String(buffer.array(), 0, 5, US_ASCII));
            }
          });
      loop.start("handler-loop", true);
      client.write(ByteBuffer.wrap("hello".getBytes(US_ASCII)));
      assertThat(received.get(10, TimeUnit.SECONDS)).isEqualTo("hello");
    }
  }

  @Test
  void registeringFromAnotherThreadWhileTheLoopRunsIsRefused() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open();
        ServerSocketChannel server = listen()) {
      loop.start("owner", true);
      assertThatThrownBy(() -> loop.register(server, EventLoop.READ, (r, e) -> {}))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("execute()");
      assertThat(onLoop(loop, () -> loop.register(server, EventLoop.READ, (r, e) -> {})))
          .isNotNull();
    }
  }

  @Test
  void aTimerRunsAfterItsDelayAndACancelledOneNever() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("timers", true);
      List<String> fired = new CopyOnWriteArrayList<>();
      long start = System.nanoTime();
      AtomicReference<Long> firedAfter = new AtomicReference<>();
      EventLoopThread.Timer cancelled =
          loop.schedule(Duration.ofMillis(100), () -> fired.add("cancelled"));
      loop.schedule(
          Duration.ofMillis(200),
          () -> {
            fired.add("due");
            firedAfter.set(System.nanoTime() - start);
          });
      assertThat(cancelled.cancel()).isTrue();
      assertThat(cancelled.cancel()).isFalse();
      Await.until(WAIT, () -> firedAfter.get() != null, () -> "the timer to fire");
      assertThat(firedAfter.get()).isGreaterThanOrEqualTo(Duration.ofMillis(200).toNanos());
      // The cancelled timer was due first: had it run, it would be in the list by now.
      assertThat(fired).containsExactly("due");
      assertThat(cancelled.isCancelled()).isTrue();
    }
  }

  @Test
  void timersScheduledOnTheLoopRunInDeadlineOrder() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("timer-order", true);
      List<Integer> fired = new CopyOnWriteArrayList<>();
      onLoop(
          loop,
          () -> {
            loop.schedule(Duration.ofMillis(60), () -> fired.add(3));
            loop.schedule(Duration.ofMillis(20), () -> fired.add(1));
            loop.schedule(Duration.ofMillis(20), () -> fired.add(2)); // same deadline: FIFO
            loop.schedule(Duration.ZERO, () -> fired.add(0));
            return null;
          });
      Await.until(WAIT, () -> fired.size() == 4, () -> "four timers to fire");
      assertThat(fired).containsExactly(0, 1, 2, 3);
    }
  }

  @Test
  void manyCancelledTimersArePurgedAndTheLiveOnesStillFire() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("purge", true);
      AtomicInteger fired = new AtomicInteger();
      for (int i = 0; i < 2000; i++) {
        loop.schedule(Duration.ofHours(1), fired::incrementAndGet).cancel();
      }
      loop.schedule(Duration.ofMillis(10), fired::incrementAndGet);
      Await.until(WAIT, () -> fired.get() == 1, () -> "the live timer to fire");
      assertThat(onLoop(loop, () -> loop.pendingTimers())).isLessThan(2000);
    }
  }

  @Test
  void aThrowingTaskOrTimerDoesNotStopTheLoop() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open()) {
      loop.start("throwing", true);
      loop.execute(
          () -> {
            throw new IllegalStateException("test: a task that fails");
          });
      loop.schedule(
          Duration.ZERO,
          () -> {
            throw new AssertionError("test: a timer that fails");
          });
      CountDownLatch afterTimer = new CountDownLatch(1);
      loop.schedule(Duration.ofMillis(1), afterTimer::countDown);
      assertThat(afterTimer.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(onLoop(loop, () -> "still running")).isEqualTo("still running");
    }
  }

  @Test
  void aThrowingHandlerClosesItsChannelAndTheOthersAreStillServed() throws Exception {
    try (EventLoopThread loop = EventLoopThread.open();
        ServerSocketChannel server = listen();
        SocketChannel badClient = SocketChannel.open(server.getLocalAddress());
        SocketChannel bad = server.accept();
        SocketChannel goodClient = SocketChannel.open(server.getLocalAddress());
        SocketChannel good = server.accept()) {
      loop.register(
          bad,
          EventLoop.READ,
          (registration, events) -> {
            throw new IllegalStateException("test: a handler that fails");
          });
      CompletableFuture<Integer> goodRead = new CompletableFuture<>();
      loop.register(
          good,
          EventLoop.READ,
          (registration, events) ->
              goodRead.complete(
                  ((SocketChannel) registration.channel()).read(ByteBuffer.allocate(8))));
      loop.start("handlers", true);
      badClient.write(ByteBuffer.wrap(new byte[] {1}));
      Await.until(WAIT, () -> !bad.isOpen(), () -> "the failing handler's channel to close");
      goodClient.write(ByteBuffer.wrap(new byte[] {2}));
      assertThat(goodRead.get(10, TimeUnit.SECONDS)).isEqualTo(1);
      // The peer of the closed channel sees the end of its stream.
      badClient.configureBlocking(true);
      assertThat(badClient.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    }
  }

  @Test
  void runServesOnTheCallingThreadUntilATaskShutsItDown() throws Exception {
    EventLoopThread loop = EventLoopThread.open();
    AtomicReference<Thread> ranOn = new AtomicReference<>();
    loop.execute(
        () -> {
          ranOn.set(Thread.currentThread());
          loop.shutdown(); // from inside: returns at once, the loop ends after this pass
        });
    loop.run();
    assertThat(ranOn.get()).isSameAs(Thread.currentThread());
    assertThat(loop.isTerminated()).isTrue();
    assertThatThrownBy(() -> loop.execute(() -> {})).isInstanceOf(RejectedExecutionException.class);
    assertThatThrownBy(loop::run).isInstanceOf(IllegalStateException.class);
    loop.shutdown(); // idempotent
  }

  @Test
  void shutdownFromAnotherThreadWaitsForTheLoopAndRunsTheTasksQueuedBefore() throws Exception {
    EventLoopThread loop = EventLoopThread.open();
    CountDownLatch running = new CountDownLatch(1);
    AtomicInteger ran = new AtomicInteger();
    CompletableFuture<Void> served =
        CompletableFuture.runAsync(
            () -> {
              loop.execute(running::countDown);
              loop.run();
            });
    assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
    loop.execute(ran::incrementAndGet);
    loop.shutdown();
    assertThat(loop.isTerminated()).isTrue();
    assertThat(ran.get()).isEqualTo(1);
    served.get(10, TimeUnit.SECONDS);
    loop.close(); // idempotent
  }

  @Test
  void shutdownJoinsTheLoopsOwnThreadAndLeavesTheChannelsOpen() throws Exception {
    try (ServerSocketChannel server = listen()) {
      EventLoopThread loop = EventLoopThread.open();
      loop.register(server, EventLoop.READ, (r, e) -> {});
      loop.start("joined", false);
      Thread thread = onLoop(loop, Thread::currentThread);
      loop.shutdown();
      assertThat(thread.isAlive()).isFalse();
      assertThat(server.isOpen()).isTrue();
      server.configureBlocking(true); // deregistered by the selector's close
    }
  }

  @Test
  void aLoopShutDownBeforeItRanCannotStart() throws Exception {
    EventLoopThread loop = EventLoopThread.open();
    loop.shutdown();
    assertThat(loop.isTerminated()).isTrue();
    assertThatThrownBy(() -> loop.start("late", true)).isInstanceOf(IllegalStateException.class);
  }
}
