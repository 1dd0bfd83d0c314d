package dev.socketkit.gui;

import java.util.Objects;

/**
 * What the ON/OFF window shows, as computed by {@link OnOffClient}: the window only copies these
 * values into its components, so everything on the screen is tested without a display.
 *
 * @param connection where the connection stands
 * @param on whether the button is ON (the last click sent, or would have sent, {@code "ON"})
 * @param lastEcho the last line the server echoed, without its newline; empty before the first
 * @param status one sentence on the connection: {@code "connected to 127.0.0.1:2500"}, {@code
 *     "connecting to ..."} or {@code "disconnected: ...; retrying in 2 s"}
 * @param notice what happened to the last click when it could not be sent, shown under the status;
 *     empty otherwise
 */
public record Screen(
    ConnectionState connection, boolean on, String lastEcho, String status, String notice) {
  /** Checks that no component is null. */
  public Screen {
    Objects.requireNonNull(connection, "connection");
    Objects.requireNonNull(lastEcho, "lastEcho");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(notice, "notice");
  }

  /** The button's text, {@code "ON"} or {@code "OFF"}: the state is never told by colour alone. */
  public String buttonText() {
    return on ? "ON" : "OFF";
  }
}
