/**
 * Python's {@code select} and {@code selectors} modules for Java NIO. {@link
 * dev.socketkit.select.Select#select} takes lists of channels and returns the ones that are ready,
 * with Python's three timeout modes; {@link dev.socketkit.select.EventLoop} is the
 * registration-based form (register, modify, unregister, then select) that costs O(ready) per wait.
 * Both run on the same core: {@code Select} keeps one {@code EventLoop} per calling thread. {@link
 * dev.socketkit.select.EventLoopThread} is the loop built on that core for servers and clients: it
 * owns a thread (its own, or the caller's), the selector, a task queue and timers, and runs a
 * handler per ready channel. This is the bottom layer of socketkit; the echo servers of the
 * lecture's sections 2 and 6 are written on it.
 */
package dev.socketkit.select;
