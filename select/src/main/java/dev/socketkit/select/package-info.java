/**
 * Python's {@code select} and {@code selectors} modules for Java NIO. {@link
 * dev.socketkit.select.Select#select} takes lists of channels and returns the ones that are ready,
 * with Python's three timeout modes; {@link dev.socketkit.select.EventLoop} is the
 * registration-based form (register, modify, unregister, then select) that costs O(ready) per wait.
 * Both run on the same core: {@code Select} keeps one {@code EventLoop} per calling thread. This is
 * the bottom layer of socketkit; the echo servers of the lecture's sections 2 and 6 are written on
 * it.
 */
package dev.socketkit.select;
