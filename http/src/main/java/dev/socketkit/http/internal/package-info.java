/**
 * The implementation behind {@code dev.socketkit.http}, not a public API: the pure request-line and
 * header parser (JDK only, no sockets, fuzzed with Jazzer), Python's status table and error page,
 * the log line format, the connection's timed input stream, the response head's state and framing
 * ({@code ResponseWriter}) and the output below {@code wfile}, and the static-file logic of {@code
 * SimpleHttpRequestHandler}. Classes here are public only so that the root package can use them.
 */
package dev.socketkit.http.internal;
