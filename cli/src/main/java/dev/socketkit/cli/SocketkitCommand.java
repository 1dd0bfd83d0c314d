package dev.socketkit.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The top-level {@code socketkit} command: lists the lecture's programs as subcommands. */
@Command(
    name = "socketkit",
    mixinStandardHelpOptions = true,
    versionProvider = SocketkitCommand.Version.class,
    description = "The programs of the lecture on Python socket programming, in Java.",
    subcommands = {
      EchoServerCommand.class,
      EchoClientCommand.class,
      GuiClientCommand.class,
      QueuesCommand.class,
      HttpServerCommand.class,
      CameraCommand.class,
      BenchCommand.class,
    })
final class SocketkitCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "missing command (see socketkit --help)");
  }

  /** Reads the version Maven wrote into {@code version.properties}. */
  static final class Version implements IVersionProvider {
    @Override
    public String[] getVersion() {
      Properties properties = new Properties();
      try (InputStream in = SocketkitCommand.class.getResourceAsStream("version.properties")) {
        if (in != null) {
          properties.load(in);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      return new String[] {
        "socketkit " + properties.getProperty("version", "unknown"),
        "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"
      };
    }
  }
}
