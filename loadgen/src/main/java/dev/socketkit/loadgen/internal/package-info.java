/**
 * Implementation of the load generators: the single-threaded event loops, the incremental multipart
 * and MP4 box parsers and CPU accounting. Nothing here is API; {@link dev.socketkit.loadgen} is.
 */
package dev.socketkit.loadgen.internal;
