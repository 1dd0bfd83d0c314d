/**
 * Python's {@code socketserver} for Java: server objects ({@link dev.socketkit.server.TcpServer},
 * {@link dev.socketkit.server.UdpServer}, {@link dev.socketkit.server.UnixStreamServer} and their
 * {@code Threading*} variants) that hand each request to a new handler ({@link
 * dev.socketkit.server.BaseRequestHandler}, {@link dev.socketkit.server.StreamRequestHandler},
 * {@link dev.socketkit.server.DatagramRequestHandler}). Lecture sections 7 and 8.
 *
 * <p>Java has no mixins, so Python's {@code ThreadingMixIn} is a {@link
 * dev.socketkit.server.Threading} value set on the server: none, a thread per request (virtual
 * threads on JDK 21+, platform threads on 17), or a bounded pool. The serving loop waits with
 * {@link dev.socketkit.select.Select}. There is no {@code UnixDatagramServer}: the JDK has no
 * Unix-domain datagram channels ({@code DatagramChannel} supports only IPv4 and IPv6), and
 * socketkit does not fake one.
 */
package dev.socketkit.server;
