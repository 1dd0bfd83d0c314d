package dev.socketkit.cli;

import java.nio.channels.spi.SelectorProvider;

/**
 * Puts this JVM's selectors on {@code poll(2)}, the JDK's own {@code
 * sun.nio.ch.PollSelectorProvider} chosen through the documented {@code
 * java.nio.channels.spi.SelectorProvider} system property.
 *
 * <p>Python's {@code select.select} hands its three lists to the kernel on every call; so does a
 * poll selector, which keeps the interest of each channel in its own array. An epoll selector keeps
 * it in the kernel instead, and pays one {@code epoll_ctl} for every change: the lecture's section
 * 6 server, which moves a socket into {@code w_sock} for each message and out again once its queue
 * is empty, pays two per round trip. A poll selector pays for it with a scan of every watched
 * descriptor per wait, which a loop under load shares among the many channels each wait reports.
 *
 * <p>The property is read once, when the JVM first needs a channel or a selector, so {@link
 * #install()} must run before anything opens one.
 */
final class PollSelector {
  private static final String PROPERTY = "java.nio.channels.spi.SelectorProvider";
  private static final String PROVIDER = "sun.nio.ch.PollSelectorProvider";

  private PollSelector() {}

  /**
   * Asks for the poll provider, unless the property names a provider already.
   *
   * @return whether this JVM's selectors are poll selectors now: false where the JDK has none,
   *     where the property names another provider, or where channels were opened before this call
   */
  static boolean install() {
    if (System.getProperty(PROPERTY) == null && exists(PROVIDER)) {
      System.setProperty(PROPERTY, PROVIDER);
    }
    return SelectorProvider.provider().getClass().getName().equals(PROVIDER);
  }

  private static boolean exists(String className) {
    try {
      Class.forName(className, false, ClassLoader.getSystemClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false; // a JDK without it: the default provider stays
    }
  }
}
