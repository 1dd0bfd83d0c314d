/**
 * Python's {@code http.server} for Java, built on {@code dev.socketkit.server}: {@code HttpServer}
 * and {@code ThreadingHttpServer} (the servers), {@code BaseHttpRequestHandler} (extend it and
 * override {@code doGET}, as the lecture's camera handler does), {@code HttpHeaders} (the request's
 * header fields), {@code SimpleHttpRequestHandler} (the static-file handler behind {@code socketkit
 * http-server}), and two helpers for handlers: {@code QueryString} (Python's {@code parse_qsl}) and
 * {@code Html} (Python's {@code html.escape}). Lecture section 9, the server half. The request
 * parser and the other implementation pieces live in {@code dev.socketkit.http.internal}.
 */
package dev.socketkit.http;
