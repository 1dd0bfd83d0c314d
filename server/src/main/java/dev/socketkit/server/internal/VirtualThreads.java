package dev.socketkit.server.internal;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.concurrent.ThreadFactory;

/*
 * The project compiles with --release 17, where Thread.ofVirtual() does not exist. We look it up
 * once by reflection. On JDK 19 and 20 the method exists but throws UnsupportedOperationException
 * unless preview features are enabled: that counts as "not available".
 */

/**
 * The one place that knows whether this JDK has virtual threads (JDK 21+) and how to make one.
 *
 * <p>Thread-safe; the answer is computed once per JVM.
 */
public final class VirtualThreads {
  private static final ThreadFactory FACTORY = lookUpFactory();
  private static final Method IS_VIRTUAL = lookUpIsVirtual();

  private VirtualThreads() {}

  /** Whether this JDK can start virtual threads. */
  public static boolean available() {
    return FACTORY != null;
  }

  /**
   * Makes an unstarted virtual thread named {@code name} running {@code task}.
   *
   * @throws UnsupportedOperationException if this JDK has no virtual threads
   */
  public static Thread newThread(Runnable task, String name) {
    if (FACTORY == null) {
      throw new UnsupportedOperationException(
          "virtual threads need JDK 21 or newer; this is JDK " + Runtime.version().feature());
    }
    Thread thread = FACTORY.newThread(task);
    thread.setName(name);
    return thread;
  }

  /** Whether {@code thread} is a virtual thread; always false on a JDK without them. */
  public static boolean isVirtual(Thread thread) {
    if (IS_VIRTUAL == null) {
      return false;
    }
    try {
      return (Boolean) IS_VIRTUAL.invoke(thread);
    } catch (IllegalAccessException | InvocationTargetException e) {
      throw new IllegalStateException("Thread.isVirtual() failed", e);
    }
  }

  private static ThreadFactory lookUpFactory() {
    try {
      Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
      Class<?> builderType = Class.forName("java.lang.Thread$Builder");
      return (ThreadFactory) builderType.getMethod("factory").invoke(builder);
    } catch (ReflectiveOperationException | UnsupportedOperationException e) {
      // JDK 17-18: no such method; JDK 19-20 without --enable-preview: the call throws.
      return null;
    }
  }

  private static Method lookUpIsVirtual() {
    try {
      return Thread.class.getMethod("isVirtual");
    } catch (NoSuchMethodException e) {
      return null; // JDK 17-18: no virtual threads, so no thread is virtual
    }
  }
}
