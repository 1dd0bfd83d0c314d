package dev.socketkit.http.internal;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/*
 * Design note. The idea is OkHttp's Http1ExchangeCodec: one small object owns the state of the
 * response being written, so the rules about it live in one place instead of in flags spread over
 * the handler.
 *
 *   IDLE --final status line--> HEAD --end of head sent--> BODY --request done--> DONE
 *
 * IDLE also takes interim (1xx) status lines and their headers, which go out without changing the
 * state. In HEAD the status line and headers are buffered; nothing reaches the socket before the
 * head is complete (or flushHeaders() asks for it). Framing is decided from the headers seen, in
 * framing(): no body (HEAD, 204, 304), fixed length (Content-Length), chunked (Transfer-Encoding,
 * written by the caller) or until close. A body that is allowed but not framed ends where the
 * connection ends, so the head says "Connection: close" and the connection closes: that rule is
 * in endHead() and nowhere else.
 */

/**
 * Writes the status line and headers of one connection's responses and decides their framing: the
 * response half of the HTTP/1.1 exchange, below {@code BaseHttpRequestHandler}.
 *
 * <p>Used by the connection's handler thread only; reset for each request with {@link #reset()}.
 */
public final class ResponseWriter {
  /** Where a response is: see the state diagram in the source. */
  public enum State {
    /** No final status line yet for this request (1xx answers may have gone). */
    IDLE,
    /** A final status line and headers are buffered. */
    HEAD,
    /** The head has been handed to the connection; body bytes follow. */
    BODY,
    /** The request is answered and its bytes are on their way. */
    DONE
  }

  /** How the client finds the end of the body. */
  public enum Framing {
    /** The response has no body: an answer to HEAD, or 1xx, 204, 304 (RFC 9110 section 6.4.1). */
    NONE,
    /** {@code Content-Length} bytes. */
    FIXED_LENGTH,
    /** {@code Transfer-Encoding} (chunked), encoded by the caller. */
    CHUNKED,
    /** The body ends where the connection ends. */
    UNTIL_CLOSE
  }

  private ResponseOutput output;
  private final ByteArrayOutputStream buffer = new ByteArrayOutputStream(256);
  private State state = State.IDLE;
  private boolean bufferStartsResponse; // the buffer holds the final status line (not 1xx)
  private boolean bodyAllowed = true;
  private boolean contentLength;
  private boolean transferEncoding;
  private boolean connectionHeader;

  /** A writer not connected yet: it buffers and checks heads, and sends once connected. */
  public ResponseWriter() {}

  /** Writes heads and bodies to {@code output}, the connection's output. */
  public ResponseWriter(ResponseOutput output) {
    this.output = output;
  }

  /** Sends to {@code output}, the connection's output, from now on. */
  public void connect(ResponseOutput output) {
    this.output = output;
  }

  /** Forgets the previous response: the next request's answer starts {@link State#IDLE}. */
  public void reset() {
    buffer.reset();
    state = State.IDLE;
    bufferStartsResponse = false;
    bodyAllowed = true;
    contentLength = false;
    transferEncoding = false;
    connectionHeader = false;
    if (output != null) {
      output.dropBody(false);
    }
  }

  /** Where the current response is. */
  public State state() {
    return state;
  }

  /** True once a final (not 1xx) status line was buffered or sent for this request. */
  public boolean started() {
    return state != State.IDLE;
  }

  /**
   * Buffers a status line. A final one ({@code code >= 200}) starts the response: the state becomes
   * {@link State#HEAD} and whether it may have a body is decided by the code and {@code
   * headRequest}.
   *
   * @param line the status line without CRLF, or null to write none (HTTP/0.9)
   * @throws IllegalArgumentException if the line has CR, LF or a character above U+00FF
   */
  public void status(int code, String line, boolean headRequest) {
    if (code >= 200) {
      state = State.HEAD;
      bufferStartsResponse = true;
      bodyAllowed = !headRequest && code != 204 && code != 304;
      contentLength = false;
      transferEncoding = false;
      connectionHeader = false;
    }
    if (line != null) {
      append(line, "message");
    }
  }

  /**
   * Buffers a header line ({@code write}) and notes what it says about framing and the connection.
   *
   * @param write false to note the header without writing it (HTTP/0.9 has no head)
   * @throws IllegalArgumentException if the value has CR, LF or a character above U+00FF
   */
  public void header(String name, String value, boolean write) {
    if (write) {
      append(name + ": " + value, "header value");
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "connection" -> connectionHeader = true;
      case "content-length" -> contentLength = true;
      case "transfer-encoding" -> transferEncoding = true;
      default -> {}
    }
  }

  /** How the body of the response being written is framed, from the headers buffered so far. */
  public Framing framing() {
    if (!bodyAllowed) {
      return Framing.NONE;
    }
    if (transferEncoding) {
      return Framing.CHUNKED;
    }
    return contentLength ? Framing.FIXED_LENGTH : Framing.UNTIL_CLOSE;
  }

  /**
   * Ends the buffered head with its blank line, and for a final response's own head decides the
   * connection: an unframed body ({@link Framing#UNTIL_CLOSE}) means the connection closes, and
   * unless the caller sent a {@code Connection} header, one is added when the connection closes for
   * an HTTP/1.1 client ({@code close}) or stays open for an older one ({@code keep-alive}). Nothing
   * is sent; call {@link #sendHead(boolean, OutputStream)}.
   *
   * @param close whether the connection is to close after this response
   * @param http11Request whether the request was HTTP/1.1, where keep-alive is the default
   * @return whether the connection closes after this response (true if {@code close} was)
   */
  public boolean endHead(boolean close, boolean http11Request) {
    if (bufferStartsResponse) {
      if (framing() == Framing.UNTIL_CLOSE) {
        close = true; // the body ends where the connection ends
      }
      if (!connectionHeader) {
        if (close && http11Request) {
          header("Connection", "close", true);
        } else if (!close && !http11Request) {
          header("Connection", "keep-alive", true);
        }
      }
    }
    buffer.write('\r');
    buffer.write('\n');
    return close;
  }

  /**
   * Hands what is buffered to the connection. A final response's head moves the state to {@link
   * State#BODY}, and from then on body bytes are dropped if the response may have none; the head is
   * held back to leave in the same write as the body's first bytes unless {@code now}. Part headers
   * of a multipart body (no status line before them) are body bytes: they go to {@code body}, the
   * handler's {@code wfile}, as Python's {@code flush_headers} writes them.
   */
  public void sendHead(boolean now, OutputStream body) throws IOException {
    if (buffer.size() == 0) {
      return;
    }
    if (output == null) {
      throw new IllegalStateException("no connection to send the response head to");
    }
    byte[] head = buffer.toByteArray();
    buffer.reset();
    if (bufferStartsResponse) {
      bufferStartsResponse = false;
      state = State.BODY;
      output.writeHead(head);
      output.dropBody(!bodyAllowed);
      if (now) {
        output.flush();
      }
    } else {
      body.write(head, 0, head.length);
    }
  }

  /** Ends the request's response: sends what is held back and moves to {@link State#DONE}. */
  public void complete() throws IOException {
    if (output != null) {
      output.flush();
    }
    if (state != State.IDLE) {
      state = State.DONE;
    }
  }

  private void append(String line, String what) {
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (c == '\r' || c == '\n' || c > 0xff) {
        throw new IllegalArgumentException(
            what + ": " + Repr.of(line) + " (expected: Latin-1 without CR or LF)");
      }
    }
    byte[] bytes = line.getBytes(StandardCharsets.ISO_8859_1);
    buffer.write(bytes, 0, bytes.length);
    buffer.write('\r');
    buffer.write('\n');
  }
}
