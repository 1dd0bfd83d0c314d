package dev.socketkit.echo;

import dev.socketkit.select.Select;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/*
 * Design notes.
 *
 * The lecture's section 2 server watches read events only:
 *
 *   r_sock, w_sock, e_sock = select.select(socks, [], [])
 *   for s in r_sock:
 *       if s == s_sock: accept, socks.append(c_sock)
 *       else: data = s.recv(BUFFER); if not data: close, remove; else: print, s.send(data)
 *
 * s.send() in Python may send only part of the data when the client is not reading; the lecture's
 * program then loses the rest. Here a reply that cannot go out whole is kept, the client leaves
 * the read list and joins the write list alone, and when its reply has drained it goes back to
 * reading: section 6's technique, used only for such clients. Because reading stops at once, a
 * client's unsent echo is at most one read, and one read is at most maxPending bytes.
 *
 * The hot path allocates nothing of its own: one direct buffer is reused for every read and is
 * written straight back. (Select.select allocates its three result lists per call.)
 */

/**
 * The lecture's section 2 echo server, written with {@link Select#select}: it watches read events,
 * accepts new clients into its list, sends each message straight back and drops closed clients.
 *
 * <p>A client that does not read its echoes cannot make the server lose bytes or slow the others:
 * when a reply cannot go out whole, that client alone waits for write readiness (section 6's
 * technique) and is not read from until its reply has drained. Single-threaded: everything runs on
 * the thread in {@link #serveForever()}; see {@link EchoServer} for the lifecycle.
 */
public final class SelectEchoServer extends LoopServer {
  /**
   * Accepts per readiness of the listening socket, so a burst of clients does not starve others.
   */
  private static final int ACCEPTS_PER_PASS = 64;

  private final Set<SelectableChannel> socks = new LinkedHashSet<>(); // the lecture's read list
  private final Set<SocketChannel> waitingToWrite = new LinkedHashSet<>();
  private final Map<SocketChannel, ByteBuffer> unsent = new HashMap<>();
  private final ByteBuffer buffer;

  /**
   * Binds to {@code address} and listens; call {@link #serveForever()} to serve.
   *
   * @param address where to listen; port 0 picks a free port
   * @param maxPending the most bytes of one client's echo the server holds (and one read's size
   *     limit); {@link EchoServer#DEFAULT_MAX_PENDING} is a good value
   * @param listener told about each message received (the lecture's print), or null
   * @throws IOException if the address cannot be bound
   */
  public SelectEchoServer(SocketAddress address, long maxPending, Listener listener)
      throws IOException {
    super(address, maxPending, listener);
    buffer = ByteBuffer.allocateDirect((int) Math.min(READ_SIZE, maxPending));
    socks.add(serverSocket);
    socks.add(wakeup.source());
  }

  @Override
  void serveOnce() throws IOException {
    if (acceptPaused()) {
      socks.remove(serverSocket);
    } else {
      socks.add(serverSocket);
    }
    Select.Ready<SelectableChannel> ready =
        Select.select(socks, waitingToWrite, List.of(), selectTimeout());
    for (SelectableChannel s : ready.reads()) {
      if (s == serverSocket) {
        accept();
      } else if (s != wakeup.source()) {
        echo((SocketChannel) s);
      }
    }
    for (SelectableChannel s : ready.writes()) {
      flush((SocketChannel) s);
    }
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_PASS; i++) {
      SocketChannel client = acceptClient();
      if (client == null) {
        return;
      }
      socks.add(client);
    }
  }

  /** Reads what the client sent and sends it straight back. */
  private void echo(SocketChannel client) {
    buffer.clear();
    try {
      int n = client.read(buffer);
      if (n < 0) {
        drop(client); // nothing of its is unsent (it would not be in the read list otherwise)
        return;
      }
      buffer.flip();
      if (listener != null) {
        listener.received(remote(client), buffer.asReadOnlyBuffer());
      }
      client.write(buffer);
    } catch (IOException e) {
      drop(client); // reset, or gone: this client alone
      return;
    }
    if (buffer.hasRemaining()) {
      // The client is not reading: keep the rest, and wait for it to be writable instead.
      ByteBuffer rest = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
      unsent.put(client, rest);
      socks.remove(client);
      waitingToWrite.add(client);
    }
  }

  /** Sends more of a reply that did not go out whole; back to reading once it has drained. */
  private void flush(SocketChannel client) {
    ByteBuffer rest = unsent.get(client);
    if (rest == null) {
      return;
    }
    try {
      client.write(rest);
    } catch (IOException e) {
      drop(client);
      return;
    }
    if (!rest.hasRemaining()) {
      unsent.remove(client);
      waitingToWrite.remove(client);
      socks.add(client);
    }
  }

  private void drop(SocketChannel client) {
    socks.remove(client);
    waitingToWrite.remove(client);
    unsent.remove(client);
    closeQuietly(client);
  }

  @Override
  void closeClients() {
    List<SelectableChannel> all = new ArrayList<>(socks);
    all.addAll(waitingToWrite);
    for (SelectableChannel s : all) {
      if (s instanceof SocketChannel client) {
        closeQuietly(client);
      }
    }
    socks.clear();
    waitingToWrite.clear();
    unsent.clear();
  }
}
