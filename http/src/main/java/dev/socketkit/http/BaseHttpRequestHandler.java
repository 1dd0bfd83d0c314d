package dev.socketkit.http;

import dev.socketkit.http.internal.BadRequestException;
import dev.socketkit.http.internal.DeadlineInput;
import dev.socketkit.http.internal.ErrorPage;
import dev.socketkit.http.internal.LogLine;
import dev.socketkit.http.internal.Repr;
import dev.socketkit.http.internal.RequestParser;
import dev.socketkit.http.internal.RequestParser.RequestLine;
import dev.socketkit.http.internal.ResponseOutput;
import dev.socketkit.http.internal.Statuses;
import dev.socketkit.server.LineInputStream;
import dev.socketkit.server.StreamRequestHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
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
 * connection that will close says so.
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
 * close), {@link #finish()} (flushes and closes the streams); the server closes the connection.
 *
 * <p>What the handler does for the client: HTTP/1.1 persistent connections and pipelining, {@code
 * Connection: close}, {@code Expect: 100-continue} ({@link #handleExpect100()}), no body in answers
 * to HEAD and in 1xx, 204 and 304 responses, HTTP/1.0 and HTTP/0.9 clients. Bad input is answered
 * and the connection closed: 414 (request line over 64 KiB), 431 (a header line over 64 KiB, more
 * than 100 headers), 400 (malformed request line, version or header), 505 (HTTP/2.0 and above), 501
 * (a method without a {@code doX}), 408 (head not complete within the server's header timeout). A
 * persistent connection idle past the server's idle timeout is closed.
 *
 * <p>Like Python's, this class does not read request bodies: a handler that accepts one reads
 * {@code Content-Length} bytes from {@link #rfile} before returning (or the connection cannot go
 * on). A request with {@code Transfer-Encoding} always ends its connection.
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
  private ResponseOutput output;
  private boolean tlsFailed;

  private final ByteArrayOutputStream headersBuffer = new ByteArrayOutputStream(256);
  private boolean bufferStartsResponse; // the buffer holds a final response's status line
  private boolean bodyAllowed;
  private boolean framed;
  private boolean connectionHeaderSent;
  private boolean responseStarted; // a status line (not 1xx) went into the buffer or out
  private boolean requestHasTransferEncoding;

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
    Socket plain = request().socket();
    Socket stream = plain;
    HttpServer settings = httpServer();
    SSLContext ssl = settings == null ? null : settings.sslContext();
    if (ssl != null) {
      plain.setSoTimeout(millis(headerTimeout()));
      try {
        SSLSocket tls =
            (SSLSocket) ssl.getSocketFactory().createSocket(plain, null, plain.getPort(), true);
        tls.setUseClientMode(false);
        tls.startHandshake();
        stream = tls;
      } catch (IOException e) {
        tlsFailed = true; // a port scan, a plain-HTTP client, an untrusted certificate
        return;
      }
    }
    socket = stream;
    input = new DeadlineInput(stream.getInputStream(), stream);
    rfile = new LineInputStream(input);
    output = new ResponseOutput(stream.getOutputStream());
    wfile = output;
  }

  /**
   * Handles requests until the connection is to close: Python's {@code handle()}. Runs in the
   * connection's thread.
   */
  @Override
  protected void handle() throws IOException {
    if (tlsFailed) {
      return;
    }
    closeConnection = true;
    handleOneRequest(true);
    while (!closeConnection) {
      handleOneRequest(false);
    }
  }

  /**
   * Reads, parses and dispatches one request: Python's {@code handle_one_request()}. Answers bad
   * input itself; a read timeout in the request head answers 408, an idle persistent connection
   * closes quietly.
   */
  protected void handleOneRequest(boolean first) throws IOException {
    resetRequest();
    HttpServer settings = httpServer();
    input.awaitRequest(first ? null : idleTimeout(settings), headerTimeout());
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
          headers = HttpHeaders.of(RequestParser.readHeaders(rfile::readLine));
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
      if (headers.get("Expect", "").equalsIgnoreCase("100-continue")
          && speaks11
          && line.atLeast11()
          && !handleExpect100()) {
        return;
      }
      dispatch();
      if (requestHasTransferEncoding) {
        closeConnection = true; // we cannot tell where an unread chunked body ends
      }
      wfile.flush();
    } catch (SocketTimeoutException e) {
      boolean inHead = input.timedOutInHead();
      closeConnection = true;
      if (inHead && !responseStarted) {
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
    byte[] raw = rfile.readLine(RequestParser.MAX_LINE + 1);
    for (int i = 0; i < RequestParser.MAX_LEADING_EMPTY_LINES && isEmptyLine(raw); i++) {
      raw = rfile.readLine(RequestParser.MAX_LINE + 1);
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
    command = null;
    path = null;
    requestVersion = null;
    requestLine = null;
    headers = HttpHeaders.empty();
    headersBuffer.reset();
    bufferStartsResponse = false;
    bodyAllowed = true;
    framed = false;
    connectionHeaderSent = false;
    responseStarted = false;
    requestHasTransferEncoding = false;
    if (output != null) {
      output.dropBody(false);
    }
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
      if (!responseStarted) {
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
    endHeaders();
    if (body != null && !"HEAD".equals(command)) {
      wfile.write(body);
    }
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
    if (code >= 200) {
      responseStarted = true;
      bufferStartsResponse = true;
      boolean head = "HEAD".equals(command);
      bodyAllowed = !head && code != 204 && code != 304;
      framed = false;
      connectionHeaderSent = false;
    }
    if (!isHttp09()) {
      append(protocolVersion() + " " + code + " " + message + "\r\n", "message");
    }
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
    if (!isHttp09()) {
      append(keyword + ": " + value + "\r\n", "header value");
    }
    String name = keyword.toLowerCase(Locale.ROOT);
    if (name.equals("connection")) {
      connectionHeaderSent = true;
      if (value.equalsIgnoreCase("close")) {
        closeConnection = true;
      } else if (value.equalsIgnoreCase("keep-alive")) {
        closeConnection = false;
      }
    } else if (name.equals("content-length") || name.equals("transfer-encoding")) {
      framed = true;
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
    if (bufferStartsResponse) {
      if (bodyAllowed && !framed) {
        closeConnection = true; // the body ends where the connection ends
      }
      if (!connectionHeaderSent) {
        if (closeConnection && "HTTP/1.1".equals(requestVersion)) {
          sendHeader("Connection", "close");
        } else if (!closeConnection && !"HTTP/1.1".equals(requestVersion)) {
          sendHeader("Connection", "keep-alive");
        }
      }
    }
    headersBuffer.write('\r');
    headersBuffer.write('\n');
    flushHeaders();
  }

  /**
   * Sends the buffered status line and headers now, without the blank line: Python's {@code
   * flush_headers()}.
   */
  public void flushHeaders() throws IOException {
    if (headersBuffer.size() == 0) {
      return;
    }
    byte[] head = headersBuffer.toByteArray();
    headersBuffer.reset();
    if (bufferStartsResponse) {
      bufferStartsResponse = false;
      output.writeHead(head);
      output.dropBody(!bodyAllowed);
    } else {
      wfile.write(head); // part headers: part of the body (dropped for HEAD)
    }
  }

  private void append(String text, String what) {
    for (int i = 0; i < text.length() - 2; i++) {
      char c = text.charAt(i);
      if (c == '\r' || c == '\n' || c > 0xff) {
        throw new IllegalArgumentException(
            what
                + ": "
                + Repr.of(text.substring(0, text.length() - 2))
                + " (expected: Latin-1 without CR or LF)");
      }
    }
    byte[] bytes = text.getBytes(StandardCharsets.ISO_8859_1);
    headersBuffer.write(bytes, 0, bytes.length);
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

  private HttpServer httpServer() {
    return server() instanceof HttpServer http ? http : null;
  }

  private Duration headerTimeout() {
    HttpServer settings = httpServer();
    return settings == null ? HttpServer.DEFAULT_HEADER_TIMEOUT : settings.headerTimeout();
  }

  private static Duration idleTimeout(HttpServer settings) {
    return settings == null ? HttpServer.DEFAULT_IDLE_TIMEOUT : settings.idleTimeout();
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }
}
