package dev.socketkit.bench;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.internal.PlatformDependent;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;

/**
 * Netty's own EchoServer example (io.netty.example.echo) in the shape the benchmark needs: one
 * event-loop thread for accepting and for every connection, NIO or epoll transport, TCP_NODELAY on,
 * and the {@code listening on HOST:PORT} line the bench script waits for.
 *
 * <p>Buffers come from pooled direct memory by default ({@code --allocator pooled}), the
 * configuration Netty's own benchmarks and most servers run with; {@code --allocator default} keeps
 * whatever Netty picks (4.2: the adaptive allocator, with heap buffers when it cannot use {@code
 * sun.misc.Unsafe}). Netty 4.2 does not use {@code Unsafe} on JDK 24+ unless the JVM is started
 * with {@code --sun-misc-unsafe-memory-access=allow}, and on JDK 9+ it reaches the direct-buffer
 * internals only with {@code -Dio.netty.tryReflectionSetAccessible=true} and {@code --add-opens
 * java.base/java.nio=ALL-UNNAMED --add-opens java.base/jdk.internal.misc=ALL-UNNAMED}; bench/run.sh
 * passes those flags for the JDK it runs. The server prints on stderr what Netty ended up with.
 *
 * <pre>
 * {@code java -cp bench/target/bench.jar dev.socketkit.bench.NettyEchoServer --transport nio --port 2500}
 * </pre>
 *
 * <p>Runs until SIGTERM or Ctrl-C, then shuts its event loop down.
 */
public final class NettyEchoServer {
  private NettyEchoServer() {}

  /** Netty's EchoServerHandler: write back what was read, flush when the read burst ends. */
  @Sharable
  static final class EchoHandler extends ChannelInboundHandlerAdapter {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      // The future is left alone, as in Netty's example: a failed write closes the channel.
      ChannelFuture unused = ctx.write(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      ctx.flush();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ChannelFuture unused = ctx.close(); // a reset peer: close that connection only
    }
  }

  /**
   * Starts the server: {@code --transport nio|epoll}, {@code --host H} (default 127.0.0.1), {@code
   * --port P} (default 2500, 0 for any), {@code --allocator pooled|default} (default pooled).
   */
  public static void main(String[] args) throws InterruptedException {
    String transport = "nio";
    String host = "127.0.0.1";
    int port = 2500;
    String allocatorName = "pooled";
    for (int i = 0; i < args.length; i += 2) {
      String value = i + 1 < args.length ? args[i + 1] : "";
      switch (args[i]) {
        case "--transport" -> transport = value;
        case "--host" -> host = value;
        case "--port" -> port = Integer.parseInt(value);
        case "--allocator" -> allocatorName = value;
        default -> {
          System.err.println(
              "usage: NettyEchoServer [--transport nio|epoll] [--host H] [--port P]"
                  + " [--allocator pooled|default]");
          System.exit(2);
        }
      }
    }
    IoHandlerFactory handlers;
    Class<? extends ServerChannel> channelType;
    if (transport.equals("epoll")) {
      if (!Epoll.isAvailable()) {
        System.err.println("epoll transport unavailable: " + Epoll.unavailabilityCause());
        System.exit(1);
      }
      handlers = EpollIoHandler.newFactory();
      channelType = EpollServerSocketChannel.class;
    } else if (transport.equals("nio")) {
      handlers = NioIoHandler.newFactory();
      channelType = NioServerSocketChannel.class;
    } else {
      System.err.println("--transport: " + transport + " (expected: nio or epoll)");
      System.exit(2);
      return;
    }
    ByteBufAllocator allocator;
    if (allocatorName.equals("pooled")) {
      allocator = new PooledByteBufAllocator(true); // pooled, direct
    } else if (allocatorName.equals("default")) {
      allocator = ByteBufAllocator.DEFAULT;
    } else {
      System.err.println("--allocator: " + allocatorName + " (expected: pooled or default)");
      System.exit(2);
      return;
    }
    // What decides Netty's speed with large messages: heap buffers cost a copy per read and write.
    ByteBuf probe = allocator.ioBuffer();
    boolean directIo = probe.isDirect();
    probe.release();
    System.err.println(
        "netty: unsafe "
            + PlatformDependent.hasUnsafe()
            + ", direct buffers preferred "
            + PlatformDependent.directBufferPreferred()
            + ", allocator "
            + allocatorName
            + " ("
            + allocator.getClass().getSimpleName()
            + ", io buffers "
            + (directIo ? "direct" : "heap")
            + "), java "
            + Runtime.version().feature());
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, handlers);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  group.shutdownGracefully().syncUninterruptibly();
                  stopped.countDown();
                }));
    EchoHandler handler = new EchoHandler();
    Channel channel =
        new ServerBootstrap()
            .group(group)
            .channel(channelType)
            .option(ChannelOption.SO_BACKLOG, 1024)
            .option(ChannelOption.ALLOCATOR, allocator)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childOption(ChannelOption.ALLOCATOR, allocator)
            .childHandler(handler)
            .bind(host, port)
            .sync()
            .channel();
    InetSocketAddress bound = (InetSocketAddress) channel.localAddress();
    System.out.println(
        "listening on " + bound.getAddress().getHostAddress() + ":" + bound.getPort());
    System.out.flush();
    channel.closeFuture().await();
    stopped.await();
  }
}
