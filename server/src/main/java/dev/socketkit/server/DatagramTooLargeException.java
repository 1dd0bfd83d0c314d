package dev.socketkit.server;

import java.io.IOException;

/**
 * A datagram was larger than the server's {@link UdpServer#maxPacketSize()}, so it was not handed
 * to a handler. Passed to {@link BaseServer#handleError}. Python's {@code UDPServer} silently cuts
 * such a datagram to {@code max_packet_size} bytes; socketkit reports it instead.
 */
public final class DatagramTooLargeException extends IOException {
  private static final long serialVersionUID = 1L;

  private final int size;
  private final int maxPacketSize;
  private final boolean atLeast;

  /**
   * Describes the refused datagram.
   *
   * @param size its size in bytes, or the size received when the datagram did not fit even into the
   *     receive buffer ({@code atLeast})
   * @param maxPacketSize the server's limit
   * @param atLeast whether the datagram may have been larger than {@code size}
   */
  public DatagramTooLargeException(int size, int maxPacketSize, boolean atLeast) {
    super(
        "datagram of "
            + (atLeast ? "at least " : "")
            + size
            + " bytes is larger than maxPacketSize "
            + maxPacketSize
            + " bytes; not handled");
    this.size = size;
    this.maxPacketSize = maxPacketSize;
    this.atLeast = atLeast;
  }

  /** The datagram's size in bytes (a lower bound if {@link #sizeIsLowerBound()}). */
  public int size() {
    return size;
  }

  /** The server's {@code maxPacketSize} when the datagram arrived. */
  public int maxPacketSize() {
    return maxPacketSize;
  }

  /** Whether the datagram may have been larger than {@link #size()}. */
  public boolean sizeIsLowerBound() {
    return atLeast;
  }
}
