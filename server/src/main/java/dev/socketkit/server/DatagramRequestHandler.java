package dev.socketkit.server;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.DatagramChannel;

/**
 * A handler for datagram servers that reads the datagram as a stream and sends back what it writes
 * as one datagram: Python's {@code socketserver.DatagramRequestHandler}. Meant to be extended:
 * override {@link #handle()}.
 *
 * <pre>{@code
 * final class EchoHandler extends DatagramRequestHandler {
 *   protected void handle() throws IOException {
 *     wfile.write(rfile.readLine());
 *   }
 * }
 * }</pre>
 *
 * <p>{@link #finish()} sends everything written to {@link #wfile} to the client as one datagram,
 * even when nothing was written (an empty datagram), as Python does. A reply too large for one
 * datagram fails with an {@code IOException} that goes to the server's {@code handleError}.
 */
public abstract class DatagramRequestHandler extends BaseRequestHandler<DatagramRequest> {
  /** The datagram's data as a stream, with {@code readLine}: Python's {@code rfile}. */
  protected LineInputStream rfile;

  /** Collects the reply, sent as one datagram by {@link #finish()}: Python's {@code wfile}. */
  protected OutputStream wfile;

  private ByteArrayOutputStream reply;

  /** For subclasses. */
  protected DatagramRequestHandler() {}

  /**
   * Makes {@link #rfile} over the datagram and an empty {@link #wfile}: Python's {@code setup()}.
   */
  @Override
  protected void setup() throws IOException {
    rfile = new LineInputStream(new ByteArrayInputStream(request().data()));
    reply = new ByteArrayOutputStream();
    wfile = reply;
  }

  /**
   * Sends what was written to {@link #wfile} back to the client as one datagram: Python's {@code
   * DatagramRequestHandler.finish()}.
   *
   * @throws IOException if sending fails
   */
  @Override
  protected void finish() throws IOException {
    wfile.flush(); // a subclass may have wrapped wfile in a buffering stream
    request().sendTo(reply.toByteArray(), clientAddress());
  }

  /** The datagram's bytes: Python's {@code self.packet}. */
  protected final byte[] packet() {
    return request().data();
  }

  /** The server's socket: Python's {@code self.socket}. */
  protected final DatagramChannel socket() {
    return request().socket();
  }
}
