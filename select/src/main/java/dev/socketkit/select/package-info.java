/**
 * Python's {@code select} module for Java NIO: {@link dev.socketkit.select.Select#select} takes
 * lists of channels and returns the ones that are ready, with Python's three timeout modes. It is
 * the bottom layer of socketkit; the echo servers of the lecture's sections 2 and 6 are written on
 * it.
 */
package dev.socketkit.select;
