package dev.socketkit.cli;

import dev.socketkit.gui.OnOffWindow;
import java.awt.AWTError;
import java.awt.EventQueue;
import java.awt.GraphicsEnvironment;
import java.awt.HeadlessException;
import java.lang.reflect.InvocationTargetException;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicReference;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * Lecture section 4: the ON/OFF GUI socket client. Opens a Swing window whose button sends {@code
 * "ON"} or {@code "OFF"} to the echo server and whose label shows the echo; returns when the window
 * is closed.
 *
 * <p>This is the lecture's {@code main}: it resolves the server's address here, on the main thread
 * (a name lookup may block, and the window's thread must not), then makes the socket and builds the
 * screen on the event-dispatch thread ({@link OnOffWindow#open}). Without a display it fails with
 * one sentence instead of Swing's {@code HeadlessException}.
 */
@Command(
    name = "gui-client",
    mixinStandardHelpOptions = true,
    description = {
      "Open a window with an ON/OFF button that sends ON or OFF to the echo server and shows its"
          + " echo (lecture section 4).",
      "Needs a display; when the server is not there or goes away the window says so and retries."
    })
final class GuiClientCommand implements Runnable {
  @Spec CommandSpec spec;

  @Option(
      names = "--host",
      defaultValue = "127.0.0.1",
      description = "Echo server host (default: ${DEFAULT-VALUE}).")
  String host;

  @Option(
      names = "--port",
      defaultValue = "2500",
      description = "Echo server port (default: ${DEFAULT-VALUE}).")
  int port;

  @Override
  public void run() {
    if (port < 1 || port > 65_535) {
      throw new ParameterException(
          spec.commandLine(),
          "--port: " + port + " (expected: 1 to 65535, the echo server's port)");
    }
    InetSocketAddress server = new InetSocketAddress(host, port); // resolves the name, may block
    if (server.isUnresolved()) {
      throw new CommandFailure("unknown host: " + host);
    }
    if (GraphicsEnvironment.isHeadless()) {
      throw new CommandFailure(
          "there is no display to open the window on (set DISPLAY, or run it under xvfb-run)");
    }
    OnOffWindow window = open(server);
    try {
      window.awaitClosed();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static OnOffWindow open(InetSocketAddress server) {
    AtomicReference<OnOffWindow> opened = new AtomicReference<>();
    try {
      EventQueue.invokeAndWait(() -> opened.set(OnOffWindow.open(server)));
    } catch (AWTError e) {
      // Thrown here, by the toolkit's first use, when DISPLAY names no X server we can reach.
      throw new CommandFailure("cannot open the window: " + e.getMessage(), e);
    } catch (InvocationTargetException e) {
      Throwable cause = e.getCause();
      if (cause instanceof AWTError || cause instanceof HeadlessException) {
        // The same failure, met on the event-dispatch thread instead.
        throw new CommandFailure("cannot open the window: " + cause.getMessage(), cause);
      }
      throw new IllegalStateException("opening the window failed", cause);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CommandFailure("interrupted while opening the window", e);
    }
    return opened.get();
  }
}
