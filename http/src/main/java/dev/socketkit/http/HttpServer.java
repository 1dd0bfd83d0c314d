package dev.socketkit.http;

import dev.socketkit.http.internal.ErrorPage;
import dev.socketkit.server.TcpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;

/**
 * An HTTP server: Python's {@code http.server.HTTPServer}, a {@link TcpServer} with reuse-address
 * on, whose handlers are {@link BaseHttpRequestHandler}s. Serves one connection at a time; {@link
 * ThreadingHttpServer} serves each in its own thread.
 *
 * <p>Every accepted connection has {@code TCP_NODELAY} on (Python leaves Nagle's algorithm on). The
 * listen backlog is Python's 5 ({@link #setRequestQueueSize} before binding for more).
 *
 * <p>Beyond Python's: {@link #setSslContext} (HTTPS, the handshake in the connection's thread),
 * {@link #setMaxConnections} and {@link #setMaxConnectionsPerClient} (over them, new connections
 * get 503 and are closed), {@link #setHeaderTimeout} (408 for a request head that does not arrive
 * in time; over TLS the handshake counts towards it), {@link #setWriteTimeout} (a client that does
 * not read is closed) and {@link #setIdleTimeout} (persistent connections idle that long are
 * closed). Settings may be changed from any thread; a connection reads them when it needs them.
 *
 * <p>Lifecycle: as {@link TcpServer}; {@link #close()} also closes the connections still open, so
 * that handlers blocked on a slow or idle client (or streaming for hours) end. A connection a
 * handler detached ({@link BaseHttpRequestHandler#detach()}) counts towards both limits until its
 * {@link dev.socketkit.server.DetachedConnection} is closed, and {@link #close()} closes it too.
 */
public class HttpServer extends TcpServer {
  /** Default {@link #maxConnections()}: generous for one machine, and bounded. */
  public static final int DEFAULT_MAX_CONNECTIONS = 1_000;

  /** Default {@link #headerTimeout()}: the whole request head within ten seconds. */
  public static final Duration DEFAULT_HEADER_TIMEOUT = Duration.ofSeconds(10);

  /** Default {@link #maxConnectionsPerClient()}: a browser opens six; a flood from one address. */
  public static final int DEFAULT_MAX_CONNECTIONS_PER_CLIENT = 50;

  /** Default {@link #writeTimeout()}: one write to the client may last thirty seconds. */
  public static final Duration DEFAULT_WRITE_TIMEOUT = Duration.ofSeconds(30);

  /** Default {@link #idleTimeout()} between requests on a persistent connection. */
  public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(60);

  // Rejections (503) are written by short-lived threads, at most this many at once; beyond that a
  // connection over the limit is closed without an answer, so a flood cannot make threads pile up.
  private static final int MAX_CONCURRENT_REJECTIONS = 16;

  private volatile SSLContext sslContext;
  private volatile int maxConnections = DEFAULT_MAX_CONNECTIONS;
  private volatile Duration headerTimeout = DEFAULT_HEADER_TIMEOUT;
  private volatile Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
  private volatile int maxConnectionsPerClient = DEFAULT_MAX_CONNECTIONS_PER_CLIENT;
  private volatile Duration writeTimeout = DEFAULT_WRITE_TIMEOUT;
  private final Map<SocketChannel, Client> connections = new ConcurrentHashMap<>();
  private final Map<InetAddress, Integer> perClient = new ConcurrentHashMap<>();
  private final Semaphore rejections = new Semaphore(MAX_CONCURRENT_REJECTIONS);

  /**
   * Makes the server, binds it with reuse-address on and starts listening: Python's {@code
   * HTTPServer(server_address, RequestHandlerClass)}.
   *
   * @param address where to listen; port 0 picks a free port ({@link #serverAddress()})
   * @param handlerFactory makes one handler per connection, e.g. {@code MyHandler::new}
   * @throws IOException if binding fails (the port is in use); nothing is left open
   */
  public HttpServer(
      SocketAddress address, Supplier<? extends BaseHttpRequestHandler> handlerFactory)
      throws IOException {
    this(address, handlerFactory, true);
  }

  /**
   * Makes the server with reuse-address on; binds and activates it if {@code bindAndActivate}
   * (otherwise set options, then call {@link #serverBind()} and {@link #serverActivate()}).
   *
   * @throws IOException if binding fails; nothing is left open
   */
  // As Python's HTTPServer, the constructor binds through overridable serverBind and
  // serverActivate: "this" escapes to them on purpose (JDK 21+ lint), as in TcpServer.
  @SuppressWarnings("this-escape")
  public HttpServer(
      SocketAddress address,
      Supplier<? extends BaseHttpRequestHandler> handlerFactory,
      boolean bindAndActivate)
      throws IOException {
    super(address, handlerFactory, false);
    setAllowReuseAddress(true); // Python's allow_reuse_address = 1
    if (bindAndActivate) {
      try {
        serverBind();
        serverActivate();
      } catch (IOException | RuntimeException | Error e) {
        close();
        throw e;
      }
    }
  }

  /** The TLS context that makes connections HTTPS, or null for plain HTTP (the default). */
  public final SSLContext sslContext() {
    return sslContext;
  }

  /**
   * Serves HTTPS with {@code context} (null: plain HTTP) from the next connection on. The TLS
   * handshake runs in the connection's thread, never in the accept loop, and it and the first
   * request head must together be done within the header timeout (wall clock, however slowly the
   * bytes trickle in).
   */
  public final void setSslContext(SSLContext context) {
    this.sslContext = context;
  }

  /** The most connections served at once; more get 503 and are closed. */
  public final int maxConnections() {
    return maxConnections;
  }

  /**
   * Sets the most connections served at once (default 1,000). A connection over it gets {@code 503
   * Service Unavailable} with {@code Retry-After} (HTTPS: is closed) and does not reach a handler.
   *
   * @throws IllegalArgumentException if {@code max} is below 1
   */
  public final void setMaxConnections(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnections: " + max + " (expected: >= 1)");
    }
    this.maxConnections = max;
  }

  /** How long a client has to send a whole request head (request line and headers). */
  public final Duration headerTimeout() {
    return headerTimeout;
  }

  /**
   * Sets how long a client has, from connecting (first request) or from the request's first byte
   * (later requests), to send a whole request head; after that a client that had begun gets 408,
   * one that sent nothing gets no answer, and the connection closes (default 10 s). Bounds
   * slow-loris clients, which send a byte at a time.
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public final void setHeaderTimeout(Duration timeout) {
    this.headerTimeout = positive("headerTimeout", timeout);
  }

  /** How long a persistent connection may wait for its next request. */
  public final Duration idleTimeout() {
    return idleTimeout;
  }

  /**
   * Sets how long a persistent connection may wait for the first byte of its next request before it
   * is closed without an answer (default 60 s).
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public final void setIdleTimeout(Duration timeout) {
    this.idleTimeout = positive("idleTimeout", timeout);
  }

  /** The most connections served at once for one client address; more get 503 and are closed. */
  public final int maxConnectionsPerClient() {
    return maxConnectionsPerClient;
  }

  /**
   * Sets the most connections served at once for one client IP address (default 50), so that one
   * client cannot take all of {@link #maxConnections()} before anyone has authenticated. A
   * connection over it is turned away as one over the global limit: {@code 503 Service Unavailable}
   * with {@code Retry-After} (HTTPS: closed). Applies to connections accepted from now on.
   *
   * @throws IllegalArgumentException if {@code max} is below 1
   */
  public final void setMaxConnectionsPerClient(int max) {
    if (max < 1) {
      throw new IllegalArgumentException("maxConnectionsPerClient: " + max + " (expected: >= 1)");
    }
    this.maxConnectionsPerClient = max;
  }

  /** How long one write of a response to the client may last. */
  public final Duration writeTimeout() {
    return writeTimeout;
  }

  /**
   * Sets how long one write of a response (a file, {@code sendBody}, an error page, a stream's
   * part) may block on a client that does not read before the connection is closed (default 30 s).
   * Checked by a watchdog thread a few times a second, so a deadline is kept to within about a
   * tenth of a second. Applies to connections accepted from now on.
   *
   * @throws IllegalArgumentException if {@code timeout} is null, zero or negative
   */
  public final void setWriteTimeout(Duration timeout) {
    this.writeTimeout = positive("writeTimeout", timeout);
  }

  /**
   * How many connections are being served now (the accepted ones not yet closed, detached ones
   * included).
   */
  public final int activeConnections() {
    return connections.size();
  }

  private static Duration positive(String name, Duration timeout) {
    Objects.requireNonNull(timeout, name);
    if (timeout.isZero() || timeout.isNegative()) {
      throw new IllegalArgumentException(name + ": " + timeout + " (expected: > 0)");
    }
    return timeout;
  }

  /**
   * Serves the connection with {@code TCP_NODELAY} on, or answers 503 when {@link
   * #maxConnections()} are being served already. Runs in the serving thread.
   */
  @Override
  protected void processRequest(SocketChannel request, SocketAddress clientAddress)
      throws Exception {
    try {
      // A response is written as it is ready (head and small body in one write), so Nagle's
      // algorithm has nothing to gather, and meeting the client's delayed ACK it held the second
      // write of a response ~40 ms on every kept-alive request. nginx, Go and Netty turn it off
      // too.
      request.setOption(StandardSocketOptions.TCP_NODELAY, true);
    } catch (IOException ignored) {
      // The client reset the connection already: its handler's first read will find out.
    }
    InetAddress client = clientAddress instanceof InetSocketAddress inet ? inet.getAddress() : null;
    if (connections.size() >= maxConnections || !admit(client)) {
      reject(request);
      return;
    }
    connections.put(request, new Client(client));
    super.processRequest(request, clientAddress);
  }

  /** Closes the connection and forgets it. Must not throw. */
  @Override
  protected void shutdownRequest(SocketChannel request) {
    try {
      super.shutdownRequest(request);
    } finally {
      Client client = connections.remove(request);
      if (client != null && client.address() != null) {
        perClient.computeIfPresent(
            client.address(), (address, count) -> count <= 1 ? null : count - 1);
      }
    }
  }

  /** The address a connection is counted under; null when it has none (not TCP/IP). */
  private record Client(InetAddress address) {}

  /** Counts a connection from {@code client} unless it has as many as allowed already. */
  private boolean admit(InetAddress client) {
    if (client == null) {
      return true;
    }
    int max = maxConnectionsPerClient;
    boolean[] admitted = {false};
    perClient.compute(
        client,
        (address, count) -> {
          int now = count == null ? 0 : count;
          if (now >= max) {
            return count;
          }
          admitted[0] = true;
          return now + 1;
        });
    return admitted[0];
  }

  /** Closes the listening socket, then every connection still open. */
  @Override
  protected void serverClose() throws IOException {
    try {
      super.serverClose();
    } finally {
      for (SocketChannel connection : connections.keySet()) {
        try {
          connection.close();
        } catch (IOException ignored) {
          // Closing an accepted socket fails only when it is unusable already.
        }
      }
    }
  }

  /**
   * Answers 503 in a short-lived thread (so a slow client cannot stall the accept loop), then reads
   * what the client sent for up to a second, so that closing does not reset the connection before
   * the client has read the answer.
   */
  private void reject(SocketChannel request) {
    if (sslContext != null || !rejections.tryAcquire()) {
      closeQuietly(request); // no HTTP without a handshake; or too many rejections at once
      return;
    }
    Thread thread =
        new Thread(
            () -> {
              try {
                answer503(request);
              } finally {
                closeQuietly(request);
                rejections.release();
              }
            },
            "http-503");
    thread.setDaemon(true);
    thread.start();
  }

  private static void answer503(SocketChannel request) {
    try {
      Socket socket = request.socket();
      socket.setSoTimeout(1_000);
      byte[] body =
          ErrorPage.render(503, "Service Unavailable", "Too many connections; try again later")
              .getBytes(StandardCharsets.UTF_8);
      String head =
          "HTTP/1.1 503 Service Unavailable\r\n"
              + "Content-Type: "
              + ErrorPage.CONTENT_TYPE
              + "\r\n"
              + "Content-Length: "
              + body.length
              + "\r\n"
              + "Retry-After: 1\r\n"
              + "Connection: close\r\n\r\n";
      socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().write(body);
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      byte[] drain = new byte[8192];
      long total = 0;
      int n;
      while (total < 65_536 && (n = in.read(drain)) > 0) {
        total += n;
      }
    } catch (IOException ignored) {
      // The client went away or stayed silent: it is being turned away anyway.
    }
  }

  private static void closeQuietly(SocketChannel request) {
    try {
      request.close();
    } catch (IOException ignored) {
      // Nothing to do about a socket that cannot even be closed.
    }
  }
}
