package dev.socketkit.echo;

import dev.socketkit.select.EventLoop;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/*
 * Design notes.
 *
 * The same echo as SelectEchoServer, written the way Python's selectors documentation writes it:
 * register the listening socket once, register each client once with its own state as the key's
 * data, and let select() report only what is ready. Select.select must look at every listed
 * channel on every call; this server's cost per wait is O(ready), which is what matters with
 * thousands of mostly idle connections, and the hot path allocates nothing: one direct buffer for
 * every read, written straight back; a Client object per connection, made at accept.
 *
 * Backpressure as in SelectEchoServer: a reply that cannot go out whole is kept (at most one read,
 * at most maxPending bytes) and the client watches WRITE instead of READ until it has drained.
 */

/**
 * An echo server on {@link EventLoop}, socketkit's registration-based form of select (Python's
 * {@code selectors}): the fastest of the single-threaded echo servers, doing O(1) work per ready
 * client and allocating nothing per message.
 *
 * <p>Same guarantees as the other {@link EchoServer}s: every byte comes back in order; a client
 * whose reply cannot go out whole is not read from until it has drained; a reset or half-close
 * affects that client alone. Single-threaded: everything runs on the thread in {@link
 * #serveForever()}.
 */
public final class SelectorsEchoServer extends LoopServer implements EventLoop.Action {
  private static final int ACCEPTS_PER_PASS = 64;

  /** One client's state: the data of its registration. */
  private static final class Client {
    final SocketChannel channel;
    final EventLoop.Registration registration;
    ByteBuffer unsent; // the rest of a reply that did not go out whole, or null
    int index; // position in clients

    Client(SocketChannel channel, EventLoop.Registration registration) {
      this.channel = channel;
      this.registration = registration;
    }
  }

  private final EventLoop loop;
  private boolean acceptingPaused;
  private final ByteBuffer buffer;
  private final List<Client> clients = new ArrayList<>(); // for close() only

  /**
   * Binds to {@code address} and listens; call {@link #serveForever()} to serve.
   *
   * @param address where to listen; port 0 picks a free port
   * @param maxPending the most bytes of one client's echo the server holds (and one read's size
   *     limit); {@link EchoServer#DEFAULT_MAX_PENDING} is a good value
   * @param listener told about each message received, or null
   * @throws IOException if the address cannot be bound or the selector cannot be opened
   */
  public SelectorsEchoServer(SocketAddress address, long maxPending, Listener listener)
      throws IOException {
    super(address, maxPending, listener);
    buffer = ByteBuffer.allocateDirect((int) Math.min(READ_SIZE, maxPending));
    EventLoop opened = EventLoop.open();
    try {
      opened.register(serverSocket, EventLoop.READ, null);
      opened.register(wakeup.source(), EventLoop.READ, null);
    } catch (IOException | RuntimeException e) {
      opened.close();
      serverSocket.close();
      wakeup.close();
      throw e;
    }
    loop = opened;
  }

  @Override
  void serveOnce() throws IOException {
    boolean paused = acceptPaused();
    if (paused != acceptingPaused) {
      acceptingPaused = paused;
      loop.modify(loop.registration(serverSocket), paused ? 0 : EventLoop.READ);
    }
    loop.select(selectTimeout(), this);
  }

  /** Called by the loop for each ready channel. */
  @Override
  public void ready(EventLoop.Registration registration, int events) {
    Object data = registration.data();
    if (data instanceof Client client) {
      if ((events & EventLoop.WRITE) != 0) {
        flush(client);
      } else {
        echo(client);
      }
    } else if (registration.channel() == serverSocket) {
      accept();
    }
    // else: the wake-up pipe; serveForever sees the stop request
  }

  private void accept() {
    for (int i = 0; i < ACCEPTS_PER_PASS; i++) {
      SocketChannel channel = acceptClient();
      if (channel == null) {
        return;
      }
      try {
        EventLoop.Registration registration = loop.register(channel, EventLoop.READ, null);
        Client client = new Client(channel, registration);
        registration.attach(client);
        client.index = clients.size();
        clients.add(client);
      } catch (IOException e) {
        closeQuietly(channel); // this client could not be set up; the others go on
      }
    }
  }

  private void echo(Client client) {
    SocketChannel channel = client.channel;
    buffer.clear();
    try {
      if (channel.read(buffer) < 0) {
        loop.modify(client.registration, 0); // end of stream: nothing more to watch
        forget(client);
        closeAfterLastEcho(channel);
        return;
      }
      buffer.flip();
      if (listener != null) {
        listener.received(remote(channel), buffer.asReadOnlyBuffer());
      }
      channel.write(buffer);
    } catch (IOException e) {
      drop(client);
      return;
    }
    if (buffer.hasRemaining()) {
      client.unsent = ByteBuffer.allocate(buffer.remaining()).put(buffer).flip();
      loop.modify(client.registration, EventLoop.WRITE); // write readiness alone until drained
    }
  }

  private void flush(Client client) {
    try {
      client.channel.write(client.unsent);
    } catch (IOException e) {
      drop(client);
      return;
    }
    if (!client.unsent.hasRemaining()) {
      client.unsent = null;
      loop.modify(client.registration, EventLoop.READ);
    }
  }

  private void drop(Client client) {
    closeQuietly(client.channel); // also ends its registration
    forget(client);
  }

  /** Takes the client out of the list close() walks. */
  private void forget(Client client) {
    if (client.index < 0) {
      return; // dropped already
    }
    Client last = clients.remove(clients.size() - 1);
    if (last != client) {
      clients.set(client.index, last); // O(1) removal; the order does not matter
      last.index = client.index;
    }
    client.index = -1;
  }

  @Override
  void forgetChannels() {
    // The loop is this server's own; closeClients() closes it, which deregisters everything.
  }

  @Override
  void closeClients() {
    for (Client client : clients) {
      closeQuietly(client.channel);
    }
    clients.clear();
    try {
      loop.close();
    } catch (IOException ignored) {
      // The selector only held registrations of channels that are closed now.
    }
  }
}
