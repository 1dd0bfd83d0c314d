/**
 * The camera's implementation, assembled by {@link dev.socketkit.camera.Camera}: the source
 * supervisor, the frame sources (test pattern, ffmpeg, folder, MJPEG relay), the JPEG stream
 * splitter and encoder, the pictures drawn with Java2D, the MJPEG fan-out loop, the failed-login
 * limiter, and the {@code Surveillance} that joins motion detection ({@code internal.motion}) and
 * recording ({@code internal.recording}) to the frame hub. Not an API: names here may change.
 */
package dev.socketkit.camera.internal;
