package dev.socketkit.gui;

import dev.socketkit.gui.internal.Backoff;
import dev.socketkit.gui.internal.LineFramer;
import dev.socketkit.select.Select;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/*
 * Design notes.
 *
 * The lecture's tkinter client keeps a global socket, and handle() -- run every delay_time by
 * after() -- calls select() with timeout 0 and shows what arrived. This class is that socket and
 * that handle(), without the window: each call polls once with Select.select(..., Duration.ZERO)
 * and returns what the screen should show. The lecture connects with a blocking connect() before
 * mainloop(); a window that must keep painting cannot, so here the connect is non-blocking too and
 * handle() watches it with the same zero-timeout select: the channel is in the writes and errors
 * lists while connecting (Select finishes the connect for us), in the reads list once connected,
 * and also in the writes list while a click is only partly sent.
 *
 * States: DISCONNECTED --(retry time reached)--> CONNECTING --(writable)--> CONNECTED
 *         CONNECTING --(error or timeout)--> DISCONNECTED; CONNECTED --(EOF or I/O error)-->
 *         DISCONNECTED. Every move to DISCONNECTED closes the channel and sets the next attempt
 *         one back-off delay later; a successful connect resets the back-off.
 *
 * Time comes from an injectable nanoTime so that tests can check the back-off schedule without
 * waiting for it.
 */

/**
 * The model of the lecture's ON/OFF GUI client (section 4): the socket to the echo server, the
 * button's state and the last echo, with no window.
 *
 * <p>{@link #handle()} stands for the lecture's {@code handle()}: called periodically (by a {@code
 * javax.swing.Timer} in {@link OnOffWindow}, as {@code after(delay_time, handle)} does in tkinter),
 * it polls the socket once with a zero-timeout {@link Select#select} and never blocks. {@link
 * #buttonCommand()} stands for the lecture's {@code button_command()}: it toggles the button and
 * sends {@code "ON\n"} or {@code "OFF\n"}. Both return the {@link Screen} to show.
 *
 * <p>When the server is not there or goes away, the client says so in {@link Screen#status()} and
 * tries again after a back-off that starts at {@link #FIRST_RETRY} and doubles up to {@link
 * #MAX_RETRY}. No method throws an {@link IOException}: network failures become the screen's
 * status. A click while not connected toggles the button but is not sent (nothing is queued for a
 * later connection, whose server would echo a stale state); the screen's notice says so.
 *
 * <p>Threads: not thread-safe; one thread makes every call (the Swing event-dispatch thread in the
 * window). Since {@link Select} keeps a selector per thread, that thread's selector watches the
 * channel. Lifecycle: the first {@code handle()} starts connecting; {@link #close()} closes the
 * socket, after which {@code handle()} and {@code buttonCommand()} change nothing on the network.
 */
public final class OnOffClient implements AutoCloseable {
  /** Delay before the first retry: short, so a server started a moment late is found at once. */
  public static final Duration FIRST_RETRY = Duration.ofMillis(250);

  /** Longest delay between attempts: a restarted server is noticed within this long. */
  public static final Duration MAX_RETRY = Duration.ofSeconds(8);

  /** A connect still pending after this long is abandoned (a host that drops our SYNs). */
  public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);

  /**
   * Most bytes waiting to be sent. A click's line is at most 4 bytes, so only a server that stopped
   * reading for thousands of clicks gets here; further clicks are then refused, never dropped.
   */
  static final int MAX_PENDING = 64 * 1024;

  /** Most bytes read by one handle(), so a flood of echoes cannot keep the window from painting. */
  static final int READ_BUDGET = 64 * 1024;

  private final InetSocketAddress server;
  private final String serverName;
  private final LongSupplier nanoTime;
  private final Backoff backoff = new Backoff(FIRST_RETRY, MAX_RETRY);
  private final LineFramer framer = new LineFramer();
  private final ByteBuffer readBuffer = ByteBuffer.allocate(4096);
  private final ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
  private int pendingBytes;

  private SocketChannel channel; // null unless CONNECTING or CONNECTED
  private SocketChannel lastChannel; // the last one opened, even once closed; for hasOpenSocket()
  private ConnectionState state = ConnectionState.DISCONNECTED;
  private long nextAttemptAt; // nanoTime of the next connect attempt while DISCONNECTED
  private long connectDeadline; // nanoTime at which a pending connect is abandoned
  private int attempts;
  private String reason = ""; // why the last connection ended or failed
  private boolean on;
  private String lastEcho = "";
  private String notice = "";
  private boolean closed;

  /**
   * Creates a client for the echo server at {@code server}; it does no I/O until the first {@link
   * #handle()}.
   *
   * @throws IllegalArgumentException if {@code server} is unresolved: resolving a name may block,
   *     so the caller does it before the window opens, off the event-dispatch thread
   */
  public OnOffClient(InetSocketAddress server) {
    this(server, System::nanoTime);
  }

  /** Creates a client whose clock is {@code nanoTime}; for tests of the back-off schedule. */
  OnOffClient(InetSocketAddress server, LongSupplier nanoTime) {
    Objects.requireNonNull(server, "server");
    if (server.isUnresolved()) {
      throw new IllegalArgumentException("server: " + server + " (expected: a resolved address)");
    }
    this.server = server;
    this.serverName = hostPort(server);
    this.nanoTime = Objects.requireNonNull(nanoTime, "nanoTime");
    this.nextAttemptAt = nanoTime.getAsLong();
  }

  /** The server's address as {@code HOST:PORT} ({@code [v6]:PORT} for IPv6), for titles. */
  public static String hostPort(InetSocketAddress address) {
    String host = address.getHostString();
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + address.getPort();
  }

  /**
   * The lecture's {@code handle()}: polls the socket once without blocking and returns what to
   * show. Starts a connect when the retry time has come, notices a connect that completed or
   * failed, sends what a click left unsent, and reads whatever echoes have arrived.
   */
  public Screen handle() {
    if (closed) {
      return screen();
    }
    long now = nanoTime.getAsLong();
    switch (state) {
      case DISCONNECTED -> {
        if (now - nextAttemptAt >= 0) {
          startConnect(now);
        }
      }
      case CONNECTING -> pollConnect(now);
      case CONNECTED -> pollConnected(now);
    }
    return screen();
  }

  /**
   * The lecture's {@code button_command()}: toggles the button and sends {@code "ON\n"} or {@code
   * "OFF\n"} to the server, or says in the notice why it could not.
   */
  public Screen buttonCommand() {
    on = !on;
    String message = on ? "ON" : "OFF";
    if (closed) {
      notice = message + " not sent: the client is closed";
    } else if (state != ConnectionState.CONNECTED) {
      notice = message + " not sent: not connected";
    } else if (pendingBytes + message.length() + 1 > MAX_PENDING) {
      notice = message + " not sent: the server is not reading";
    } else {
      notice = "";
      byte[] line = (message + "\n").getBytes(StandardCharsets.US_ASCII);
      outgoing.addLast(ByteBuffer.wrap(line));
      pendingBytes += line.length;
      long now = nanoTime.getAsLong();
      flush(now); // most clicks go out at once; the rest waits for a writable socket in handle()
    }
    return screen();
  }

  /** What the screen shows now, without touching the network. */
  public Screen screen() {
    return new Screen(state, on, lastEcho, status(), notice);
  }

  /** How many connects were started; for tests of the back-off. */
  int attempts() {
    return attempts;
  }

  /**
   * Whether the client holds a socket's descriptor: a channel that is open (connecting or
   * connected), or closed but still registered with the thread's selector, which keeps the
   * descriptor until the key is deregistered; for tests.
   */
  boolean hasOpenSocket() {
    return lastChannel != null && (lastChannel.isOpen() || lastChannel.isRegistered());
  }

  /** Whether bytes of a click are still waiting to be sent; for tests. */
  boolean hasPendingOutput() {
    return pendingBytes > 0;
  }

  /**
   * Closes the socket. Idempotent. Afterwards the screen says {@code "closed"} and nothing is sent
   * or received.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeChannel();
    state = ConnectionState.DISCONNECTED;
    reason = "closed";
  }

  private void startConnect(long now) {
    attempts++;
    try {
      SocketChannel opened = SocketChannel.open();
      channel = opened;
      lastChannel = opened;
      opened.configureBlocking(false);
      opened.setOption(StandardSocketOptions.TCP_NODELAY, true); // a click is one small write
      if (opened.connect(server)) {
        connected();
      } else {
        state = ConnectionState.CONNECTING;
        connectDeadline = now + CONNECT_TIMEOUT.toNanos();
      }
    } catch (ConnectException e) {
      // Some systems refuse a loopback connect at once instead of through select: same answer.
      fail(now, "no echo server at " + serverName);
    } catch (IOException e) {
      fail(now, "cannot connect to " + serverName + " (" + describe(e) + ")");
    }
  }

  private void pollConnect(long now) {
    List<SocketChannel> watched = List.of(channel);
    Select.Ready<SocketChannel> ready;
    try {
      ready = Select.select(List.of(), watched, watched, Duration.ZERO);
    } catch (IOException e) {
      fail(now, "cannot watch the connection (" + describe(e) + ")");
      return;
    }
    if (!ready.errors().isEmpty()) {
      // Select finished the connect for us and it failed; NIO has closed the channel and kept the
      // reason to itself, which on loopback is nearly always a refused connection.
      fail(now, "no echo server at " + serverName);
    } else if (!ready.writes().isEmpty() && channel.isConnected()) {
      connected();
    } else if (now - connectDeadline >= 0) {
      fail(now, "no answer from " + serverName + " in " + CONNECT_TIMEOUT.toSeconds() + " s");
    }
  }

  private void pollConnected(long now) {
    List<SocketChannel> watched = List.of(channel);
    Select.Ready<SocketChannel> ready;
    try {
      ready =
          Select.select(watched, pendingBytes > 0 ? watched : List.of(), List.of(), Duration.ZERO);
    } catch (IOException e) {
      fail(now, "cannot watch the connection (" + describe(e) + ")");
      return;
    }
    if (!ready.writes().isEmpty()) {
      flush(now);
    }
    if (state == ConnectionState.CONNECTED && !ready.reads().isEmpty()) {
      receive(now);
    }
  }

  private void receive(long now) {
    int total = 0;
    while (total < READ_BUDGET) {
      readBuffer.clear();
      int n;
      try {
        n = channel.read(readBuffer);
      } catch (IOException e) {
        fail(now, "the connection broke (" + describe(e) + ")");
        return;
      }
      if (n < 0) {
        fail(now, "the server closed the connection");
        return;
      }
      if (n == 0) {
        return;
      }
      total += n;
      readBuffer.flip();
      List<String> lines = framer.feed(readBuffer);
      if (!lines.isEmpty()) {
        lastEcho = lines.get(lines.size() - 1);
      }
    }
  }

  private void flush(long now) {
    try {
      while (!outgoing.isEmpty()) {
        ByteBuffer head = outgoing.peekFirst();
        pendingBytes -= channel.write(head);
        if (head.hasRemaining()) {
          return; // the socket's buffer is full: handle() finishes when it is writable again
        }
        outgoing.removeFirst();
      }
    } catch (IOException e) {
      fail(now, "the connection broke (" + describe(e) + ")");
    }
  }

  private void connected() {
    state = ConnectionState.CONNECTED;
    reason = "";
    notice = "";
    backoff.reset();
  }

  private void fail(long now, String why) {
    closeChannel();
    state = ConnectionState.DISCONNECTED;
    reason = why;
    nextAttemptAt = now + backoff.next().toNanos();
  }

  private void closeChannel() {
    outgoing.clear(); // those bytes were for a connection that is gone; the server never sees them
    pendingBytes = 0;
    framer.clear();
    if (channel != null) {
      try {
        // Deregister first: NIO keeps a registered channel's descriptor open until its key is
        // deregistered, which would be never once the window has closed and stops selecting.
        Select.forget(channel);
      } catch (IOException ignored) {
        // The selector failed; closing the channel below is all that is left to do.
      }
      try {
        channel.close();
      } catch (IOException ignored) {
        // Closing a socket that already failed: there is nothing left to tell the user.
      }
      channel = null;
    }
  }

  private String status() {
    if (closed) {
      return "closed";
    }
    return switch (state) {
      case CONNECTED -> "connected to " + serverName;
      case CONNECTING ->
          "connecting to "
              + serverName
              + " …"
              + (attempts > 1 ? " (attempt " + attempts + ")" : "");
      case DISCONNECTED -> {
        if (attempts == 0) {
          yield "connecting to " + serverName + " …";
        }
        long waitNanos = Math.max(0, nextAttemptAt - nanoTime.getAsLong());
        long seconds = (waitNanos + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
        yield "disconnected: "
            + reason
            + (seconds > 0 ? "; retrying in " + seconds + " s" : "; retrying now");
      }
    };
  }

  /** One readable phrase for an I/O failure: its message, or its kind when it has none. */
  private static String describe(IOException e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }
}
