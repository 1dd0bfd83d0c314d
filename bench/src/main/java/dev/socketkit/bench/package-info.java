/**
 * Side-by-side benchmarks, not part of socketkit.jar: the Netty echo server socketkit is compared
 * with ({@link dev.socketkit.bench.NettyEchoServer}), JMH microbenchmarks of the hot paths, and the
 * chart renderer ({@link dev.socketkit.bench.Chart}) that {@code bench/run.sh} uses to draw
 * docs/benchmarks.png.
 */
package dev.socketkit.bench;
