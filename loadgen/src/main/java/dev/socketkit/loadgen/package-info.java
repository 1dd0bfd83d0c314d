/**
 * Load generators behind {@code socketkit bench}: {@link dev.socketkit.loadgen.EchoLoad} drives an
 * echo server with round trips checked byte for byte, {@link dev.socketkit.loadgen.MjpegLoad}
 * attaches a swarm of viewers to an MJPEG ({@code multipart/x-mixed-replace}) stream, and {@link
 * dev.socketkit.loadgen.Mp4Load} to a live fragmented-MP4 stream (the camera's {@code
 * /stream.mp4}), read box by box.
 *
 * <p>Each generator is one thread running one NIO {@link java.nio.channels.Selector}, so that it
 * can drive a fast server from a single core and can itself be pinned to one core ({@code taskset})
 * beside the server it measures. Each reports its own CPU use, and the server's when given its
 * process id, so a reader can tell whether the generator or the server was the limit.
 */
package dev.socketkit.loadgen;
