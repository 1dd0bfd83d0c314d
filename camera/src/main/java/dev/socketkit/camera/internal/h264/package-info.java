/**
 * The camera's H.264 stream: {@link dev.socketkit.camera.internal.h264.FragmentHub} holds the one
 * fragmented-MP4 stream (init segment, the fragments since the newest keyframe, listeners and
 * demand), and every consumer ({@code /stream.mp4}, HLS, recordings) uses its {@link
 * dev.socketkit.camera.internal.h264.Fragment}s, made once per frame. The encoder that fills it
 * from the camera's JPEG frames lives here too. Not an API: names here may change.
 */
package dev.socketkit.camera.internal.h264;
