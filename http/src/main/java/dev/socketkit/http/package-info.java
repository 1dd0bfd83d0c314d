/**
 * Python's {@code http.server} for Java, built on {@code dev.socketkit.server}: {@code HttpServer},
 * {@code ThreadingHttpServer} and {@code BaseHttpRequestHandler}. Lecture section 9, the server
 * half.
 */
package dev.socketkit.http;
