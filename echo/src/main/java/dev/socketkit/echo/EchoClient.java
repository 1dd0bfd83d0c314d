package dev.socketkit.echo;

import dev.socketkit.select.Select;
import java.io.BufferedReader;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/*
 * Design notes.
 *
 * The lecture's section 3 client calls select with timeout 0 so that it never waits for a reply:
 *
 *   while True:
 *       r, w, e = select.select([sock], [], [], 0)
 *       if r: print(sock.recv(1024).decode())
 *       msg = input(); sock.send(msg.encode())
 *
 * Python's input() blocks, which defeats the point. Here a reader thread puts each stdin line into
 * a queue (section 5's queue.Queue, a LinkedBlockingQueue): the loop polls the socket with timeout
 * zero, prints what came back, then takes the next line from the queue, waiting at most
 * POLL_INTERVAL for one, and sends it. The socket is the loop's alone; the reader thread only
 * touches the queue.
 */

/**
 * The lecture's section 3 client: sends each line it is given to an echo server and prints each
 * line that comes back, polling the socket with {@link Select#select} and a zero timeout so that it
 * keeps sending while no reply has arrived.
 *
 * <p>Over a stream ({@link #connect}: TCP, or a Unix-domain socket) each line goes out with its
 * {@code \n} and the replies are split into lines again. Over UDP ({@link #udp}) each line is one
 * datagram and each datagram that comes back is printed as one line.
 *
 * <p>Threads: {@link #run} runs on the calling thread and starts one daemon thread that reads the
 * input. The caller closes the client, which closes the socket.
 */
public final class EchoClient implements Closeable {
  /** How long the loop waits for an input line before it polls the socket again. */
  private static final long POLL_INTERVAL_MILLIS = 10;

  private static final int MAX_DATAGRAM = 65_507; // the largest UDP payload over IPv4

  /** Lines read ahead of the socket, and lines not yet sent, before input reading waits. */
  private static final int MAX_QUEUED_LINES = 1024;

  private final SelectableChannel channel;
  private final ByteChannel io;
  private final boolean datagrams;

  private EchoClient(SelectableChannel channel, ByteChannel io, boolean datagrams) {
    this.channel = channel;
    this.io = io;
    this.datagrams = datagrams;
  }

  /**
   * Connects to an echo server over TCP (or a Unix-domain socket, for a {@code
   * UnixDomainSocketAddress}).
   *
   * @throws java.net.ConnectException if the connection is refused
   * @throws IOException if it cannot connect for another reason
   */
  public static EchoClient connect(SocketAddress server) throws IOException {
    SocketChannel socket = SocketChannel.open(server);
    return new EchoClient(socket, socket, false);
  }

  /**
   * Prepares to talk to a UDP echo server: a datagram channel connected to {@code server}, so that
   * only its replies are received and a refusal (ICMP port unreachable) is reported.
   */
  public static EchoClient udp(SocketAddress server) throws IOException {
    DatagramChannel datagram = DatagramChannel.open();
    try {
      datagram.connect(server);
    } catch (IOException | RuntimeException e) {
      datagram.close();
      throw e;
    }
    return new EchoClient(datagram, datagram, true);
  }

  /** What {@link #run} did: lines sent and echoes received (lines, or datagrams over UDP). */
  public record Result(long sent, long received, boolean complete) {}

  /**
   * Sends every line of {@code input} and hands every echoed line to {@code output}, then, at the
   * end of the input, waits up to {@code drain} for the echoes still outstanding.
   *
   * @param input the lines to send, read as UTF-8 (for example {@code System.in})
   * @param output called on this thread with each echoed line, without its line end
   * @param drain how long to wait for outstanding echoes after the end of the input
   * @return the counts, and whether every echo came back (over a stream: every byte)
   * @throws java.net.PortUnreachableException over UDP when no server listens there
   * @throws IOException if the connection fails
   */
  public Result run(InputStream input, Consumer<String> output, Duration drain) throws IOException {
    // queue.Queue(maxsize): bounded, so a huge piped input waits in the pipe, not in memory.
    BlockingQueue<Optional<String>> lines = new LinkedBlockingQueue<>(MAX_QUEUED_LINES);
    Thread reader = new Thread(() -> readLines(input, lines), "echo-client-stdin");
    reader.setDaemon(true); // a terminal's stdin may never end; it must not keep the JVM alive
    reader.start();

    ByteBuffer in = ByteBuffer.allocate(datagrams ? MAX_DATAGRAM : 8192);
    ByteArrayOutputStream partialLine = new ByteArrayOutputStream();
    ArrayDeque<ByteBuffer> outgoing = new ArrayDeque<>();
    long sentLines = 0;
    long receivedLines = 0;
    long sentBytes = 0;
    long receivedBytes = 0;
    boolean inputEnded = false;
    long drainDeadline = 0;
    boolean serverClosed = false;
    while (true) {
      // r, w, e = select.select([sock], [sock if unsent], [], 0): never waits.
      Select.Ready<SelectableChannel> ready =
          Select.select(
              List.of(channel),
              outgoing.isEmpty() ? List.of() : List.of(channel),
              List.of(),
              Duration.ZERO);
      if (!ready.reads().isEmpty()) {
        in.clear();
        int n = io.read(in);
        if (n < 0) {
          serverClosed = true;
        } else if (datagrams) {
          in.flip();
          output.accept(withoutLineEnd(StandardCharsets.UTF_8.decode(in).toString()));
          receivedLines++;
        } else {
          receivedBytes += n;
          for (int i = 0; i < n; i++) {
            byte b = in.get(i);
            if (b == '\n') {
              output.accept(partialLine.toString(StandardCharsets.UTF_8));
              partialLine.reset();
              receivedLines++;
            } else {
              partialLine.write(b);
            }
          }
        }
      }
      if (!ready.writes().isEmpty()) {
        ByteBuffer head = outgoing.peekFirst();
        io.write(head);
        if (!head.hasRemaining()) {
          outgoing.removeFirst();
        }
      }
      boolean outstanding =
          !outgoing.isEmpty()
              || (datagrams ? receivedLines < sentLines : receivedBytes < sentBytes);
      if (inputEnded) {
        long left = drainDeadline - System.nanoTime();
        if (!outstanding || serverClosed || left <= 0) {
          break;
        }
        awaitChannel(!outgoing.isEmpty(), Math.min(left, WAIT_SLICE_NANOS));
        continue;
      }
      if (serverClosed) {
        break;
      }
      if (outgoing.size() >= MAX_QUEUED_LINES) {
        // The server is slow to take what we send: let the socket drain first.
        awaitChannel(true, WAIT_SLICE_NANOS);
        continue;
      }
      Optional<String> line;
      try {
        line = lines.poll(POLL_INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while waiting for input");
      }
      if (line == null) {
        continue;
      }
      if (line.isEmpty()) {
        inputEnded = true;
        drainDeadline = System.nanoTime() + drain.toNanos();
        continue;
      }
      byte[] bytes = (datagrams ? line.get() : line.get() + "\n").getBytes(StandardCharsets.UTF_8);
      outgoing.addLast(ByteBuffer.wrap(bytes));
      sentLines++;
      sentBytes += bytes.length;
    }
    if (partialLine.size() > 0) {
      output.accept(partialLine.toString(StandardCharsets.UTF_8));
    }
    boolean complete =
        outgoing.isEmpty() && (datagrams ? receivedLines >= sentLines : receivedBytes >= sentBytes);
    return new Result(sentLines, receivedLines, complete);
  }

  /** The longest one wait for the socket lasts when there is no input to poll for. */
  private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

  /**
   * Waits until the socket is readable (or writable, if {@code writing}), or {@code nanos} pass,
   * when there is no input to poll for: the loop's own select(..., 0) then sees what is ready. A
   * wait instead of a sleep, so the loop wakes for echoes at once and not a thousand times a
   * second.
   *
   * @throws InterruptedIOException if the thread is interrupted (its interrupt status stays set)
   */
  private void awaitChannel(boolean writing, long nanos) throws IOException {
    List<SelectableChannel> watched = List.of(channel);
    Select.select(watched, writing ? watched : List.of(), List.of(), Duration.ofNanos(nanos));
  }

  /** A datagram's text without one line end ("\r\n", "\n" or "\r"); other spaces are kept. */
  static String withoutLineEnd(String text) {
    if (text.endsWith("\r\n")) {
      return text.substring(0, text.length() - 2);
    }
    if (text.endsWith("\n") || text.endsWith("\r")) {
      return text.substring(0, text.length() - 1);
    }
    return text;
  }

  /** The reader thread: every line into the queue, then an empty Optional for end of input. */
  private static void readLines(InputStream input, BlockingQueue<Optional<String>> lines) {
    try (BufferedReader reader =
        new BufferedReader(new InputStreamReader(input, StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        lines.put(Optional.of(line)); // q.put(line): waits while the queue is full
      }
    } catch (IOException ignored) {
      // Unreadable input ends the input; the loop sends what it has and finishes normally.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    try {
      lines.put(Optional.empty());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Closes the socket. Called on the thread that ran {@link #run}, it first takes the socket out of
   * that thread's selector: NIO defers closing a registered channel's descriptor until its selector
   * next selects, which for a thread that selects no more would be never.
   */
  @Override
  public void close() throws IOException {
    try {
      Select.forget(channel);
    } finally {
      channel.close();
    }
  }
}
