/**
 * HLS for phones and HTTP caches: {@link dev.socketkit.camera.internal.hls.HlsSegmenter} joins the
 * camera's fragmented-MP4 fragments (one per picture) into segments from keyframe to keyframe and
 * keeps a sliding window of them, and {@code HlsPlaylist} writes the live playlist that lists them.
 * The camera serves them at {@code /hls/}; a segment's bytes never change for its name, so a cache
 * in front (nginx, a CDN) answers most viewers.
 */
package dev.socketkit.camera.internal.hls;
