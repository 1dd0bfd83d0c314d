/**
 * The {@code socketkit} command line: one picocli command per program of the lecture, each a thin
 * layer that parses flags, starts library code, prints {@code listening on HOST:PORT} and turns
 * failures into one readable sentence. Builds the runnable {@code socketkit.jar}.
 */
package dev.socketkit.cli;
