package dev.socketkit.echo;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test's echo server in its own JVM (for example with {@code -Xmx64m}): prints {@code listening
 * on HOST:PORT}, serves until its stdin ends, then exits.
 */
final class ChildServer {
  private ChildServer() {}

  public static void main(String[] args) throws IOException {
    RunningServer.Kind kind = RunningServer.Kind.valueOf(args[0]);
    try (EchoServer server =
        kind.open(
            new InetSocketAddress(InetAddress.getLoopbackAddress(), 0),
            EchoServer.DEFAULT_MAX_PENDING)) {
      InetSocketAddress address = (InetSocketAddress) server.localAddress();
      System.out.println("listening on 127.0.0.1:" + address.getPort());
      System.out.flush();
      Thread stdin =
          new Thread(
              () -> {
                try {
                  while (System.in.read() >= 0) {
                    // wait for the parent to close our stdin (or to die)
                  }
                } catch (IOException ignored) {
                  // the parent is gone: stop as if it had closed stdin
                }
                server.shutdown();
              });
      stdin.setDaemon(true);
      stdin.start();
      server.serveForever();
    }
  }

  /** Starts {@code mainClass} in a new JVM with this test's classpath and the given JVM flags. */
  static Process start(Class<?> mainClass, List<String> jvmFlags, String... args)
      throws IOException {
    return start(List.of(), mainClass, jvmFlags, args);
  }

  /**
   * Starts {@code mainClass} in a new JVM, its command prefixed by {@code wrapper} (for example
   * {@code bash -c 'ulimit -n 200; exec "$0" "$@"'}).
   */
  static Process start(
      List<String> wrapper, Class<?> mainClass, List<String> jvmFlags, String... args)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new java.util.ArrayList<>(wrapper);
    command.add(java);
    command.addAll(jvmFlags);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(mainClass.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }

  /** Reads the child's {@code listening on HOST:PORT} line and returns that address. */
  static SocketAddress listeningAddress(Process child) throws IOException {
    String line =
        new java.io.BufferedReader(
                new java.io.InputStreamReader(
                    child.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
            .readLine();
    if (line == null || !line.startsWith("listening on 127.0.0.1:")) {
      throw new IOException("the child server said " + line);
    }
    return new InetSocketAddress(
        InetAddress.getLoopbackAddress(), Integer.parseInt(line.substring(line.indexOf(':') + 1)));
  }

  /** Ends a child: closes its stdin, then destroys it if it has not exited within 10 s. */
  static void stop(Process child) throws InterruptedException, IOException {
    child.getOutputStream().close();
    if (!child.waitFor(10, TimeUnit.SECONDS)) {
      child.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
