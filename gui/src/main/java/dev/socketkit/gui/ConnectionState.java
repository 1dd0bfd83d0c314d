package dev.socketkit.gui;

/** Where the ON/OFF client's connection to the echo server stands; shown in the status line. */
public enum ConnectionState {
  /** A non-blocking connect is under way. */
  CONNECTING,
  /** Connected: clicks are sent and echoes are shown. */
  CONNECTED,
  /** Not connected: the server was not there or went away; the next attempt waits for back-off. */
  DISCONNECTED
}
