package dev.socketkit.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.Optional;

/*
 * Design notes.
 *
 * The JDK has no public API for signals. sun.misc.Signal (module jdk.unsupported, exported and
 * kept on purpose for this use; JEP 260) works on JDK 17 and 21+, but javac warns about every
 * reference to it as "internal proprietary API", a warning no @SuppressWarnings silences, and the
 * build treats warnings as errors. So it is reached by reflection, here and nowhere else: the class
 * is looked up by name, and the handler is a java.lang.reflect.Proxy of sun.misc.SignalHandler.
 * Where it is missing (a JDK without jdk.unsupported, a JVM started with -Xrs, Windows, which has
 * no SIGHUP) install() says so by returning false and the command goes on without it.
 *
 * Installing a handler replaces the JVM's own for SIGHUP, which would otherwise run the shutdown
 * hooks: a camera under systemd or a terminal that sends SIGHUP to reload keeps running.
 *
 * A process started with SIGHUP ignored (nohup does exactly that) keeps it ignored: HotSpot does not
 * install a handler for an ignored shutdown signal, and Signal.handle then answers SIG_IGN instead
 * of failing. A shell cannot undo it either (POSIX: a signal ignored on entry to a non-interactive
 * shell cannot be trapped or reset), so install() reports it and says what does work.
 */

/**
 * Runs an action when the process receives SIGHUP, the Unix convention for "read your configuration
 * again" ({@code kill -HUP PID}, {@code systemctl reload}).
 *
 * <p>The action runs on the JVM's signal dispatcher thread, once per signal, so it must be quick
 * and must not throw: an exception it throws is caught and dropped by the JVM. Installed once per
 * process by the command's thread.
 */
final class Hangup {
  private Hangup() {}

  /**
   * Makes {@code action} run on every SIGHUP from now on, instead of the JVM's default (exiting).
   *
   * @return empty if installed; otherwise why this process cannot receive SIGHUP (it was ignored
   *     when the process started, as under {@code nohup}; no {@code sun.misc.Signal}; {@code -Xrs};
   *     Windows), in which case nothing changed
   */
  static Optional<String> install(Runnable action) {
    try {
      Class<?> signalType = Class.forName("sun.misc.Signal");
      Class<?> handlerType = Class.forName("sun.misc.SignalHandler");
      Object signal = signalType.getConstructor(String.class).newInstance("HUP");
      InvocationHandler onSignal =
          (Object proxy, Method method, Object[] args) -> {
            if (method.getName().equals("handle")) {
              action.run();
              return null;
            }
            return objectMethod(proxy, method, args);
          };
      Object handler =
          Proxy.newProxyInstance(
              Hangup.class.getClassLoader(), new Class<?>[] {handlerType}, onSignal);
      Object previous =
          signalType.getMethod("handle", signalType, handlerType).invoke(null, signal, handler);
      if (previous == handlerType.getField("SIG_IGN").get(null)) {
        return Optional.of(
            "SIGHUP was ignored when the process started, as nohup does, and stays ignored;"
                + " start it with setsid or under a service manager instead");
      }
      return Optional.empty();
    } catch (ReflectiveOperationException | IllegalArgumentException | LinkageError e) {
      // IllegalArgumentException wrapped or not: the signal is unknown here or the JVM (-Xrs)
      // keeps it; ReflectiveOperationException: no sun.misc.Signal in this runtime.
      return Optional.of("this JVM keeps SIGHUP for itself or cannot handle it");
    }
  }

  /** What the proxy answers for {@link Object}'s methods (a log line, a map key). */
  private static Object objectMethod(Object proxy, Method method, Object[] args) {
    return switch (method.getName()) {
      case "equals" -> proxy == args[0];
      case "hashCode" -> System.identityHashCode(proxy);
      case "toString" -> "SIGHUP handler";
      default -> throw new UnsupportedOperationException(method.getName());
    };
  }
}
