package dev.socketkit.server;

import dev.socketkit.select.AcceptBackoff;
import dev.socketkit.select.Select;
import dev.socketkit.select.WakeupPipe;
import dev.socketkit.server.internal.RequestThreads;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SelectableChannel;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/*
 * Design notes.
 *
 * The request loop is CPython's socketserver.BaseServer, method for method: serve_forever polls
 * the listening channel with select every poll interval and checks a shutdown flag; shutdown sets
 * the flag and waits for serve_forever to return. socketkit also wakes the loop at once through a
 * WakeupPipe, so shutdown does not wait for the poll interval. We differ from CPython
 * in three more places, each to avoid a hang:
 *
 *  - shutdown() called from the serving thread itself throws IllegalStateException (CPython waits
 *    for itself forever);
 *  - shutdown() when serveForever is not running returns at once, and the flag it leaves makes the
 *    next serveForever return at once (CPython blocks until some serve_forever has run). A shutdown
 *    that races with the thread that is just starting serveForever therefore never hangs and is
 *    never lost;
 *  - close() from another thread while serveForever runs makes serveForever return (CPython's
 *    select fails on the closed socket).
 *
 * Select.select registers the listening channel with the serving thread's own selector. A
 * registered channel is only really closed once its key is deregistered, so serveForever and
 * handleRequest deregister it (Select.forget) before they return; otherwise close() would not
 * release the port while the serving thread lives on.
 *
 * Why this stays one class of some 750 lines. It is Python's BaseServer with the parts of
 * ThreadingMixIn and TCPServer that every concrete server shares (threading, daemon_threads,
 * block_on_close, allow_reuse_address, allow_reuse_port, bind and activate), and users subclass it and its subclasses
 * the way they subclass Python's: every protected step and public setting must stay on this type,
 * so most of its length is their Javadoc. The parts with no such contract live elsewhere already:
 * the wake-up pipe and the pause after a failed accept in select (WakeupPipe, AcceptBackoff), the
 * request threads in internal.RequestThreads. What is left is one concern, the request loop and
 * its life cycle (servingThread, shutdownFlag, closed under one lock); splitting it would spread
 * that lock's invariants over two classes.
 */

/**
 * The server object of Python's {@code socketserver}: it waits for requests on its channel and
 * hands each one to a new handler made by its handler factory. Python's {@code
 * socketserver.BaseServer}.
 *
 * <p>Concrete servers are {@link TcpServer}, {@link UdpServer}, {@link UnixStreamServer} and their
 * threading variants. Subclass one of those to change a step of the request loop; subclass this
 * class only for a new kind of channel.
 *
 * <h2>Life cycle and threads</h2>
 *
 * <pre>{@code
 * var server = new ThreadingTcpServer(new InetSocketAddress(HOST, PORT), EchoHandler::new);
 * Thread serverThread = new Thread(server::serveForever);
 * serverThread.start();
 * ...
 * server.shutdown(); // from another thread: serveForever returns
 * server.close();    // releases the port; joins request threads if blockOnClose
 * }</pre>
 *
 * <p>One thread at a time runs {@link #serveForever} or {@link #handleRequest} (the <em>serving
 * thread</em>); it accepts requests and, with {@link Threading#none()}, also runs their handlers.
 * {@link #shutdown()} and {@link #close()} may be called from any thread. The server owns and
 * closes its listening channel; every request is closed by {@link #shutdownRequest} once its
 * handler has finished, unless the handler detached it ({@link StreamRequestHandler#detach()}):
 * then its {@link DetachedConnection} ends it, or {@link #close()} does.
 *
 * @param <R> the request a handler receives: the accepted {@code SocketChannel} for stream servers,
 *     a {@link DatagramRequest} for datagram servers
 */
public abstract class BaseServer<R> implements AutoCloseable {
  /** Python's default {@code poll_interval} of {@code serve_forever}: half a second. */
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(500);

  private final Supplier<? extends BaseRequestHandler<R>> handlerFactory;

  /** Guards servingThread, closed, requestThreads; notified when servingThread changes. */
  private final Object lock = new Object();

  private Thread servingThread;
  private boolean closed;
  private volatile boolean shutdownFlag; // set by shutdown(), cleared when serveForever returns
  private WakeupPipe wakeup; // while serveForever runs: wakeUp() ends its wait
  private RequestThreads requestThreads;
  private Duration pollInterval = DEFAULT_POLL_INTERVAL;

  private volatile Threading threading = Threading.none();
  private volatile boolean daemonThreads;
  private volatile boolean blockOnClose = true;
  private volatile Duration timeout;
  private volatile boolean reuseAddress;
  private volatile boolean reusePort;
  private final AcceptBackoff acceptBackoff = new AcceptBackoff(); // the serving thread's

  // Requests a handler took away (StreamRequestHandler.detach): handedOver until the thread that
  // handled it is done (that thread then leaves it open), openDetached until its owner or close()
  // ends it (shutdownRequest, once).
  private final Set<R> handedOver = ConcurrentHashMap.newKeySet();
  private final Set<R> openDetached = ConcurrentHashMap.newKeySet();

  /**
   * Remembers the handler factory. Python's {@code BaseServer.__init__(server_address,
   * RequestHandlerClass)}; the address is kept by the concrete server.
   *
   * @param handlerFactory makes one new handler per request, typically a constructor reference such
   *     as {@code EchoHandler::new}
   */
  protected BaseServer(Supplier<? extends BaseRequestHandler<R>> handlerFactory) {
    this.handlerFactory = Objects.requireNonNull(handlerFactory, "handlerFactory");
  }

  /**
   * A request taken from the channel and the address of the client that sent it: the pair that
   * Python's {@code get_request()} returns.
   *
   * @param request the request handed to the handler
   * @param clientAddress the client's address (for Unix-domain sockets usually an unnamed one)
   * @param <R> the request type
   */
  protected record Incoming<R>(R request, SocketAddress clientAddress) {}

  /**
   * The channel that becomes readable when a request is waiting: Python's {@code fileno()}. Called
   * by the serving thread.
   */
  protected abstract SelectableChannel channel();

  /**
   * Takes one waiting request from the channel: Python's {@code get_request()}. Called by the
   * serving thread after {@link #channel()} was reported readable.
   *
   * @return the request, or null when none was waiting after all
   * @throws IOException if taking it failed; the server ignores the failure, as Python does
   */
  protected abstract Incoming<R> getRequest() throws IOException;

  /**
   * The address the server listens on: Python's {@code server_address}. After binding, the real
   * address (the real port when bound to port 0).
   */
  public abstract SocketAddress serverAddress();

  /**
   * Handles requests until {@link #shutdown()} is called, with Python's poll interval of half a
   * second: Python's {@code serve_forever()}. Reads naturally as a thread's body: {@code new
   * Thread(server::serveForever)}.
   *
   * @see #serveForever(Duration)
   */
  public final void serveForever() {
    serveForever(DEFAULT_POLL_INTERVAL);
  }

  /**
   * Handles requests one after the other until {@link #shutdown()} is called or the server is
   * closed: Python's {@code serve_forever(poll_interval)}. Calls {@link #serviceActions()} after
   * every wait (at least once per poll interval). Ignores {@link #timeout()}. Unlike Python, a
   * {@code shutdown()} or {@code close()} wakes it at once rather than at the next poll; while it
   * runs it holds a pipe (two descriptors) for that. When taking a request fails while the channel
   * is open (out of file descriptors, say), it stops taking requests for 100 ms and warns on
   * standard error at most every 10 s, where Python would spin at full CPU.
   *
   * <p>The calling thread becomes the serving thread. If a {@code shutdown()} came while no
   * serveForever was running, this returns at once (and consumes that shutdown). If the thread is
   * interrupted, returns with its interrupt status set.
   *
   * @param pollInterval how often to check for shutdown; Python's {@code poll_interval}
   * @throws IllegalStateException if the server is closed, or another thread is serving it
   * @throws UncheckedIOException if waiting on the channel fails
   */
  public final void serveForever(Duration pollInterval) {
    if (pollInterval == null || pollInterval.isNegative() || pollInterval.isZero()) {
      throw new IllegalArgumentException("pollInterval: " + pollInterval + " (expected: > 0)");
    }
    becomeServingThread();
    SelectableChannel channel = channel();
    WakeupPipe pipe = null;
    try {
      this.pollInterval = pollInterval;
      pipe = openWakeup();
      List<SelectableChannel> reads = List.of(channel, pipe.source());
      List<SelectableChannel> wakeupOnly = List.of(pipe.source());
      while (!shutdownFlag) {
        long paused = acceptBackoff.remainingNanos();
        Select.Ready<SelectableChannel> ready =
            paused > 0
                ? Select.select(wakeupOnly, List.of(), List.of(), Duration.ofNanos(paused))
                : Select.select(reads, List.of(), List.of(), pollInterval);
        if (ready.reads().contains(pipe.source())) {
          pipe.drain();
        }
        if (ready.reads().contains(channel)) {
          handleRequestNoBlock();
        }
        serviceActions();
        if (!channel.isOpen()) {
          break; // closed by another thread
        }
      }
    } catch (InterruptedIOException e) {
      Thread.currentThread().interrupt(); // Select left it set; the caller sees it
    } catch (IOException e) {
      throw new UncheckedIOException("serveForever failed on " + serverAddress(), e);
    } finally {
      forget(channel);
      synchronized (lock) {
        shutdownFlag = false;
        servingThread = null;
        wakeup = null;
        lock.notifyAll();
      }
      if (pipe != null) {
        forget(pipe.source());
        closeQuietly(pipe);
      }
    }
  }

  /*
   * Python polls for shutdown every poll_interval; socketkit also wakes serveForever at once: it
   * selects on the read end of a pipe as well, and shutdown() and close() write a byte to it. The
   * pipe lives only while serveForever runs, so a server that is not serving holds no extra
   * descriptors. The poll interval still paces serviceActions(), as in Python.
   */
  private WakeupPipe openWakeup() throws IOException {
    WakeupPipe pipe = WakeupPipe.open();
    synchronized (lock) {
      wakeup = pipe;
    }
    return pipe;
  }

  /** Wakes a running serveForever; called with the lock held. */
  private void wakeUp() {
    if (wakeup != null) {
      wakeup.wakeUp(); // false only when serveForever is returning: nothing left to wake
    }
  }

  private static void closeQuietly(WakeupPipe pipe) {
    try {
      pipe.close();
    } catch (IOException ignored) {
      // Closing a pipe end only fails if it is unusable already.
    }
  }

  /**
   * Stops {@link #serveForever} and waits until it has returned: Python's {@code shutdown()}. Call
   * it from another thread than the serving one. Requests already handed to request threads go on;
   * {@link #close()} waits for them.
   *
   * <p>If no serveForever is running, returns at once and the next serveForever returns as soon as
   * it starts. If the calling thread is interrupted while waiting, returns with its interrupt
   * status set.
   *
   * @throws IllegalStateException if called from the serving thread itself (for example from a
   *     handler of a non-threading server, or from {@link #serviceActions()}): Python deadlocks
   *     there; socketkit refuses
   */
  public final void shutdown() {
    synchronized (lock) {
      if (servingThread == Thread.currentThread()) {
        throw new IllegalStateException(
            "shutdown() called from the serving thread "
                + servingThread.getName()
                + ": it would wait for itself (Python deadlocks here); call it from another"
                + " thread");
      }
      shutdownFlag = true;
      wakeUp();
      try {
        while (servingThread != null) {
          lock.wait();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Waits for one request and handles it, or calls {@link #handleTimeout()} if {@link #timeout()}
   * passes first: Python's {@code handle_request()}. For servers driven by an outer loop instead of
   * {@link #serveForever}.
   *
   * @throws IllegalStateException if the server is closed, or another thread is serving it
   * @throws InterruptedIOException if the thread is interrupted while waiting (status stays set)
   * @throws IOException if waiting on the channel fails
   */
  public final void handleRequest() throws IOException {
    becomeServingThread();
    SelectableChannel channel = channel();
    try {
      Duration wait = timeout;
      Select.Ready<SelectableChannel> ready =
          Select.select(List.of(channel), List.of(), List.of(), wait);
      if (ready.isEmpty()) {
        handleTimeout();
      } else {
        handleRequestNoBlock();
      }
    } finally {
      forget(channel);
      synchronized (lock) {
        servingThread = null;
        lock.notifyAll();
      }
    }
  }

  private void becomeServingThread() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("server on " + serverAddress() + " is closed");
      }
      if (servingThread != null) {
        throw new IllegalStateException(
            "server on " + serverAddress() + " is already served by " + servingThread.getName());
      }
      servingThread = Thread.currentThread();
    }
  }

  private static void forget(SelectableChannel channel) {
    try {
      Select.forget(channel);
    } catch (IOException ignored) {
      // Only the selector can fail here; the channel is deregistered when the thread ends.
    }
  }

  /** Python's {@code _handle_request_noblock()}: one request, never throws for a bad handler. */
  private void handleRequestNoBlock() {
    Incoming<R> incoming;
    try {
      incoming = getRequest();
    } catch (IOException e) {
      // Python drops a failed accept and selects again. When the cause persists (no descriptors
      // left: EMFILE) the channel stays readable and that loop spins at full CPU; pause instead,
      // as Netty and Tomcat do, and say so.
      if (channel().isOpen()) {
        acceptBackoff.failed("socketkit server on " + serverAddress() + ": taking a request", e);
      }
      return;
    }
    if (incoming == null) {
      return;
    }
    R request = incoming.request();
    SocketAddress client = incoming.clientAddress();
    if (!verifyRequest(request, client)) {
      shutdownRequest(request);
      return;
    }
    try {
      processRequest(request, client);
    } catch (Exception e) {
      handleError(request, client, e);
      endRequest(request);
    } catch (Error e) {
      endRequest(request);
      throw e;
    }
  }

  /**
   * Shuts the request down once its handler has finished, unless the handler detached it: then it
   * stays open for its new owner. Called once per handled request; never throws.
   */
  private void endRequest(R request) {
    if (!handedOver.remove(request)) {
      shutdownRequest(request);
    }
  }

  /**
   * Takes {@code request} away from the server: the thread handling it will not shut it down. The
   * action returned ends it once (with {@link #shutdownRequest}), as {@link #close()} does for
   * every detached request still open. Called by the handler's thread.
   *
   * @throws IllegalStateException if the server is closed
   */
  final Runnable detach(R request) {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException(
            "cannot detach a connection: the server on " + serverAddress() + " is closed");
      }
      openDetached.add(request);
      handedOver.add(request);
    }
    return () -> {
      if (openDetached.remove(request)) {
        shutdownRequest(request);
      }
    };
  }

  /** How many detached requests are still open. For tests. */
  final int detachedRequests() {
    return openDetached.size();
  }

  /** How many times taking a request failed. For tests. */
  final long acceptFailures() {
    return acceptBackoff.failures();
  }

  /**
   * Called when {@link #handleRequest()} waited {@link #timeout()} without a request: Python's
   * {@code handle_timeout()}. Does nothing by default; runs in the serving thread.
   */
  protected void handleTimeout() {}

  /**
   * Decides whether to handle a request: Python's {@code verify_request()}. Returns true by
   * default; on false the request is closed without a handler. Runs in the serving thread.
   */
  protected boolean verifyRequest(R request, SocketAddress clientAddress) {
    return true;
  }

  /**
   * Runs the request: Python's {@code process_request()}. With {@link Threading#none()} calls
   * {@link #finishRequest} then {@link #shutdownRequest} in the serving thread; otherwise does the
   * same in a request thread, where an exception goes to {@link #handleError}, as in Python's
   * {@code ThreadingMixIn.process_request_thread}. A threading server that has been closed opens no
   * request threads: it closes the request without a handler. Runs in the serving thread.
   *
   * @throws Exception whatever the handler threw (non-threading servers); the server passes it to
   *     {@link #handleError} and closes the request
   */
  protected void processRequest(R request, SocketAddress clientAddress) throws Exception {
    Threading chosen = threading;
    if (!chosen.isThreaded()) {
      finishRequest(request, clientAddress);
      endRequest(request);
      return;
    }
    RequestThreads threads = requestThreads(chosen);
    boolean started = false;
    if (threads != null) { // null: closed, so no request threads (nobody would stop new ones)
      try {
        started =
            threads.execute(
                () -> processRequestThread(request, clientAddress),
                () -> shutdownFlag || !channel().isOpen(),
                pollInterval);
      } catch (RejectedExecutionException e) {
        if (!isClosed()) {
          throw e;
        }
        // close() shut the pool down meanwhile: the request is not started, which is no error.
      }
    }
    if (!started) {
      shutdownRequest(request);
    }
  }

  /** Python's {@code ThreadingMixIn.process_request_thread()}. Runs in a request thread. */
  private void processRequestThread(R request, SocketAddress clientAddress) {
    try {
      finishRequest(request, clientAddress);
    } catch (Exception e) {
      handleError(request, clientAddress, e);
    } finally {
      endRequest(request);
      // A handler may have used Select on this thread (ChannelStreams with a timeout, a full
      // send buffer in DatagramRequest): release that selector now, not at some later GC.
      Select.closeSelectorIfOpen();
    }
  }

  /**
   * Makes a handler with the handler factory and runs it (setup, handle, finish): Python's {@code
   * finish_request()}. Runs in the thread that handles the request.
   *
   * @throws Exception whatever the handler's setup, handle or finish threw
   */
  protected void finishRequest(R request, SocketAddress clientAddress) throws Exception {
    BaseRequestHandler<R> handler =
        Objects.requireNonNull(handlerFactory.get(), "the handler factory returned null");
    handler.run(request, clientAddress, this);
  }

  /**
   * Ends a request once its handler has finished: Python's {@code shutdown_request()}. By default
   * calls {@link #closeRequest}; stream servers first shut down the output side. Must not throw.
   */
  protected void shutdownRequest(R request) {
    closeRequest(request);
  }

  /**
   * Releases a request: Python's {@code close_request()}. Does nothing by default; stream servers
   * close the accepted channel. Must not throw.
   */
  protected void closeRequest(R request) {}

  /**
   * Reports an exception thrown while handling a request, then the server goes on serving: Python's
   * {@code handle_error()}. By default prints, as Python, a line of 40 dashes, {@code Exception
   * occurred during processing of request from ADDRESS}, the stack trace and 40 dashes to standard
   * error. Runs in the thread that handled the request.
   *
   * @param request the request, or the datagram that was refused (see {@link UdpServer})
   * @param clientAddress who sent it
   * @param error what was thrown
   */
  protected void handleError(R request, SocketAddress clientAddress, Throwable error) {
    StringBuilder text = new StringBuilder();
    text.append("-".repeat(40)).append(System.lineSeparator());
    text.append("Exception occurred during processing of request from ")
        .append(clientAddress)
        .append(System.lineSeparator());
    java.io.StringWriter trace = new java.io.StringWriter();
    error.printStackTrace(new java.io.PrintWriter(trace, true));
    text.append(trace).append("-".repeat(40)).append(System.lineSeparator());
    System.err.print(text); // one print, so that threads' reports do not interleave
    System.err.flush();
  }

  /**
   * Called by {@link #serveForever} once per poll interval and after every request: Python's {@code
   * service_actions()}. Does nothing by default; runs in the serving thread.
   */
  protected void serviceActions() {}

  /**
   * Closes the server: Python's {@code server_close()} (and leaving a {@code with} block). Closes
   * the listening channel (see {@link #serverClose()}); if requests run in request threads and
   * {@link #blockOnClose()} is true, waits for them to finish. A running serveForever returns.
   * Detached connections still open are shut down too ({@link #shutdownRequest}). Idempotent; any
   * thread.
   *
   * @throws UncheckedIOException if closing the channel fails
   */
  @Override
  public final void close() {
    RequestThreads threads;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      threads = requestThreads;
    }
    try {
      serverClose();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot close the server on " + serverAddress(), e);
    } finally {
      synchronized (lock) {
        wakeUp(); // a running serveForever sees the closed channel and returns
      }
      for (R request : List.copyOf(openDetached)) {
        if (openDetached.remove(request)) {
          shutdownRequest(request); // their owners see the channel closed
        }
      }
      if (threads != null) {
        threads.close(blockOnClose);
      }
    }
  }

  /**
   * Binds and activates the server, as the constructors of {@link TcpServer} and {@link UdpServer}
   * do when {@code bindAndActivate} is true: Python's {@code server.server_bind();
   * server.server_activate()} after constructing with {@code bind_and_activate=False} and setting
   * options. On failure closes the channel and throws.
   *
   * @throws IOException if binding or activating fails; the channel is then closed
   */
  public final void bindAndActivate() throws IOException {
    try {
      serverBind();
      serverActivate();
    } catch (IOException | RuntimeException | Error e) {
      try {
        channel().close();
      } catch (IOException closing) {
        e.addSuppressed(closing);
      }
      throw e;
    }
  }

  /**
   * Applies the socket options and binds the channel: Python's {@code server_bind()} (of {@code
   * TCPServer}). Does nothing here; {@link TcpServer} and {@link UdpServer} bind their channel.
   * Called by {@link #bindAndActivate()}.
   *
   * @throws IOException if binding fails
   */
  protected void serverBind() throws IOException {}

  /**
   * Python's {@code server_activate()}. Does nothing here: {@link TcpServer#serverBind()} already
   * listens (Java binds and listens in one call) and datagrams need no activation; a hook for
   * subclasses. Called by {@link #bindAndActivate()}.
   *
   * @throws IOException if a subclass's activation fails
   */
  protected void serverActivate() throws IOException {}

  /**
   * Releases the server's channel: Python's {@code server_close()}; closes {@link #channel()}.
   * Called once by {@link #close()}; override to release more, and call {@code
   * super.serverClose()}.
   *
   * @throws IOException if closing fails
   */
  protected void serverClose() throws IOException {
    channel().close();
  }

  /**
   * Whether {@link #close()} has been called. Python has no such query; its closed socket has
   * fileno() -1.
   */
  public final boolean isClosed() {
    synchronized (lock) {
      return closed;
    }
  }

  /** The request threads, opened on first use; null once closed if they were never opened. */
  private RequestThreads requestThreads(Threading chosen) {
    synchronized (lock) {
      if (requestThreads == null) {
        if (closed) {
          return null; // close() has run: a pool opened now would never be shut down
        }
        requestThreads = chosen.open(daemonThreads);
      }
      return requestThreads;
    }
  }

  /** How many request threads are running a request now; 0 without threading. For tests. */
  final int activeRequestThreads() {
    synchronized (lock) {
      return requestThreads == null ? 0 : requestThreads.active();
    }
  }

  /**
   * How this server runs its requests; {@link Threading#none()} unless set. Python tells by the
   * class: isinstance(server, ThreadingMixIn).
   */
  public final Threading threading() {
    return threading;
  }

  /**
   * Chooses how requests run: in the serving thread, a thread per request, or a pool. Python
   * chooses by mixing {@code ThreadingMixIn} into the class; here it is a setting.
   *
   * @throws IllegalStateException once the first request has been handed to request threads
   */
  public final void setThreading(Threading threading) {
    Objects.requireNonNull(threading, "threading");
    synchronized (lock) {
      if (requestThreads != null) {
        throw new IllegalStateException("threading is chosen before the first request");
      }
      this.threading = threading;
    }
  }

  /** Python's {@code ThreadingMixIn.daemon_threads}; false by default. */
  public final boolean daemonThreads() {
    return daemonThreads;
  }

  /**
   * Whether platform request threads are daemon threads, which do not keep the JVM alive: Python's
   * {@code daemon_threads}. Virtual threads are always daemon threads. Takes effect for threads
   * created after the first request's; set it before serving.
   */
  public final void setDaemonThreads(boolean daemonThreads) {
    this.daemonThreads = daemonThreads;
  }

  /** Python's {@code ThreadingMixIn.block_on_close}; true by default. */
  public final boolean blockOnClose() {
    return blockOnClose;
  }

  /**
   * Whether {@link #close()} waits for running request threads to finish: Python's {@code
   * block_on_close}. Finished threads are never kept, either way.
   */
  public final void setBlockOnClose(boolean blockOnClose) {
    this.blockOnClose = blockOnClose;
  }

  /**
   * Python's {@code BaseServer.timeout}: how long {@link #handleRequest()} waits; null = forever.
   */
  public final Duration timeout() {
    return timeout;
  }

  /**
   * Sets how long {@link #handleRequest()} waits for a request before calling {@link
   * #handleTimeout()}: Python's {@code timeout}. Null (the default) waits forever. {@link
   * #serveForever} ignores it, as in Python.
   *
   * @throws IllegalArgumentException if negative
   */
  public final void setTimeout(Duration timeout) {
    if (timeout != null && timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0, or null)");
    }
    this.timeout = timeout;
  }

  /**
   * Whether the server sets {@code SO_REUSEADDR} when it binds: Python's {@code
   * allow_reuse_address}; false by default, as Python's {@code TCPServer} and {@code UDPServer}. A
   * subclass may override this to return true, as Python's {@code HTTPServer} sets the class
   * attribute; it is read by {@link #applyReuseOptions}, which the constructor of {@link TcpServer}
   * and {@link UdpServer} calls before a subclass's fields are set.
   */
  public boolean allowReuseAddress() {
    return reuseAddress;
  }

  /**
   * Sets {@link #allowReuseAddress()}; takes effect at the next bind ({@code serverBind()}).
   * Python: server.allow_reuse_address = True.
   */
  public final void setAllowReuseAddress(boolean allow) {
    this.reuseAddress = allow;
  }

  /**
   * Whether the server sets {@code SO_REUSEPORT} when it binds: Python's {@code allow_reuse_port};
   * false by default. Overridable like {@link #allowReuseAddress()}.
   */
  public boolean allowReusePort() {
    return reusePort;
  }

  /**
   * Sets {@link #allowReusePort()}; takes effect at the next bind ({@code serverBind()}). Python:
   * server.allow_reuse_port = True.
   */
  public final void setAllowReusePort(boolean allow) {
    this.reusePort = allow;
  }

  /**
   * Sets {@code SO_REUSEADDR} to {@link #allowReuseAddress()} where the channel has it, and {@code
   * SO_REUSEPORT} if {@link #allowReusePort()}: the first step of Python's {@code server_bind()}.
   * Called by a concrete server's {@code serverBind()} just before it binds {@code socket}.
   *
   * @throws IOException if an option cannot be set, or reusing the port is asked for and the
   *     channel has no {@code SO_REUSEPORT}
   */
  protected final void applyReuseOptions(NetworkChannel socket) throws IOException {
    // Unix-domain channels have no SO_REUSEADDR; CPython sets it there and the kernel ignores it.
    setIfSupported(socket, StandardSocketOptions.SO_REUSEADDR, allowReuseAddress());
    if (allowReusePort()) {
      if (!socket.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
        throw new IOException("SO_REUSEPORT is not supported for " + serverAddress());
      }
      socket.setOption(StandardSocketOptions.SO_REUSEPORT, true);
    }
  }

  private static <T> void setIfSupported(NetworkChannel socket, SocketOption<T> option, T value)
      throws IOException {
    if (socket.supportedOptions().contains(option)) {
      socket.setOption(option, value);
    }
  }
}
