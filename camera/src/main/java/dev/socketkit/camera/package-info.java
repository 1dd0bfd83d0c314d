/**
 * The lecture's surveillance camera (section 9) made into a camera server; this package is its
 * public API. {@link dev.socketkit.camera.Camera#builder()} assembles and starts a camera (source,
 * MJPEG streaming, web page, authentication, and optionally motion detection and recording) from
 * value types: {@link dev.socketkit.camera.MotionSettings}, {@link
 * dev.socketkit.camera.RecordingSettings} with its {@link dev.socketkit.camera.RecordMode}, an
 * {@link dev.socketkit.camera.AuthFile}, and a named or own {@link
 * dev.socketkit.camera.FrameSource} publishing {@link dev.socketkit.camera.Frame}s into a {@link
 * dev.socketkit.camera.FrameHub}. Motion events ({@link dev.socketkit.camera.MotionEvent}) reach a
 * {@link dev.socketkit.camera.MotionListener}; {@link dev.socketkit.camera.SourceState} says what
 * the source does. Everything else lives in {@code dev.socketkit.camera.internal} and may change.
 */
package dev.socketkit.camera;
