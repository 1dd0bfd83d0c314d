/**
 * The lecture's echo programs as library code: {@link dev.socketkit.echo.SelectEchoServer} (section
 * 2, select with read events), {@link dev.socketkit.echo.QueueEchoServer} (section 6, select with
 * {@code r_sock}, {@code w_sock} and a message queue per socket) and {@link
 * dev.socketkit.echo.EchoClient} (section 3, select with timeout zero). The servers run on one
 * thread each, on {@link dev.socketkit.select.Select}; {@code socketkit echo-server} and {@code
 * echo-client} run them.
 *
 * <p>Sections 7 and 8 write the same server with socketserver's handler classes ({@code
 * dev.socketkit.server}): {@link dev.socketkit.echo.TcpEchoHandler} and {@link
 * dev.socketkit.echo.UdpEchoHandler} (section 7, {@code request()}), {@link
 * dev.socketkit.echo.StreamEchoHandler} and {@link dev.socketkit.echo.DatagramEchoHandler} (section
 * 8, {@code rfile} / {@code wfile}); {@link dev.socketkit.echo.SocketServerEcho} puts each with its
 * server class, one per {@code echo-server} mode.
 */
package dev.socketkit.echo;
