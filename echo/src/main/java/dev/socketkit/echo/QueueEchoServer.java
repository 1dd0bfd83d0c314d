package dev.socketkit.echo;

import dev.socketkit.select.Select;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * Design notes.
 *
 * The lecture's section 6 server, with its names:
 *
 *   r_sock = [s_sock]; w_sock = []; msgQueue = {}
 *   r, w, e = select.select(r_sock, w_sock, r_sock)
 *   readable server socket: accept; r_sock.append(c); msgQueue[c] = queue.Queue()
 *   readable client: data -> msgQueue[s].put(data); s into w_sock;  no data -> close, remove
 *   writable: msgQueue[s].get_nowait() and send; queue empty -> w_sock.remove(s)
 *   exceptional: leave r_sock and w_sock; del msgQueue[s]
 *
 * What the lecture leaves out and a real server needs: a partial send keeps the rest at the head
 * of the queue (Python's send() would drop it); a client whose queue holds more than maxPending
 * bytes leaves r_sock until its queue drains (backpressure: memory stays bounded and the client's
 * own sends block in its kernel); end of input with echoes still queued closes the client only
 * after they went out (a half-closed client still gets every byte).
 */

/**
 * The lecture's section 6 echo server: {@code r_sock} and {@code w_sock} lists and a {@code
 * msgQueue} from each client to the queue of messages to send back, driven by {@link
 * Select#select}. Received data goes into the client's queue and the client joins the write list; a
 * writable client sends from its queue and leaves the write list when the queue is empty; a client
 * in the exceptional list leaves both lists and its queue is deleted.
 *
 * <p>Backpressure: a client whose queued echo passes {@code maxPending} bytes is not read from
 * until its queue has drained. Single-threaded: everything runs on the thread in {@link
 * #serveForever()}; see {@link EchoServer} for the lifecycle.
 */
public final class QueueEchoServer extends LoopServer {
  private static final int ACCEPTS_PER_PASS = 64;

  /** A client's messages waiting to be sent back: Python's {@code queue.Queue()} of section 6. */
  private static final class MessageQueue {
    final ArrayDeque<ByteBuffer> messages = new ArrayDeque<>();
    long bytes; // queued and not yet sent
    boolean inputEnded; // the client sent end of stream; close once the queue is empty

    void put(ByteBuffer message) {
      messages.addLast(message);
      bytes += message.remaining();
    }
  }

  private final Set<SelectableChannel> rSock = new LinkedHashSet<>(); // r_sock
  private final Set<SocketChannel> wSock = new LinkedHashSet<>(); // w_sock
  private final Map<SocketChannel, MessageQueue> msgQueue = new HashMap<>(); // msgQueue
  private final ByteBuffer buffer = ByteBuffer.allocateDirect(READ_SIZE);
  private final ByteBuffer[] gather = new ByteBuffer[16]; // one write sends up to 16 messages

  /**
   * Binds to {@code address} and listens; call {@link #serveForever()} to serve.
   *
   * @param address where to listen; port 0 picks a free port
   * @param maxPending queued bytes past which a client is not read from until its queue drains;
   *     {@link EchoServer#DEFAULT_MAX_PENDING} is a good value
   * @param listener told about each message received (the lecture's print), or null
   * @throws IOException if the address cannot be bound
   */
  public QueueEchoServer(SocketAddress address, long maxPending, Listener listener)
      throws IOException {
    super(address, maxPending, listener);
    rSock.add(serverSocket);
    rSock.add(wakeup.source());
  }

  @Override
  void serveOnce() throws IOException {
    if (acceptPaused()) {
      rSock.remove(serverSocket);
    } else {
      rSock.add(serverSocket);
    }
    Select.Ready<SelectableChannel> ready = Select.select(rSock, wSock, rSock, selectTimeout());
    for (SelectableChannel s : ready.reads()) {
      if (s == serverSocket) {
        accept();
      } else if (s != wakeup.source()) {
        receive((SocketChannel) s);
      }
    }
    for (SelectableChannel s : ready.writes()) {
      send((SocketChannel) s);
    }
    for (SelectableChannel s : ready.errors()) {
      if (s instanceof SocketChannel client) {
        remove(client); // leave both lists, delete the queue
      }
    }
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_PASS; i++) {
      SocketChannel client = acceptClient();
      if (client == null) {
        return;
      }
      rSock.add(client);
      msgQueue.put(client, new MessageQueue());
    }
  }

  /** A readable client: its data goes into its queue and it joins the write list. */
  private void receive(SocketChannel client) {
    MessageQueue queue = msgQueue.get(client);
    if (queue == null) {
      return; // removed earlier in this pass
    }
    buffer.clear();
    int n;
    try {
      n = client.read(buffer);
    } catch (IOException e) {
      remove(client);
      return;
    }
    if (n < 0) {
      if (queue.messages.isEmpty()) {
        remove(client); // no data: close and remove, as the lecture does
      } else {
        queue.inputEnded = true; // half-closed: send what is queued first
        rSock.remove(client);
      }
      return;
    }
    buffer.flip();
    if (listener != null) {
      listener.received(remote(client), buffer.asReadOnlyBuffer());
    }
    queue.put(ByteBuffer.allocate(n).put(buffer).flip()); // msgQueue[s].put(data)
    wSock.add(client);
    if (queue.bytes > maxPending) {
      rSock.remove(client); // backpressure: read again once the queue has drained
    }
  }

  /** A writable client: sends from its queue; leaves the write list when the queue is empty. */
  private void send(SocketChannel client) {
    MessageQueue queue = msgQueue.get(client);
    if (queue == null) {
      return;
    }
    try {
      while (!queue.messages.isEmpty()) {
        int count = 0;
        for (ByteBuffer message : queue.messages) {
          gather[count++] = message;
          if (count == gather.length) {
            break;
          }
        }
        long written = client.write(gather, 0, count);
        Arrays.fill(gather, 0, count, null);
        queue.bytes -= written;
        while (!queue.messages.isEmpty() && !queue.messages.peekFirst().hasRemaining()) {
          queue.messages.removeFirst(); // msgQueue[s].get_nowait(): this message is sent
        }
        if (!queue.messages.isEmpty() && queue.messages.peekFirst().position() > 0) {
          break; // a partial write: the socket is full, wait for the next write event
        }
        if (written == 0) {
          break;
        }
      }
    } catch (IOException e) {
      remove(client);
      return;
    }
    if (queue.messages.isEmpty()) {
      wSock.remove(client); // nothing left to send
      if (queue.inputEnded) {
        remove(client);
      } else {
        rSock.add(client); // back to reading, if backpressure had stopped it
      }
    }
  }

  /** Python's exceptional case: leave both lists, delete the queue; and close the socket. */
  private void remove(SocketChannel client) {
    rSock.remove(client);
    wSock.remove(client);
    msgQueue.remove(client);
    closeQuietly(client);
  }

  @Override
  void closeClients() {
    for (SocketChannel client : new ArrayList<>(msgQueue.keySet())) {
      closeQuietly(client);
    }
    rSock.retainAll(List.of(serverSocket, wakeup.source()));
    wSock.clear();
    msgQueue.clear();
  }
}
