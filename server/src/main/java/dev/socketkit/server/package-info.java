/**
 * Python's {@code socketserver} for Java: server objects ({@code TcpServer}, {@code UdpServer}, the
 * Unix and threading variants) that hand each request to a handler class ({@code
 * BaseRequestHandler}, {@code StreamRequestHandler}, {@code DatagramRequestHandler}). Lecture
 * sections 7 and 8.
 */
package dev.socketkit.server;
