package dev.socketkit.cli;

import dev.socketkit.http.HttpServer;
import dev.socketkit.http.SimpleHttpRequestHandler;
import dev.socketkit.http.ThreadingHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Lecture section 9, the server half: serves a directory over HTTP, as {@code python -m
 * http.server} does: listings, {@code Content-Type}, {@code Last-Modified} / {@code
 * If-Modified-Since}, HEAD, {@code index.html}, and nothing outside the directory.
 *
 * <p>A {@link ThreadingHttpServer} with a {@link SimpleHttpRequestHandler}; serves in the command's
 * thread until Ctrl-C or SIGTERM. Each request is logged to stderr in Python's format.
 */
@Command(
    name = "http-server",
    mixinStandardHelpOptions = true,
    description = {
      "Serve a directory over HTTP, like python -m http.server (lecture section 9).",
      "Directory listings, Content-Type, Last-Modified/If-Modified-Since, HEAD, index.html;"
          + " nothing outside DIR is served (.., %2e%2e, symbolic links leading out)."
    })
final class HttpServerCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--dir",
      paramLabel = "DIR",
      defaultValue = ".",
      description = "Directory to serve (default: the current directory).")
  Path dir;

  @Option(
      names = "--host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description =
          "Address to listen on (default: ${DEFAULT-VALUE}; 0.0.0.0 for every interface).")
  String host;

  @Option(
      names = "--port",
      paramLabel = "PORT",
      defaultValue = "8000",
      description = "Port to listen on (default: ${DEFAULT-VALUE}; 0 picks a free port).")
  int port;

  @Option(
      names = "--max-connections-per-client",
      paramLabel = "N",
      defaultValue = "50",
      description =
          "Most connections at once from one client address; one more gets 503 with Retry-After"
              + " (default: ${DEFAULT-VALUE}).")
  int maxConnectionsPerClient;

  @Option(
      names = "--quiet",
      description =
          "Do not log each request to standard error (errors are still logged), as nginx's"
              + " 'access_log off'.")
  boolean quiet;

  @Override
  public void run() {
    if (port < 0 || port > 65_535) {
      throw new CommandFailure("--port " + port + " is not a port (expected: 0 to 65535)");
    }
    if (maxConnectionsPerClient < 1) {
      throw new CommandFailure(
          "--max-connections-per-client " + maxConnectionsPerClient + " (expected: >= 1)");
    }
    if (!Files.isDirectory(dir)) {
      throw new CommandFailure("--dir " + dir + " is not a directory");
    }
    Path root;
    try {
      root = dir.toRealPath();
    } catch (IOException e) {
      throw new CommandFailure("cannot read --dir " + dir + ": " + e.getMessage(), e);
    }
    HttpServer server;
    try {
      server = open(new InetSocketAddress(host, port), root, quiet);
      server.setMaxConnectionsPerClient(maxConnectionsPerClient);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    Serving.onExit(
        () -> {
          server.shutdown();
          server.close();
        });
    Serving.announce(spec.commandLine().getOut(), server.serverAddress());
    server.serveForever();
  }

  /**
   * The listen backlog: what a real server asks for (the camera and echo servers do too), not
   * Python's 5, so that a burst of connections is not refused or retried while the accept loop
   * catches up. Linux caps it at net.core.somaxconn.
   */
  static final int BACKLOG = 1024;

  /**
   * The bound, listening server for {@code root}, with a backlog of {@link #BACKLOG}; {@code quiet}
   * leaves out the line per request (Python's {@code log_request}) but keeps the error lines.
   */
  static HttpServer open(InetSocketAddress address, Path root, boolean quiet) throws IOException {
    return new ThreadingHttpServer(
        address, () -> quiet ? new QuietHandler(root) : new SimpleHttpRequestHandler(root)) {
      @Override
      public int requestQueueSize() {
        return BACKLOG; // read by the constructor's bind, so a method and not a setter call
      }
    };
  }

  /** A file handler that logs errors but not every request (Python: override log_request). */
  private static final class QuietHandler extends SimpleHttpRequestHandler {
    QuietHandler(Path root) {
      super(root);
    }

    @Override
    protected void logRequest(int code, String size) {}
  }
}
