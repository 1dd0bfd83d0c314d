/**
 * Implementation of {@code dev.socketkit.server}; not API. Detection of virtual threads, the
 * threads that run requests for the threading servers, and the streams over a request's channel.
 * Nothing here is meant to be used from outside the server module.
 */
package dev.socketkit.server.internal;
