/**
 * The lecture's echo programs as library code: {@link dev.socketkit.echo.SelectEchoServer} (section
 * 2, select with read events), {@link dev.socketkit.echo.QueueEchoServer} (section 6, select with
 * {@code r_sock}, {@code w_sock} and a message queue per socket) and {@link
 * dev.socketkit.echo.EchoClient} (section 3, select with timeout zero). The servers run on one
 * thread each, on {@link dev.socketkit.select.Select}; {@code socketkit echo-server} and {@code
 * echo-client} run them.
 */
package dev.socketkit.echo;
