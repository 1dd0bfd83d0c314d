package dev.socketkit.cli;

import picocli.CommandLine;

/** Entry point of {@code socketkit.jar}: runs {@link SocketkitCommand} and exits with its code. */
public final class Main {
  private Main() {}

  /** Runs the command line and exits the JVM with the command's exit code. */
  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit code; for tests and embedding. */
  public static int run(String... args) {
    return commandLine().execute(args);
  }

  /** The configured picocli command line, shared by {@link #run} and the tests. */
  static CommandLine commandLine() {
    CommandLine commandLine = new CommandLine(new SocketkitCommand());
    commandLine.setExecutionExceptionHandler(new Failures());
    commandLine.setCaseInsensitiveEnumValuesAllowed(true);
    return commandLine;
  }
}
