/**
 * The test kit every module's tests share, written once: {@link dev.socketkit.testkit.Await} waits
 * on a condition with a deadline, {@link dev.socketkit.testkit.RefusingPort} is a port whose
 * connects are refused, {@link dev.socketkit.testkit.RawHttpClient} and {@link
 * dev.socketkit.testkit.MjpegClient} speak HTTP and MJPEG byte by byte over real sockets, {@link
 * dev.socketkit.testkit.MisbehavingPeer} is a client that stalls, resets, half-closes, reads slowly
 * or sends garbage (OkHttp's {@code SocketPolicy} idea), and {@link dev.socketkit.testkit.Tools}
 * holds the policy for tests that need an external program. Test scope only: nothing here ships in
 * socketkit.jar.
 */
package dev.socketkit.testkit;
