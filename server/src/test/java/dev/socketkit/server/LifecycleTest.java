package dev.socketkit.server;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.socketkit.select.Select;
import dev.socketkit.testkit.Await;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The request loop's hooks and the threading settings, as CPython's test_socketserver. */
@Timeout(30)
class LifecycleTest {
  private static final InetSocketAddress ANY_PORT =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  /** Waits up to 10 s, the deadline every wait in the server's tests has. */
  static void await(BooleanSupplier condition, String what) throws Exception {
    Await.until(Duration.ofSeconds(10), condition::getAsBoolean, () -> what);
  }

  @Test
  void verifyRequestFalseClosesTheRequestWithoutAHandler() throws Exception {
    AtomicInteger handlers = new AtomicInteger();
    try (TcpServer server =
            new TcpServer(
                ANY_PORT,
                () -> {
                  handlers.incrementAndGet();
                  return new EchoHandlers.StreamEcho();
                }) {
              @Override
              protected boolean verifyRequest(SocketChannel request, SocketAddress client) {
                return false;
              }
            };
        Serving serving = Serving.start(server);
        SocketChannel client = Clients.connect(serving.address())) {
      client.socket().setSoTimeout(10_000);
      Clients.write(client, "hello\n");
      InputStream in = client.socket().getInputStream();
      assertThat(in.read()).as("closed without an answer").isEqualTo(-1);
      assertThat(handlers).hasValue(0);
    }
  }

  @Test
  void finishedRequestThreadsAreNotKept() throws Exception {
    try (var server = new ThreadingTcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
        Serving serving = Serving.start(server)) {
      for (int i = 0; i < 10; i++) {
        assertThat(Clients.streamEcho(serving.address(), "x" + i))
            .isEqualTo("x" + i + "|again x" + i);
      }
      await(() -> server.activeRequestThreads() == 0, "no finished request thread is kept");
    }
  }

  /** Records which of setup, handle and finish ran; fails where told. */
  static final class Recording extends StreamRequestHandler {
    static final List<String> calls = new CopyOnWriteArrayList<>();
    static volatile String failIn = "";

    @Override
    protected void setup() throws IOException {
      calls.add("setup");
      if (failIn.equals("setup")) {
        throw new IOException("setup failed");
      }
      super.setup();
    }

    @Override
    protected void handle() throws IOException {
      calls.add("handle");
      if (failIn.equals("handle")) {
        throw new IOException("handle failed");
      }
    }

    @Override
    protected void finish() throws IOException {
      calls.add("finish");
      super.finish();
    }
  }

  private static List<String> runRecording(String failIn) throws Exception {
    Recording.calls.clear();
    Recording.failIn = failIn;
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    try (TcpServer server =
            new TcpServer(ANY_PORT, Recording::new) {
              @Override
              protected void handleError(SocketChannel r, SocketAddress c, Throwable e) {
                errors.add(e);
              }
            };
        Serving serving = Serving.start(server);
        SocketChannel client = Clients.connect(serving.address())) {
      client.socket().setSoTimeout(10_000);
      assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
      await(() -> Recording.calls.size() >= (failIn.equals("setup") ? 1 : 3), "the handler ran");
      if (!failIn.isEmpty()) {
        await(() -> !errors.isEmpty(), "handleError was called");
        assertThat(errors)
            .singleElement()
            .satisfies(e -> assertThat(e).hasMessage(failIn + " failed"));
      }
      return List.copyOf(Recording.calls);
    }
  }

  @Test
  void finishRunsAfterHandle() throws Exception {
    assertThat(runRecording("")).containsExactly("setup", "handle", "finish");
  }

  @Test
  void finishRunsWhenHandleThrows() throws Exception {
    assertThat(runRecording("handle")).containsExactly("setup", "handle", "finish");
  }

  @Test
  void neitherHandleNorFinishRunsWhenSetupThrows() throws Exception {
    assertThat(runRecording("setup")).containsExactly("setup");
  }

  @Test
  void defaultHandleErrorPrintsLikePythonAndTheServerKeepsServing() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, US_ASCII));
    try (TcpServer server =
            new TcpServer(
                ANY_PORT,
                () ->
                    new StreamRequestHandler() {
                      @Override
                      protected void handle() throws IOException {
                        if (rfile.readLine().length > 0) {
                          throw new IllegalStateException("handler bug");
                        }
                      }
                    });
        Serving serving = Serving.start(server)) {
      for (int i = 0; i < 2; i++) {
        try (SocketChannel client = Clients.connect(serving.address())) {
          client.socket().setSoTimeout(10_000);
          Clients.write(client, "go\n");
          assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
        }
      }
      await(
          () -> captured.toString(US_ASCII).split("handler bug", -1).length == 3,
          "both failures were reported");
    } finally {
      System.setErr(original);
    }
    String report = captured.toString(US_ASCII);
    assertThat(report)
        .startsWith("-".repeat(40))
        .contains("Exception occurred during processing of request from /127.0.0.1:")
        .contains("java.lang.IllegalStateException: handler bug");
  }

  @Test
  void shutdownBeforeServeForeverMakesItReturnAtOnce() throws Exception {
    try (TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      server.shutdown(); // returns: nothing is serving
      Thread thread = new Thread(server::serveForever);
      thread.start();
      thread.join(10_000);
      assertThat(thread.isAlive()).isFalse();
    }
  }

  @Test
  void shutdownFromAnotherThreadWaitsUntilServeForeverHasReturned() throws Exception {
    try (TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new)) {
      AtomicBoolean returned = new AtomicBoolean();
      CountDownLatch serving = new CountDownLatch(1);
      Thread thread =
          new Thread(
              () -> {
                serving.countDown();
                server.serveForever(Duration.ofMillis(20));
                returned.set(true);
              });
      thread.start();
      assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(Clients.streamEcho(server.serverAddress(), "a")).isEqualTo("a|again a");
      server.shutdown();
      thread.join(10_000);
      assertThat(returned).isTrue();
    }
  }

  @Test
  void shutdownAndCloseWakeServeForeverWithoutWaitingForThePollInterval() throws Exception {
    for (boolean close : new boolean[] {false, true}) {
      TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
      try {
        CountDownLatch serving = new CountDownLatch(1);
        Thread thread =
            new Thread(
                () -> {
                  serving.countDown();
                  server.serveForever(Duration.ofHours(1)); // only a wake-up can end it in time
                });
        thread.start();
        assertThat(serving.await(10, TimeUnit.SECONDS)).isTrue();
        assertThat(Clients.streamEcho(server.serverAddress(), "up")).isEqualTo("up|again up");
        if (close) {
          server.close();
        } else {
          server.shutdown();
        }
        thread.join(10_000);
        assertThat(thread.isAlive()).as(close ? "close" : "shutdown").isFalse();
      } finally {
        server.close();
      }
    }
  }

  @Test
  void aFailingAcceptPausesWarnsOnceAndTheServerGoesOnServing() throws Exception {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, US_ASCII));
    AtomicInteger failuresLeft = new AtomicInteger(3);
    try (TcpServer server =
            new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new) {
              @Override
              protected Incoming<SocketChannel> getRequest() throws IOException {
                if (failuresLeft.getAndDecrement() > 0) {
                  throw new IOException("Too many open files"); // as accept() says on EMFILE
                }
                return super.getRequest();
              }
            };
        Serving serving = Serving.start(server)) {
      assertThat(Clients.streamEcho(serving.address(), "after")).isEqualTo("after|again after");
      assertThat(server.acceptFailures()).isEqualTo(3);
    } finally {
      System.setErr(original);
    }
    assertThat(captured.toString(US_ASCII))
        .contains(
            "taking a request failed (java.io.IOException: Too many open files); pausing 100 ms")
        .hasLineCount(1);
  }

  @ParameterizedTest
  @MethodSource("threadedChoices")
  void aHandlerMayCloseItsOwnServerWithoutWaitingForItself(Threading threading) throws Exception {
    CountDownLatch closedFromHandler = new CountDownLatch(1);
    TcpServer server =
        new TcpServer(
            ANY_PORT,
            () ->
                new BaseRequestHandler<SocketChannel>() {
                  @Override
                  protected void handle() {
                    server().close(); // blockOnClose: joins request threads, but not this one
                    closedFromHandler.countDown();
                  }
                });
    server.setThreading(threading);
    Thread serving = new Thread(server::serveForever);
    serving.start();
    try (SocketChannel client = Clients.connect(server.serverAddress())) {
      assertThat(closedFromHandler.await(10, TimeUnit.SECONDS)).as(client + " handled").isTrue();
      serving.join(10_000);
      assertThat(serving.isAlive()).isFalse();
      assertThat(server.isClosed()).isTrue();
    } finally {
      server.close();
    }
  }

  static Stream<Threading> threadedChoices() {
    return Stream.of(Threading.platformThreads(), Threading.pool(1));
  }

  @Test
  void serveForeverOnAClosedServerIsRefused() throws Exception {
    TcpServer server = new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
    server.close();
    server.close(); // idempotent
    assertThatThrownBy(server::serveForever).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void handleRequestCallsHandleTimeoutWhenNoRequestComes() throws Exception {
    AtomicInteger timeouts = new AtomicInteger();
    try (TcpServer server =
        new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new) {
          @Override
          protected void handleTimeout() {
            timeouts.incrementAndGet();
          }
        }) {
      server.setTimeout(Duration.ofMillis(50));
      server.handleRequest();
      assertThat(timeouts).hasValue(1);
    }
  }

  @Test
  void handleRequestHandlesOneWaitingRequest() throws Exception {
    AtomicInteger timeouts = new AtomicInteger();
    try (TcpServer server =
            new TcpServer(ANY_PORT, EchoHandlers.ChannelEcho::new) {
              @Override
              protected void handleTimeout() {
                timeouts.incrementAndGet();
              }
            };
        SocketChannel client = Clients.connect(server.serverAddress())) {
      Clients.write(client, "once\n");
      client.shutdownOutput();
      server.setTimeout(Duration.ofSeconds(10));
      server.handleRequest();
      client.socket().setSoTimeout(10_000);
      assertThat(Clients.readLine(client.socket().getInputStream())).isEqualTo("once");
      assertThat(timeouts).hasValue(0);
    }
  }

  @Test
  void shutdownFromServiceActionsEndsServeForeverWithIllegalStateException() throws Exception {
    try (TcpServer server =
        new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new) {
          @Override
          protected void serviceActions() {
            shutdown();
          }
        }) {
      // Runs in the test's thread, which is the serving thread; serviceActions runs after the
      // first poll interval.
      assertThatThrownBy(() -> server.serveForever(Duration.ofMillis(10)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("called from the serving thread");
      assertThat(server.isClosed()).isFalse();
    }
  }

  @Test
  void serviceActionsRunWhileServing() throws Exception {
    CountDownLatch actions = new CountDownLatch(3);
    try (TcpServer server =
            new TcpServer(ANY_PORT, EchoHandlers.StreamEcho::new) {
              @Override
              protected void serviceActions() {
                actions.countDown();
              }
            };
        Serving serving = Serving.start(server)) {
      assertThat(actions.await(10, TimeUnit.SECONDS)).as(serving.address() + " polled").isTrue();
    }
  }

  @Test
  void aHandlerTimeoutEndsAStalledReadWithSocketTimeoutException() throws Exception {
    ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
    try (TcpServer server =
            new TcpServer(
                ANY_PORT,
                () ->
                    new StreamRequestHandler() {
                      {
                        timeout = Duration.ofMillis(100);
                      }

                      @Override
                      protected void handle() throws IOException {
                        rfile.readLine();
                      }
                    }) {
              @Override
              protected void handleError(SocketChannel r, SocketAddress c, Throwable e) {
                errors.add(e);
              }
            };
        Serving serving = Serving.start(server);
        SocketChannel stalled = Clients.connect(serving.address())) {
      stalled.socket().setSoTimeout(10_000);
      assertThat(stalled.socket().getInputStream().read()).isEqualTo(-1);
      await(() -> !errors.isEmpty(), "the timeout was reported");
      assertThat(errors).singleElement().isInstanceOf(SocketTimeoutException.class);
    }
  }

  /** A handler that waits for the test's signal, then records that it finished. */
  static final class Blocking extends BaseRequestHandler<SocketChannel> {
    static volatile CountDownLatch started = new CountDownLatch(1);
    static volatile CountDownLatch release = new CountDownLatch(1);
    static final AtomicBoolean done = new AtomicBoolean();
    static volatile Thread thread;

    @Override
    protected void handle() {
      thread = Thread.currentThread();
      started.countDown();
      try {
        release.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      done.set(true);
    }

    static void reset() {
      started = new CountDownLatch(1);
      release = new CountDownLatch(1);
      done.set(false);
    }
  }

  private static boolean closeWhileAHandlerRuns(boolean blockOnClose) throws Exception {
    Blocking.reset();
    var server = new ThreadingTcpServer(ANY_PORT, Blocking::new);
    server.setThreading(Threading.platformThreads());
    server.setBlockOnClose(blockOnClose);
    AtomicBoolean doneWhenCloseReturned = new AtomicBoolean();
    try (Serving serving = Serving.start(server);
        SocketChannel client = Clients.connect(serving.address())) {
      assertThat(Blocking.started.await(10, TimeUnit.SECONDS)).as(client + " served").isTrue();
      Thread closer =
          new Thread(
              () -> {
                server.close();
                doneWhenCloseReturned.set(Blocking.done.get());
              });
      closer.start();
      await(
          () -> closer.getState() == Thread.State.WAITING || !closer.isAlive(),
          "close() waits or has returned");
      Blocking.release.countDown();
      closer.join(10_000);
      assertThat(closer.isAlive()).isFalse();
    } finally {
      Blocking.release.countDown();
      server.close();
    }
    return doneWhenCloseReturned.get();
  }

  @Test
  void closeWaitsForRunningRequestThreadsWhenBlockOnClose() throws Exception {
    assertThat(closeWhileAHandlerRuns(true)).isTrue();
  }

  @Test
  void closeDoesNotWaitForRequestThreadsWithoutBlockOnClose() throws Exception {
    assertThat(closeWhileAHandlerRuns(false)).isFalse();
  }

  @Test
  void daemonThreadsDecidesWhetherPlatformRequestThreadsAreDaemons() throws Exception {
    for (boolean daemon : new boolean[] {false, true}) {
      Blocking.reset();
      try (var server = new ThreadingTcpServer(ANY_PORT, Blocking::new)) {
        server.setThreading(Threading.platformThreads());
        server.setDaemonThreads(daemon);
        try (Serving serving = Serving.start(server);
            SocketChannel client = Clients.connect(serving.address())) {
          assertThat(Blocking.started.await(10, TimeUnit.SECONDS)).as(client + " served").isTrue();
          assertThat(Blocking.thread.isDaemon()).isEqualTo(daemon);
        } finally {
          Blocking.release.countDown();
        }
      }
    }
  }

  @Test
  void aPoolNeverRunsMoreHandlersAtOnceThanItHasThreads() throws Exception {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger most = new AtomicInteger();
    try (TcpServer server =
        new TcpServer(
            ANY_PORT,
            () ->
                new StreamRequestHandler() {
                  @Override
                  protected void handle() throws IOException {
                    most.accumulateAndGet(running.incrementAndGet(), Math::max);
                    try {
                      byte[] line;
                      for (line = rfile.readLine(); line.length > 0; line = rfile.readLine()) {
                        wfile.write(line);
                      }
                    } finally {
                      running.decrementAndGet();
                    }
                  }
                })) {
      server.setThreading(Threading.pool(2));
      try (Serving serving = Serving.start(server)) {
        List<Thread> clients = new CopyOnWriteArrayList<>();
        ConcurrentLinkedQueue<String> answers = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 6; i++) {
          String text = "c" + i;
          Thread client =
              new Thread(
                  () -> {
                    try {
                      answers.add(Clients.streamEcho(serving.address(), text));
                    } catch (Exception e) {
                      answers.add("failed: " + e);
                    }
                  });
          clients.add(client);
          client.start();
        }
        for (Thread client : clients) {
          client.join(20_000);
        }
        assertThat(answers).hasSize(6).allSatisfy(a -> assertThat(a).doesNotStartWith("failed"));
        assertThat(most.get()).isBetween(1, 2);
      }
    }
  }

  @Test
  void setThreadingAfterTheFirstThreadedRequestIsRefused() throws Exception {
    try (var server = new ThreadingTcpServer(ANY_PORT, EchoHandlers.StreamEcho::new);
        Serving serving = Serving.start(server)) {
      assertThat(Clients.streamEcho(serving.address(), "a")).isEqualTo("a|again a");
      assertThatThrownBy(() -> server.setThreading(Threading.none()))
          .isInstanceOf(IllegalStateException.class);
    }
  }

  /** Hands {@code server} a request after it was closed, as when close() races serveForever. */
  private static void processAfterClose(TcpServer server) throws Exception {
    try (ServerSocketChannel other = ServerSocketChannel.open().bind(ANY_PORT);
        SocketChannel client = SocketChannel.open(other.getLocalAddress())) {
      SocketChannel request = other.accept();
      server.processRequest(request, client.getLocalAddress());
      assertThat(request.isOpen()).as("the request is closed").isFalse();
      client.socket().setSoTimeout(10_000);
      assertThat(client.socket().getInputStream().read()).isEqualTo(-1);
    }
  }

  @Test
  void aRequestHandedToAShutDownPoolIsClosedQuietly() throws Exception {
    AtomicInteger handlers = new AtomicInteger();
    AtomicInteger errors = new AtomicInteger();
    TcpServer server =
        new TcpServer(
            ANY_PORT,
            () -> {
              handlers.incrementAndGet();
              return new EchoHandlers.StreamEcho();
            }) {
          @Override
          protected void handleError(SocketChannel r, SocketAddress c, Throwable e) {
            errors.incrementAndGet();
          }
        };
    try { // not try-with-resources: the test closes the server in the middle
      server.setThreading(Threading.pool(1));
      try (SocketChannel client = Clients.connect(server.serverAddress())) {
        server.handleRequest(); // opens the pool
        Clients.write(client, "hello\n");
        client.shutdownOutput();
        client.socket().setSoTimeout(10_000);
        assertThat(client.socket().getInputStream().readAllBytes()).isNotEmpty();
      }
      server.close();
      processAfterClose(server);
      assertThat(handlers).hasValue(1);
      assertThat(errors).hasValue(0);
    } finally {
      server.close();
    }
  }

  @Test
  void aRequestHandedToAClosedServerOpensNoRequestThreads() throws Exception {
    AtomicInteger handlers = new AtomicInteger();
    TcpServer server =
        new TcpServer(
            ANY_PORT,
            () -> {
              handlers.incrementAndGet();
              return new EchoHandlers.StreamEcho();
            });
    try { // not try-with-resources: the test closes the server in the middle
      server.setThreading(Threading.pool(1));
      server.close();
      processAfterClose(server);
      assertThat(handlers).as("no handler runs after close").hasValue(0);
      // setThreading is refused once request threads exist; it is allowed, so none were opened.
      server.setThreading(Threading.none());
    } finally {
      server.close();
    }
  }

  @ParameterizedTest
  @MethodSource("threadedAndPooled")
  void aRequestThreadClosesTheSelectorItsHandlerUsed(Threading threading) throws Exception {
    AtomicReference<Pipe.SourceChannel> watched = new AtomicReference<>();
    try (TcpServer server =
        new TcpServer(
            ANY_PORT,
            () ->
                new StreamRequestHandler() {
                  @Override
                  protected void handle() throws IOException {
                    Pipe pipe = Pipe.open();
                    pipe.sink().close();
                    // Registers the pipe with this request thread's selector.
                    Select.select(List.of(pipe.source()), List.of(), List.of(), Duration.ZERO);
                    watched.set(pipe.source());
                  }
                })) {
      server.setThreading(threading);
      try (Serving serving = Serving.start(server);
          SocketChannel client = Clients.connect(serving.address())) {
        client.socket().setSoTimeout(10_000);
        assertThat(client.socket().getInputStream().read()).as("request ended").isEqualTo(-1);
        await(() -> watched.get() != null, "the handler ran");
        // A pool thread lives on, so only closing its selector deregisters the pipe.
        await(() -> !watched.get().isRegistered(), "the request thread's selector is closed");
      } finally {
        if (watched.get() != null) {
          watched.get().close();
        }
      }
    }
  }

  static Stream<Threading> threadedAndPooled() {
    return Stream.of(Threading.platformThreads(), Threading.pool(1));
  }

  @Test
  void aHandlersAccessorsRefuseUseInItsConstructor() {
    assertThatThrownBy(
            () ->
                new BaseRequestHandler<SocketChannel>() {
                  {
                    request();
                  }

                  @Override
                  protected void handle() {}
                })
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void closingRfileAndWfileLeavesTheConnectionToTheServer() throws Exception {
    AtomicBoolean openAfterFinish = new AtomicBoolean();
    CountDownLatch checked = new CountDownLatch(1);
    try (TcpServer server =
            new TcpServer(
                ANY_PORT,
                () ->
                    new StreamRequestHandler() {
                      @Override
                      protected void handle() throws IOException {
                        wfile.write(rfile.readLine());
                      }

                      @Override
                      protected void finish() throws IOException {
                        super.finish();
                        openAfterFinish.set(request().isOpen());
                        checked.countDown();
                      }
                    });
        Serving serving = Serving.start(server);
        SocketChannel client = Clients.connect(serving.address())) {
      Clients.write(client, "hi\n");
      client.socket().setSoTimeout(10_000);
      InputStream in = Channels.newInputStream(client);
      assertThat(Clients.readLine(in)).isEqualTo("hi");
      assertThat(checked.await(10, TimeUnit.SECONDS)).isTrue();
      assertThat(openAfterFinish).isTrue();
    }
  }
}
