package dev.socketkit.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import picocli.CommandLine;
import picocli.CommandLine.IExecutionExceptionHandler;
import picocli.CommandLine.ParseResult;

/**
 * Turns an exception that escapes a command into one readable sentence on stderr and exit code 1.
 *
 * <p>Expected failures ({@link CommandFailure}, a port in use, a refused connection, an unknown
 * host) print their sentence only. Anything else is a bug: the sentence is followed by the stack
 * trace when the environment variable {@code SOCKETKIT_DEBUG} is set.
 */
final class Failures implements IExecutionExceptionHandler {
  @Override
  public int handleExecutionException(Exception e, CommandLine commandLine, ParseResult parsed) {
    commandLine.getErr().println("socketkit " + commandLine.getCommandName() + ": " + sentence(e));
    if (System.getenv("SOCKETKIT_DEBUG") != null) {
      e.printStackTrace(commandLine.getErr());
    }
    commandLine.getErr().flush();
    return 1;
  }

  /** One sentence that tells the user what went wrong. */
  static String sentence(Throwable e) {
    Throwable cause = e instanceof UncheckedIOException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof CommandFailure) {
      return cause.getMessage();
    }
    if (cause instanceof BindException) {
      return "cannot listen there: " + cause.getMessage() + " (is another server using the port?)";
    }
    if (cause instanceof ConnectException) {
      return "cannot connect: " + cause.getMessage() + " (is the server running?)";
    }
    if (cause instanceof UnknownHostException || cause instanceof UnresolvedAddressException) {
      return "unknown host" + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
    if (cause instanceof IOException) {
      return "I/O error: " + cause.getMessage();
    }
    return "unexpected error: " + cause + " (set SOCKETKIT_DEBUG=1 for the stack trace)";
  }
}
