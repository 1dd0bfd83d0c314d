package dev.socketkit.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

/**
 * Many echo clients in their own JVM (a JVM cannot hold both ends of 10,000 connections under an
 * open-file limit of 20,000): opens N connections to the port given, sends a different number on
 * each while all are open, checks every echo, prints {@code echoed N}, then waits for its stdin to
 * end and closes them.
 */
final class ChildClients {
  private ChildClients() {}

  public static void main(String[] args) throws IOException {
    int port = Integer.parseInt(args[0]);
    int count = Integer.parseInt(args[1]);
    InetSocketAddress server = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
    List<SocketChannel> clients = new ArrayList<>(count);
    try {
      for (int i = 0; i < count; i++) {
        clients.add(SocketChannel.open(server));
      }
      for (int i = 0; i < count; i++) {
        ByteBuffer out = ByteBuffer.allocate(4).putInt(0, i);
        while (out.hasRemaining()) {
          clients.get(i).write(out);
        }
      }
      int echoed = 0;
      for (int i = 0; i < count; i++) {
        ByteBuffer in = ByteBuffer.allocate(4);
        while (in.hasRemaining()) {
          if (clients.get(i).read(in) < 0) {
            throw new IOException("connection " + i + " closed by the server");
          }
        }
        if (in.getInt(0) != i) {
          throw new IOException("connection " + i + " got " + in.getInt(0) + " back");
        }
        echoed++;
      }
      System.out.println("echoed " + echoed);
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold every connection open until the parent says we are done
      }
    } finally {
      for (SocketChannel client : clients) {
        client.close();
      }
    }
  }
}
