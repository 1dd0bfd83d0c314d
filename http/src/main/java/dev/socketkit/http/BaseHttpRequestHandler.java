package dev.socketkit.http;

import dev.socketkit.http.internal.BadRequestException;
import dev.socketkit.http.internal.BodyInput;
import dev.socketkit.http.internal.DeadlineInput;
import dev.socketkit.http.internal.ErrorPage;
import dev.socketkit.http.internal.LogLine;
import dev.socketkit.http.internal.Repr;
import dev.socketkit.http.internal.RequestParser;
import dev.socketkit.http.internal.RequestParser.RequestLine;
import dev.socketkit.http.internal.ResponseOutput;
import dev.socketkit.http.internal.ResponseWriter;
import dev.socketkit.http.internal.Statuses;
import dev.socketkit.http.internal.Watchdog;
import dev.socketkit.server.DetachedConnection;
import dev.socketkit.server.LineInputStream;
import dev.socketkit.server.StreamRequestHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.Locale;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/*
 * Design notes.
 *
 * Dispatch. Python calls getattr(self, 'do_' + command). Here the standard methods are ordinary
 * overridable methods (doGET, doHEAD, doPOST, doPUT, doDELETE, doOPTIONS, doPATCH, doTRACE,
 * doCONNECT) whose default answers 501, as a missing do_X does in Python; any other method goes to
 * doExtensionMethod(), which answers 501 too. Overriding is as direct as Python's def do_GET, and
 * the compiler checks it: @Override catches a misspelt doGet that reflection would silently never
 * call, and nothing needs setAccessible or an open module.
 *
 * Streams. setup() replaces the server's rfile and wfile by streams over the socket itself (TLS
 * when the server has an SSLContext): rfile reads through a DeadlineInput, so a whole request head
 * must arrive within the header timeout (slow loris), and wfile writes straight to the socket
 * through a ResponseOutput that drops body bytes of responses that must have none.
 *
 * Framing. Python leaves message framing to the handler, and its default protocol is HTTP/1.0, so
 * every connection closes. Here the default protocol is HTTP/1.1 (persistent connections and
 * pipelining), so endHeaders() protects the client: a final response with a body but neither
 * Content-Length nor Transfer-Encoding gets "Connection: close" and ends the connection, and a
 * connection that will close says so. That rule, and the state of the response being written
 * (idle, head buffered, body, done), live in internal.ResponseWriter; the methods here translate
 * Python's calls into it and keep closeConnection, which the request also decides.
 *
 * Writes. endHeaders() sends at once, as Python's, because a stream (MJPEG) may write its first
 * part much later. sendBody(), sendError() and SimpleHttpRequestHandler's files instead hold the
 * head back (endHeadersWithBody) so that a small body leaves in the same write, and the server
 * turns Nagle's algorithm off, so no response waits on the client's delayed ACK.
 *
 * Size. The class is over 500 lines because it is the whole public surface of Python's
 * BaseHTTPRequestHandler: 45 public or protected members (nine doX methods, the request's
 * attributes, the response and logging calls, the overridable settings), each with the contract
 * Javadoc the house style asks for, about 200 lines of it. What is logic and not surface has
 * moved out: parsing (RequestParser), the request body (BodyInput), deadlines (DeadlineInput), the
 * response head and its framing (ResponseWriter). Splitting the Python-parity methods over several
 * classes would make users look for send_header in one place and end_headers in another.
 */

/**
 * Handles the HTTP requests of one connection, one after another: Python's {@code
 * http.server.BaseHTTPRequestHandler}. Meant to be extended: override {@link #doGET()} and the
 * other {@code doX} methods, read {@link #path()} and {@link #headers()}, answer with {@link
 * #sendResponse(int)}, {@link #sendHeader}, {@link #endHeaders()} and {@link #wfile}, or {@link
 * #sendError(int, String, String)}.
 *
 * <pre>{@code
 * final class Hello extends BaseHttpRequestHandler {
 *   @Override
 *   protected void doGET() throws IOException {
 *     byte[] body = "hello\n".getBytes(StandardCharsets.UTF_8);
 *     sendResponse(200);
 *     sendHeader("Content-Type", "text/plain");
 *     sendHeader("Content-Length", String.valueOf(body.length));
 *     endHeaders();
 *     wfile.write(body);
 *   }
 * }
 * new ThreadingHttpServer(new InetSocketAddress("127.0.0.1", 8000), Hello::new).serveForever();
 * }</pre>
 *
 * <p>Threading: a handler object serves one connection and is used only by that connection's
 * thread; the server makes a new one per connection with its {@code Supplier}. Lifecycle: {@link
 * #setup()} (TLS handshake, streams), {@link #handle()} (requests until the connection is to
 * close), {@link #finish()} (flushes and closes the streams); the server closes the connection,
 * unless a {@code doX} method handed it to another owner with {@link #detach()}.
 *
 * <p>What the handler does for the client: HTTP/1.1 persistent connections and pipelining, {@code
 * Connection: close}, {@code Expect: 100-continue} ({@link #handleExpect100()}), no body in answers
 * to HEAD and in 1xx, 204 and 304 responses, HTTP/1.0 and HTTP/0.9 clients. Bad input is answered
 * and the connection closed: 414 (request line over 64 KiB), 431 (a request head over 32 KiB in
 * all, a header line over 64 KiB, more than 100 headers), 400 (malformed request line, version or
 * header), 505 (HTTP/2.0 and above), 501 (a method without a {@code doX}), 408 (a head begun but
 * not complete within the server's header timeout). A connection that sends nothing within the
 * header timeout (new) or the idle timeout (persistent) is closed without an answer. Over TLS the
 * handshake and the first request head share one wall-clock deadline; a write that blocks longer
 * than the server's write timeout (a client that does not read) closes the connection.
 *
 * <p>Request bodies: during a request, {@link #rfile} holds that request's body only ({@code
 * Content-Length} bytes, none without the header), so a handler cannot read into the next pipelined
 * request; what it leaves unread (up to 1 MiB) is skipped before the next request, more ends the
 * connection. A request with {@code Transfer-Encoding} gets the raw connection as {@code rfile}
 * (chunked bodies are not decoded, as in Python) and always ends its connection.
 */
public abstract class BaseHttpRequestHandler extends StreamRequestHandler {
  /** The version in the {@code Server} header; Python's {@code __version__}. */
  public static final String VERSION = "0.1";

  private String command;
  private String path;
  private String requestVersion;
  private String requestLine;
  private HttpHeaders headers = HttpHeaders.empty();
  private boolean closeConnection = true;

  private Socket socket;
  private DeadlineInput input;
  private LineInputStream connectionInput; // request lines and headers; rfile is each body
  private BodyInput body;
  private ResponseOutput output;
  private final ResponseWriter response = new ResponseWriter();
  private boolean tlsFailed;
  private Watchdog.Guard guard;
  private long
      connectionStart; // System.nanoTime() at setup: the first head's deadline counts from it

  // The most unread request body that is read and dropped to keep a connection for its next
  // request.
  private static final long MAX_UNREAD_BODY = 1 << 20;

  private boolean requestHasTransferEncoding;
  private boolean holdHead; // endHeaders() holds a final head back for the body to join

  /** For subclasses; the server makes one handler per connection. */
  protected BaseHttpRequestHandler() {}

  // ---------------------------------------------------------------- the request, as Python's

  /**
   * The request method ({@code GET}), case-sensitive: Python's {@code command}; null before a
   * request line.
   */
  public final String command() {
    return command;
  }

  /** The request target as sent ({@code /stream.mjpg?x=1}): Python's {@code path}. */
  public final String path() {
    return path;
  }

  /** The request's version ({@code HTTP/1.1}): Python's {@code request_version}. */
  public final String requestVersion() {
    return requestVersion;
  }

  /** The request line without its line ending: Python's {@code requestline}. */
  public final String requestLine() {
    return requestLine;
  }

  /** The request's header fields: Python's {@code headers}. Empty before they are read. */
  public final HttpHeaders headers() {
    return headers;
  }

  /**
   * True when the connection ends after this request: Python's {@code close_connection}. Set by the
   * request's version and {@code Connection} header, by {@link #sendHeader} with {@code
   * Connection}, and by {@link #setCloseConnection}.
   */
  public final boolean closeConnection() {
    return closeConnection;
  }

  /** Ends (true) or keeps (false) the connection after this request; connection's thread only. */
  public final void setCloseConnection(boolean close) {
    this.closeConnection = close;
  }

  // ---------------------------------------------------------------- overridable settings

  /**
   * The version this handler speaks, {@code HTTP/1.1} by default: Python's {@code protocol_version}
   * (whose default is {@code HTTP/1.0}, which closes every connection). Return {@code HTTP/1.0} for
   * one request per connection.
   */
  protected String protocolVersion() {
    return "HTTP/1.1";
  }

  /**
   * The version assumed before a request line is understood (for error answers) and for an HTTP/0.9
   * request line: Python's {@code default_request_version}. {@code HTTP/1.1} here, so that an
   * answer to garbage has a status line; Python's {@code HTTP/0.9} sends none.
   */
  protected String defaultRequestVersion() {
    return "HTTP/1.1";
  }

  /** The {@code Server} header value: Python's {@code version_string()}. */
  protected String versionString() {
    return "SocketkitHTTP/" + VERSION + " Java/" + System.getProperty("java.version");
  }

  // ---------------------------------------------------------------- lifecycle

  /**
   * Makes {@link #rfile} and {@link #wfile} over the connection, after the TLS handshake when the
   * server has an {@link SSLContext}: Python's {@code StreamRequestHandler.setup()} plus, for
   * HTTPS, what {@code ssl.wrap_socket} does. Runs in the connection's thread. A failed handshake
   * is not an error of the server: the connection is closed without a word.
   */
  @Override
  protected void setup() throws IOException {
    super.setup();
    long start = System.nanoTime();
    Socket plain = request().socket();
    Socket stream = plain;
    HttpServer settings = httpServer();
    SSLContext ssl = settings == null ? null : settings.sslContext();
    guard = Watchdog.guard(request()); // closing the raw channel ends a blocked TLS call too
    if (ssl != null) {
      plain.setSoTimeout(millis(headerTimeout()));
      guard.arm(start + headerTimeout().toNanos()); // the whole handshake, not each read
      try {
        SSLSocket tls =
            (SSLSocket) ssl.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        stream = tls;
      } catch (IOException e) {
        tlsFailed = true; // a port scan, a plain-HTTP client, an untrusted certificate, too slow
        return;
      } finally {
        guard.disarm();
      }
    }
    socket = stream;
    connectionStart = start;
    input = new DeadlineInput(stream.getInputStream(), stream, guard);
    connectionInput = new LineInputStream(input);
    rfile = connectionInput;
    output = new ResponseOutput(stream.getOutputStream());
    output.writeDeadline(guard, writeTimeout());
    response.connect(output);
    wfile = output;
  }

  /**
   * Handles requests until the connection is to close: Python's {@code handle()}. An I/O error on
   * the connection ends it and goes to {@link #connectionLost}, not to the server's {@code
   * handleError}; runtime exceptions from a {@code doX} method (after a 500 when nothing was sent
   * yet) still do. Runs in the connection's thread.
   */
  @Override
  protected void handle() throws IOException {
    if (tlsFailed) {
      return;
    }
    closeConnection = true;
    try {
      handleOneRequest(true);
      while (!closeConnection) {
        handleOneRequest(false);
      }
    } catch (IOException e) {
      // The client went away (reset, broken pipe) or the server closed the connection: an error
      // of this connection alone, and routine for a viewer closing a stream, so it ends here
      // quietly instead of reaching the server's handleError (Python prints a traceback).
      closeConnection = true;
      connectionLost(e);
    } finally {
      rfile = connectionInput; // finish() closes the connection's stream, not the last body
    }
  }

  /**
   * Called in the connection's thread when reading or writing the connection failed, after which
   * the connection is closed. Does nothing by default: a client that disappears is routine for a
   * server. Override to log it.
   */
  protected void connectionLost(IOException e) {}

  /**
   * Reads, parses and dispatches one request: Python's {@code handle_one_request()}. Answers bad
   * input itself; a request head begun but not complete by the header deadline answers 408; a
   * connection that sent nothing (a new one by the header deadline, a persistent one by the idle
   * timeout) closes without a word.
   */
  protected void handleOneRequest(boolean first) throws IOException {
    resetRequest();
    HttpServer settings = httpServer();
    if (first) {
      input.awaitFirstRequest(headerTimeout(), connectionStart);
    } else {
      input.awaitRequest(idleTimeout(settings), headerTimeout());
    }
    try {
      byte[] raw = readRequestLine();
      if (raw.length == 0) {
        closeConnection = true; // the client closed the connection
        return;
      }
      if (raw.length > RequestParser.MAX_LINE) {
        requestLine = "";
        requestVersion = defaultRequestVersion();
        command = "";
        sendError(414);
        return;
      }
      requestLine = lineText(raw);
      RequestLine line;
      try {
        line = RequestParser.parseRequestLine(raw);
      } catch (BadRequestException e) {
        sendError(e.status(), e.getMessage(), e.explain());
        return;
      }
      command = line.command();
      path = line.path();
      requestLine = line.requestLine();
      boolean http09 = line.simple();
      requestVersion = http09 ? defaultRequestVersion() : line.version();
      boolean speaks11 = !protocolVersion().equals("HTTP/1.0");
      closeConnection = !(line.atLeast11() && speaks11);
      if (!http09) {
        try {
          headers =
              HttpHeaders.of(
                  RequestParser.readHeaders(
                      connectionInput::readLine, Math.max(0, RequestParser.MAX_HEAD - raw.length)));
        } catch (BadRequestException e) {
          sendError(e.status(), e.getMessage(), e.explain());
          return;
        }
      }
      input.body(timeout);
      String connection = headers.get("Connection", "");
      if (hasToken(connection, "close")) {
        closeConnection = true;
      } else if (hasToken(connection, "keep-alive") && speaks11 && !http09) {
        closeConnection = false;
      }
      requestHasTransferEncoding = headers.contains("Transfer-Encoding");
      if (requestHasTransferEncoding) {
        body = null;
        rfile = connectionInput; // no length to bound it by: the connection ends after this request
      } else {
        String length = headers.get("Content-Length");
        // The parser has checked that every Content-Length value is the same number.
        long bodyLength = length == null ? 0 : Long.parseLong(length.split(",", -1)[0].trim());
        body = new BodyInput(connectionInput, bodyLength);
        rfile = new LineInputStream(body);
      }
      if (headers.get("Expect", "").equalsIgnoreCase("100-continue")
          && speaks11
          && line.atLeast11()
          && !handleExpect100()) {
        return;
      }
      dispatch();
      if (isDetached()) {
        return; // the connection has a new owner: nothing more is read or written here
      }
      if (requestHasTransferEncoding) {
        closeConnection = true; // we cannot tell where an unread chunked body ends
      } else if (!closeConnection && body.remaining() > 0) {
        // Skipping the unread body is waiting for the next request: bounded by the same timeouts.
        input.awaitRequest(idleTimeout(settings), headerTimeout());
        if (!body.skipRest(MAX_UNREAD_BODY)) {
          closeConnection = true; // a large unread body: cheaper to close than to read it all
        }
      }
      response.complete();
    } catch (SocketTimeoutException e) {
      boolean inHead = input.timedOutInHead();
      closeConnection = true;
      if (inHead && !response.started()) {
        if (requestVersion == null) {
          requestVersion = defaultRequestVersion();
        }
        if (requestLine == null) {
          requestLine = "";
        }
        sendError(408);
      } else if (!inHead) {
        logError("Request timed out: %s", e);
      }
    }
  }

  /** Reads the request line, skipping a few empty lines before it (RFC 9112 section 2.2). */
  private byte[] readRequestLine() throws IOException {
    byte[] raw = connectionInput.readLine(RequestParser.MAX_LINE + 1);
    for (int i = 0; i < RequestParser.MAX_LEADING_EMPTY_LINES && isEmptyLine(raw); i++) {
      raw = connectionInput.readLine(RequestParser.MAX_LINE + 1);
    }
    return raw;
  }

  private static boolean isEmptyLine(byte[] raw) {
    return (raw.length == 1 && raw[0] == '\n')
        || (raw.length == 2 && raw[0] == '\r' && raw[1] == '\n');
  }

  private static String lineText(byte[] raw) {
    int end = Math.min(raw.length, RequestParser.MAX_LINE);
    while (end > 0 && (raw[end - 1] == '\n' || raw[end - 1] == '\r')) {
      end--;
    }
    return new String(raw, 0, end, StandardCharsets.ISO_8859_1);
  }

  private static boolean hasToken(String list, String token) {
    for (String part : list.split(",", -1)) {
      if (part.trim().equalsIgnoreCase(token)) {
        return true;
      }
    }
    return false;
  }

  private void resetRequest() {
    rfile = connectionInput;
    body = null;
    command = null;
    path = null;
    requestVersion = null;
    requestLine = null;
    headers = HttpHeaders.empty();
    requestHasTransferEncoding = false;
    response.reset();
  }

  /**
   * Decides what to do with {@code Expect: 100-continue}: Python's {@code handle_expect_100()}.
   * Sends {@code 100 Continue} and returns true by default. Override to refuse (for example an
   * unauthorised upload): send an error such as {@code sendError(417)} and return false; the
   * request is then not dispatched and its body never read.
   */
  protected boolean handleExpect100() throws IOException {
    sendResponseOnly(100, null);
    endHeaders();
    return true;
  }

  private void dispatch() throws IOException {
    try {
      switch (command) {
        case "GET" -> doGET();
        case "HEAD" -> doHEAD();
        case "POST" -> doPOST();
        case "PUT" -> doPUT();
        case "DELETE" -> doDELETE();
        case "OPTIONS" -> doOPTIONS();
        case "PATCH" -> doPATCH();
        case "TRACE" -> doTRACE();
        case "CONNECT" -> doCONNECT();
        default -> doExtensionMethod();
      }
    } catch (RuntimeException e) {
      if (!response.started()) {
        sendError(500); // better than Python's silence: the client learns that it failed
      }
      closeConnection = true;
      throw e;
    }
  }

  /** Answers 501, as Python does for a method without {@code do_X}. */
  protected final void unsupportedMethod() throws IOException {
    sendError(501, "Unsupported method (" + Repr.of(command) + ")");
  }

  /** Handles GET: Python's {@code do_GET}. Answers 501 unless overridden. */
  protected void doGET() throws IOException {
    unsupportedMethod();
  }

  /**
   * Handles HEAD: Python's {@code do_HEAD}. Answers 501 unless overridden. An override may send the
   * same response as GET: the body bytes are dropped.
   */
  protected void doHEAD() throws IOException {
    unsupportedMethod();
  }

  /** Handles POST: Python's {@code do_POST}. Answers 501 unless overridden. */
  protected void doPOST() throws IOException {
    unsupportedMethod();
  }

  /** Handles PUT: Python's {@code do_PUT}. Answers 501 unless overridden. */
  protected void doPUT() throws IOException {
    unsupportedMethod();
  }

  /** Handles DELETE: Python's {@code do_DELETE}. Answers 501 unless overridden. */
  protected void doDELETE() throws IOException {
    unsupportedMethod();
  }

  /** Handles OPTIONS: Python's {@code do_OPTIONS}. Answers 501 unless overridden. */
  protected void doOPTIONS() throws IOException {
    unsupportedMethod();
  }

  /** Handles PATCH: Python's {@code do_PATCH}. Answers 501 unless overridden. */
  protected void doPATCH() throws IOException {
    unsupportedMethod();
  }

  /** Handles TRACE: Python's {@code do_TRACE}. Answers 501 unless overridden. */
  protected void doTRACE() throws IOException {
    unsupportedMethod();
  }

  /** Handles CONNECT: Python's {@code do_CONNECT}. Answers 501 unless overridden. */
  protected void doCONNECT() throws IOException {
    unsupportedMethod();
  }

  /**
   * Handles any other method (read {@link #command()}), for which Python would look up {@code
   * do_<command>}. Answers 501 unless overridden.
   */
  protected void doExtensionMethod() throws IOException {
    unsupportedMethod();
  }

  // ---------------------------------------------------------------- the response, as Python's

  /**
   * Sends and logs an error answer: Python's {@code send_error(code)}, with the status table's
   * phrase and description.
   */
  public void sendError(int code) throws IOException {
    sendError(code, null, null);
  }

  /** Python's {@code send_error(code, message)}. */
  public void sendError(int code, String message) throws IOException {
    sendError(code, message, null);
  }

  /**
   * Sends and logs an error answer: Python's {@code send_error(code, message, explain)}. The
   * response has {@code Connection: close} (the connection ends) and, except for 1xx, 204, 205 and
   * 304, an HTML page ({@code DEFAULT_ERROR_MESSAGE}) with the message and explanation
   * HTML-escaped, and its {@code Content-Length}; no body is sent to HEAD. Must be called before
   * anything else of the response was sent.
   *
   * @param message the status line's reason, null for the table's phrase ({@code ???} if unknown)
   * @param explain the page's explanation, null for the table's description
   */
  public void sendError(int code, String message, String explain) throws IOException {
    String shortMessage = Statuses.phrase(code);
    String longMessage = Statuses.description(code);
    if (shortMessage == null) {
      shortMessage = "???";
      longMessage = "???";
    }
    if (message == null) {
      message = shortMessage;
    }
    if (explain == null) {
      explain = longMessage;
    }
    logError("code %d, message %s", code, message);
    sendResponse(code, message);
    sendHeader("Connection", "close");
    byte[] body = null;
    if (code >= 200 && code != 204 && code != 205 && code != 304) {
      body = ErrorPage.render(code, message, explain).getBytes(StandardCharsets.UTF_8);
      sendHeader("Content-Type", ErrorPage.CONTENT_TYPE);
      sendHeader("Content-Length", Integer.toString(body.length));
    }
    endHeadersWithBody();
    if (body != null && !"HEAD".equals(command)) {
      wfile.write(body); // leaves in the same write as the head
    }
    wfile.flush();
  }

  /** Python's {@code send_response(code)}: the status line with the table's phrase. */
  public void sendResponse(int code) throws IOException {
    sendResponse(code, null);
  }

  /**
   * Logs the request and buffers the status line and the {@code Server} and {@code Date} headers:
   * Python's {@code send_response(code, message)}. Nothing is sent before {@link #endHeaders()}.
   *
   * @param message the reason phrase, null for the table's
   * @throws IllegalArgumentException if the message has CR, LF or a character above U+00FF
   */
  public void sendResponse(int code, String message) throws IOException {
    logRequest(code, "-");
    sendResponseOnly(code, message);
    sendHeader("Server", versionString());
    sendHeader("Date", dateTimeString());
  }

  /**
   * Buffers the status line only: Python's {@code send_response_only}. Nothing for an HTTP/0.9
   * request.
   */
  public void sendResponseOnly(int code, String message) throws IOException {
    if (code < 100 || code > 999) {
      throw new IllegalArgumentException("code: " + code + " (expected: 100 to 999)");
    }
    if (message == null) {
      String phrase = Statuses.phrase(code);
      message = phrase == null ? "" : phrase;
    }
    String line = isHttp09() ? null : protocolVersion() + " " + code + " " + message;
    response.status(code, line, "HEAD".equals(command));
  }

  /**
   * Buffers one header line: Python's {@code send_header(keyword, value)}. {@code Connection:
   * close} or {@code keep-alive} also sets {@link #closeConnection()}. Also for the part headers of
   * a multipart body (then without a status line before them).
   *
   * @throws IllegalArgumentException if the name is not a token, or the value has CR, LF or a
   *     character above U+00FF (header injection)
   */
  public void sendHeader(String keyword, String value) throws IOException {
    if (!RequestParser.isToken(keyword)) {
      throw new IllegalArgumentException(
          "header name: " + Repr.of(keyword) + " (expected: a token)");
    }
    response.header(keyword, value, !isHttp09());
    if (keyword.equalsIgnoreCase("connection")) {
      if (value.equalsIgnoreCase("close")) {
        closeConnection = true;
      } else if (value.equalsIgnoreCase("keep-alive")) {
        closeConnection = false;
      }
    }
  }

  /**
   * Ends the header block with a blank line and sends everything buffered in one write: Python's
   * {@code end_headers()}. Usable again after the body has started, for the headers of each part of
   * a multipart stream. For a final response's own headers, adds {@code Connection: close} when the
   * connection will end (or the body has no length), and {@code Connection: keep-alive} for an
   * HTTP/1.0 client whose connection stays open.
   */
  public void endHeaders() throws IOException {
    if (isHttp09()) {
      return;
    }
    closeConnection = response.endHead(closeConnection, "HTTP/1.1".equals(requestVersion));
    response.sendHead(!holdHead, wfile);
  }

  /**
   * Calls {@link #endHeaders()} (an override too, which may add headers) with a final response's
   * head held back to leave in the same write as the body's first bytes; the caller writes the body
   * or flushes {@link #wfile} next.
   */
  final void endHeadersWithBody() throws IOException {
    holdHead = true;
    try {
      endHeaders();
    } finally {
      holdHead = false;
    }
  }

  /**
   * Sends the buffered status line and headers now, without the blank line: Python's {@code
   * flush_headers()}.
   */
  public void flushHeaders() throws IOException {
    response.sendHead(true, wfile);
  }

  /**
   * Answers with a whole small body: the status line, {@code Server}, {@code Date}, {@code
   * Content-Type} and the exact {@code Content-Length}, then {@code body}, head and body in one
   * write to the socket (an answer to HEAD gets the head alone). The connection stays open for the
   * next request unless something already decided it closes. For the many small answers (JSON, a
   * short page, an image held in memory) where the five calls of the Python-style API would be
   * noise. Must be called before anything else of the response was sent; connection's thread only.
   *
   * @param code the status, 200 to 999 but not 204 or 304 (which have no body: use {@link
   *     #sendResponse(int)} and {@link #endHeaders()})
   * @param contentType the {@code Content-Type} value, e.g. {@code application/json}
   * @param body the whole body; not copied before it is written, so do not change it meanwhile
   * @throws IllegalArgumentException if the code is out of range or has no body, or the type has
   *     CR, LF or a character above U+00FF
   */
  public void sendBody(int code, String contentType, byte[] body) throws IOException {
    if (code < 200 || code > 999 || code == 204 || code == 304) {
      throw new IllegalArgumentException(
          "code: " + code + " (expected: 200 to 999, not 204 or 304: those have no body)");
    }
    sendResponse(code);
    sendHeader("Content-Type", contentType);
    sendHeader("Content-Length", Integer.toString(body.length));
    endHeadersWithBody();
    wfile.write(body); // joined with the head; dropped for HEAD
    wfile.flush();
  }

  private boolean isHttp09() {
    return "HTTP/0.9".equals(requestVersion);
  }

  // ---------------------------------------------------------------- logging, as Python's

  /** Logs an accepted request: Python's {@code log_request(code, size)}. */
  protected void logRequest(int code, String size) {
    logMessage("\"%s\" %s %s", requestLine, Integer.toString(code), size);
  }

  /** Logs an error: Python's {@code log_error}, which calls {@link #logMessage}. */
  protected void logError(String format, Object... args) {
    logMessage(format, args);
  }

  /**
   * Writes {@code "%s - - [%s] %s\n"} (client address, local time, the formatted message with
   * control characters escaped as CPython does) to standard error: Python's {@code
   * log_message(format, *args)}. The format is Java's ({@code %s}, {@code %d}). Override to log
   * elsewhere or not at all. Called from the connection's thread.
   */
  protected void logMessage(String format, Object... args) {
    String message = String.format(Locale.ROOT, format, args);
    System.err.print(
        LogLine.format(addressString(), ZonedDateTime.now(ZoneId.systemDefault()), message));
  }

  /** The client's IP address as text: Python's {@code address_string()}. */
  protected String addressString() {
    SocketAddress address = clientAddress();
    if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
      return inet.getAddress().getHostAddress();
    }
    return String.valueOf(address);
  }

  /** The current time as an HTTP date: Python's {@code date_time_string()}. */
  protected String dateTimeString() {
    return LogLine.httpDate(System.currentTimeMillis());
  }

  // ---------------------------------------------------------------- server settings

  /** The socket this handler reads and writes (the TLS socket for HTTPS); null before setup. */
  protected final Socket socket() {
    return socket;
  }

  /**
   * Hands the connection to another owner after this response's head was written, so that a long
   * response (a stream) is served by an event loop instead of holding this thread: the server's
   * thread returns once {@code doX} returns, without closing the connection; the write watchdog is
   * disarmed; no further request is read from the connection; {@link #finish()} leaves the socket
   * alone; {@link #wfile} throws on writes from now on. The server keeps counting the connection
   * (its global and per-client limits) until {@link DetachedConnection#close()}, and its {@code
   * close()} closes every detached connection still open. Call it from a {@code doX} method, on the
   * connection's thread, at most once.
   *
   * <p>The response must have been started and its head ended with {@link #endHeaders()} (a head
   * still held back is sent now); the body that follows belongs to the new owner, and it frames it:
   * a body without a length ends with the connection (the head then said {@code Connection:
   * close}). A request body the handler did not read, and pipelined requests already read ahead,
   * are not handed over.
   *
   * @return the connection, in blocking mode, owned by the caller from now on
   * @throws IllegalStateException when the connection cannot be handed over: over TLS (its bytes
   *     must pass through this thread's {@code SSLSocket}), before the response head was ended, for
   *     a response that has no body (an answer to HEAD, 1xx, 204, 304), or when a subclass has
   *     replaced {@code wfile} (what it buffers cannot be handed over)
   * @throws IOException if sending the head fails (the connection is then not detached)
   */
  @Override
  protected DetachedConnection detach() throws IOException {
    if (socket == null || socket != request().socket()) {
      throw new IllegalStateException(
          "cannot detach a TLS connection: its bytes must pass through this thread's SSLSocket");
    }
    if (wfile != output) {
      throw new IllegalStateException(
          "cannot detach: wfile was replaced, and what it may buffer cannot be handed over");
    }
    if (response.state() != ResponseWriter.State.BODY) {
      throw new IllegalStateException(
          "cannot detach before the response head was ended with endHeaders() (state "
              + response.state()
              + ")");
    }
    if (response.framing() == ResponseWriter.Framing.NONE) {
      throw new IllegalStateException(
          "cannot detach a response that has no body (an answer to HEAD, 1xx, 204 or 304)");
    }
    output.flush(); // the head, if it was held back for a body that will not come from here
    closeConnection = true;
    DetachedConnection connection = super.detach();
    output.detach();
    if (guard != null) {
      guard.disarm();
    }
    return connection;
  }

  /**
   * The plain TCP channel, for a body sent with {@code FileChannel.transferTo}, after the head held
   * back has been sent; null over TLS, whose bytes must go through the TLS socket's stream, and
   * null when a subclass has replaced {@code wfile} (its stream must see every byte, in order).
   */
  final SocketChannel plainChannel() throws IOException {
    if (socket != request().socket() || wfile != output) {
      return null;
    }
    output.sendHeldHead();
    return request();
  }

  private HttpServer httpServer() {
    return server() instanceof HttpServer http ? http : null;
  }

  private Duration headerTimeout() {
    HttpServer settings = httpServer();
    return settings == null ? HttpServer.DEFAULT_HEADER_TIMEOUT : settings.headerTimeout();
  }

  private Duration writeTimeout() {
    HttpServer settings = httpServer();
    return settings == null ? HttpServer.DEFAULT_WRITE_TIMEOUT : settings.writeTimeout();
  }

  /** Arms the write deadline around a write that bypasses {@link #wfile} (a file's transferTo). */
  final void beginWrite() {
    output.beginWrite();
  }

  /** Ends what {@link #beginWrite()} began. */
  final void endWrite() {
    output.endWrite();
  }

  private static Duration idleTimeout(HttpServer settings) {
    return settings == null ? HttpServer.DEFAULT_IDLE_TIMEOUT : settings.idleTimeout();
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
